// The benchmark tables' numbers: three significant figures whatever the size (a tiny model's CPU
// step is hundredths of a millisecond), rates with thousands separators, ratios below 0.1 readable.
import { describe, expect, it } from 'vitest';
import { fmtMs, fmtRate, fmtRatio } from '../src/ui/bench/dom';

describe('benchmark numbers', () => {
  it('keeps three figures of small times, where two decimals would leave one', () => {
    expect([267.4, 17.34, 4.567, 0.4212, 0.01312, 0.000123].map(fmtMs)).toEqual(['267', '17.3', '4.57', '0.42', '0.0131', '0.000123']);
  });

  it('gives steps per second whole above 100, with separators, and three figures below', () => {
    expect([0.01312, 2.5, 26.5, 1500].map(fmtRate)).toEqual(['76,220', '400', '37.7', '0.667']);
  });

  it('writes ratios with two decimals, and three figures below 0.1', () => {
    expect([2.957, 0.25, 0.013125].map(fmtRatio)).toEqual(['2.96×', '0.25×', '0.0131×']);
  });
});
