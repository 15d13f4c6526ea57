// The loss charts' axes: tick values as people read them (formatNumber's three significant digits,
// never uPlot's "0.000" or a float's "0.30000000000000004"), and y axes as wide as their widest
// label, so a right-hand axis is not clipped at the canvas edge.
import type uPlot from 'uplot';
import { formatNumber } from '../format';

/**
 * A tick's label: formatNumber without trailing zeros in the mantissa ("1e-7", not "1.00e-7"), with
 * more digits only where three would give neighbouring ticks one label (1.0985 and 1.099 on a
 * narrow range). `increment` is the step between ticks; 0 where there is none (a log axis).
 */
export function tickLabel(value: number, increment: number): string {
  const step = Math.abs(increment);
  // Splits that should be 0 come out as ±1e-17 after uPlot's additions; snap them.
  const v = Math.abs(value) < step * 1e-6 ? 0 : value;
  const size = Math.abs(v);
  const plain = size >= 1e-3 && size < 1e6; // where formatNumber writes no exponent
  if (plain && step > 0) {
    const needed = decimalsOf(step);
    if (needed > Math.max(0, 2 - Math.floor(Math.log10(size)))) return String(Number(v.toFixed(needed)));
  }
  return formatNumber(v)
    .replace(/\.?0+e/, 'e')
    .replace('e+', 'e');
}

/** Decimal places in which `x` is written (0.0025: 4), up to 12; tolerant of binary rounding. */
function decimalsOf(x: number): number {
  let d = 0;
  while (d < 12 && Math.abs(Math.round(x * 10 ** d) - x * 10 ** d) > 1e-6 * x * 10 ** d) d++;
  return d;
}

/** Tick labels for a numeric axis; a split uPlot's filter left out (null) gets none. */
export function tickValues(_u: uPlot, splits: Array<number | null>, _axis: number, _space: number, increment: number): string[] {
  return splits.map((v) => (v === null ? '' : tickLabel(v, increment)));
}

/** Tick labels for a logarithmic axis, where each split is its own increment (the minor ones filtered to null). */
export function logTickValues(_u: uPlot, splits: Array<number | null>): string[] {
  return splits.map((v) => (v === null ? '' : tickLabel(v, 0)));
}

const DEFAULT_SIZE = 50; // uPlot's own guess

/** The width a y axis needs for its longest label, its ticks and its gap (after uPlot's axis-autosize demo, measuring every label). */
function fitLabels(u: uPlot, values: string[] | null, axisIndex: number, cycle: number): number {
  const axis = u.axes[axisIndex]!;
  const current = (axis as { _size?: number })._size;
  // uPlot asks first with no values (a guess), then after each layout pass; the second answer stands.
  if (values === null) return DEFAULT_SIZE;
  if (cycle > 1 && current !== undefined) return current;
  u.ctx.font = (axis.font as unknown as [string] | undefined)?.[0] ?? u.ctx.font;
  const text = values.reduce((widest, v) => Math.max(widest, v ? u.ctx.measureText(v).width : 0), 0) / devicePixelRatio;
  // Never narrower than uPlot's default, so that stacked charts' plot areas usually line up.
  return Math.max(DEFAULT_SIZE, Math.ceil((axis.ticks?.size ?? 10) + (axis.gap ?? 5) + text + 4));
}

const LOOK = { stroke: '#4b4f56', grid: { stroke: '#e6e8eb', width: 1 }, ticks: { stroke: '#d8dce2', width: 1 } };

/** The x (step) axis. */
export const STEP_AXIS: uPlot.Axis = { ...LOOK, values: tickValues };

/** A y axis on `scale`, linear or logarithmic, sized to its labels. */
export function valueAxis(scale: string, log: boolean, extra: uPlot.Axis = {}): uPlot.Axis {
  return { ...LOOK, scale, size: fitLabels, values: log ? logTickValues : tickValues, ...extra };
}
