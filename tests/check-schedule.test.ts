// The page's gradient check while training: the first at once, then every checkEvery steps, but no
// sooner than CHECK_SPACING times its last cost after the last one started.
import { describe, expect, it } from 'vitest';
import { CHECK_SPACING, checkDue } from '../src/ui/math/check-schedule';

describe('checkDue', () => {
  const last = { step: 400, at: 10_000, ms: 50 };
  const later = last.at + CHECK_SPACING * last.ms;

  it('runs the first check at once, whatever checkEvery says', () => {
    expect(checkDue(null, 0, 0, 200)).toBe(true);
    expect(checkDue(null, 7, 0, 0)).toBe(true);
  });

  it('waits for checkEvery steps, then for the spacing its last cost asks', () => {
    expect(checkDue(last, 599, later + 1e6, 200)).toBe(false); // too few steps, however late
    expect(checkDue(last, 600, later - 1, 200)).toBe(false); // enough steps, too soon: a fast engine
    expect(checkDue(last, 600, later, 200)).toBe(true);
    expect(checkDue({ ...last, ms: 2 }, 600, last.at + 40, 200)).toBe(true); // a cheap check soon again
  });

  it('checks no more after the first with checkEvery 0', () => {
    expect(checkDue(last, 1e6, 1e12, 0)).toBe(false);
  });
});
