// Tick labels of the loss charts: three significant digits as formatNumber writes them, no trailing
// zeros, no "0.30000000000000004", and a 0 that uPlot's arithmetic left as ±1e-17 shown as 0.
import { describe, expect, it } from 'vitest';
import { tickLabel } from '../src/ui/plots/axes';

describe('tickLabel', () => {
  it('writes ticks as people read them', () => {
    expect(tickLabel(0.30000000000000004, 0.1)).toBe('0.3');
    expect(tickLabel(0.005, 0.005)).toBe('0.005');
    expect(tickLabel(1.25, 0.25)).toBe('1.25');
    expect(tickLabel(2500, 500)).toBe('2,500');
    expect(tickLabel(3_000_000, 1_000_000)).toBe('3e6');
    expect(tickLabel(1e-7, 0)).toBe('1e-7');
    expect(tickLabel(3.2e-7, 0)).toBe('3.2e-7');
    expect(tickLabel(2.05e-4, 0)).toBe('2.05e-4');
  });

  it('gives neighbouring ticks of a narrow range their own labels', () => {
    expect([1.098, 1.0985, 1.099].map((v) => tickLabel(v, 0.0005))).toEqual(['1.098', '1.0985', '1.099']);
    expect(tickLabel(0.4125, 0.0025)).toBe('0.4125');
    expect(tickLabel(120, 20)).toBe('120'); // three digits were enough
  });

  it('shows a zero that came out as rounding noise as 0', () => {
    expect(tickLabel(1.3877787807814457e-17, 0.1)).toBe('0');
    expect(tickLabel(-2.7755575615628914e-17, 0.05)).toBe('0');
    expect(tickLabel(0, 1)).toBe('0');
  });
});
