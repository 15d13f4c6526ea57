// A run file's loss history (src/train/loss-history.ts): kept whole while it fits; past that the
// last steps whole and the older ones thinned on one power-of-two stride, never more than the bound.
import { describe, expect, it } from 'vitest';
import type { StepMetrics } from '../src/kernels/metrics';
import { boundedHistory, HISTORY_POINTS, HISTORY_RECENT } from '../src/train/loss-history';

const steps = (from: number, count: number): StepMetrics[] =>
  Array.from({ length: count }, (_, i) => ({ step: from + i, loss: 1 / (from + i + 1), accuracy: 0.5 }));

describe('boundedHistory', () => {
  it('keeps a history that fits whole, as a copy', () => {
    const all = steps(0, HISTORY_POINTS);
    const kept = boundedHistory(all);
    expect(kept).toEqual(all);
    expect(kept[0]).not.toBe(all[0]);
  });

  it('keeps the last steps whole and thins the older ones to one power-of-two stride, within the bound', () => {
    for (const count of [HISTORY_POINTS + 1, 10_000, 50_000, 1_000_000]) {
      const all = steps(0, count);
      const kept = boundedHistory(all);
      expect(kept.length, `${count}`).toBeLessThanOrEqual(HISTORY_POINTS);
      // The recent steps, which the status line's average reads, are the last ones, untouched.
      expect(kept.slice(-HISTORY_RECENT)).toEqual(all.slice(-HISTORY_RECENT));
      const head = kept.slice(0, -HISTORY_RECENT).map((m) => m.step);
      const stride = head[1]! - head[0]!;
      expect(Math.log2(stride) % 1, `${count}`).toBe(0);
      expect(head[0]).toBe(0);
      for (let i = 1; i < head.length; i++) expect(head[i]! - head[i - 1]!).toBe(stride);
      // The smallest stride that fits: half of it would not.
      expect(Math.ceil((count - HISTORY_RECENT) / (stride / 2)) + HISTORY_RECENT, `${count}`).toBeGreaterThan(HISTORY_POINTS);
      for (const m of kept) expect(m).toEqual(all[m.step]);
    }
  });

  it('thins a history saved before (already thinned, starting late) again without losing its order', () => {
    const once = boundedHistory(steps(0, 20_000));
    const resumed = [...once, ...steps(20_000, 30_000)];
    const twice = boundedHistory(resumed);
    expect(twice.length).toBeLessThanOrEqual(HISTORY_POINTS);
    expect(twice.slice(-HISTORY_RECENT)).toEqual(resumed.slice(-HISTORY_RECENT));
    for (let i = 1; i < twice.length; i++) expect(twice[i]!.step).toBeGreaterThan(twice[i - 1]!.step);
    // A log that keeps only recent steps (it started late) is thinned the same way.
    const late = boundedHistory(steps(123_457, 9000));
    expect(late.length).toBeLessThanOrEqual(HISTORY_POINTS);
    expect(late.at(-1)!.step).toBe(123_457 + 8999);
  });

  it('keeps the last steps alone when the bound is no larger than them', () => {
    const all = steps(0, 50);
    expect(boundedHistory(all, 10, 20)).toEqual(all.slice(-10));
  });
});
