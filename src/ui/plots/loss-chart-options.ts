// uPlot options for the loss charts: which series they have and how they look. Built anew
// whenever the set of series changes (an engine starts reporting, the scale or reference changes).
import uPlot from 'uplot';
import { ENGINE_NAMES, type EngineId } from '../../train/engine';
import { STEP_AXIS, valueAxis } from './axes';

/** Which engine produced a curve. */
export type LossEngine = EngineId;

/** Engines in legend order, which is also drawing order: the CPU engines are drawn over the GPU. */
export const ENGINES: readonly LossEngine[] = ['gpu', 'cpu', 'reference'];

/**
 * Legend name, line colour, faint colour (raw loss) and line width per engine. The colours differ
 * (blue, vermilion: told apart with every common colour blindness); the GPU's line is wider so
 * that, where the two coincide, it shows as a blue rim around the reference's line drawn over it.
 */
export const ENGINE_STYLE: Readonly<Record<LossEngine, { label: string; colour: string; faint: string; width: number }>> = {
  gpu: { label: ENGINE_NAMES.gpu, colour: '#0072b2', faint: 'rgba(0, 114, 178, 0.28)', width: 4 },
  cpu: { label: ENGINE_NAMES.cpu, colour: '#009e73', faint: 'rgba(0, 158, 115, 0.28)', width: 1.5 },
  reference: { label: `CPU: ${ENGINE_NAMES.reference}`, colour: '#d55e00', faint: 'rgba(213, 94, 0, 0.28)', width: 1.5 },
};

/** The difference chart's line: neither engine's colour, since it is of both. */
export const DIFFERENCE_COLOUR = '#2b2d31';
const REFERENCE_COLOUR = '#2b2d31';

/** Shared by every chart: fixed size, no zoom (data arrive continuously), a legend without live values. */
function base(title: string, width: number, height: number): Omit<uPlot.Options, 'series'> {
  return {
    title,
    width,
    height,
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false } },
  };
}

/**
 * uPlot's own linear range, except that a range narrower than 2 % of the loss is widened to that:
 * the two engines' step-0 test losses agree to float32 rounding, and would otherwise fill the axis
 * with ticks 1e-8 apart.
 */
function lossRange(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null) return [min, max];
  const least = 0.02 * Math.max(Math.abs(min), Math.abs(max));
  const mid = (min + max) / 2;
  return max - min >= least ? uPlot.rangeNum(min, max, 0.1, true) : uPlot.rangeNum(mid - least / 2, mid + least / 2, 0.1, true);
}

function lossScale(log: boolean): uPlot.Scale {
  return log ? { distr: 3, log: 10 } : { range: lossRange };
}

/** The training-loss chart: raw and smoothed loss per engine, then the reference line if any. */
export function trainingOptions(
  width: number,
  height: number,
  engines: readonly LossEngine[],
  log: boolean,
  referenceLabel: string | null,
  x: XAxis = 'step',
): uPlot.Options {
  const series: uPlot.Series[] = [{ label: x }];
  for (const engine of engines) {
    const style = ENGINE_STYLE[engine];
    series.push(
      { label: `${style.label} raw`, stroke: style.faint, width: 1, spanGaps: true, points: { show: false } },
      { label: style.label, stroke: style.colour, width: style.width, spanGaps: true, points: { show: false } },
    );
  }
  if (referenceLabel !== null) {
    series.push({ label: referenceLabel, stroke: REFERENCE_COLOUR, width: 1.5, dash: [6, 4], spanGaps: true, points: { show: false } });
  }
  const opts = base('Training loss', width, height);
  return { ...opts, scales: { ...opts.scales, y: lossScale(log) }, axes: [xAxis(x), valueAxis('y', log)], series };
}

/** What the charts run against: the step, or (a race, whose engines are at different steps) wall-clock seconds. */
export type XAxis = 'step' | 'seconds';

function xAxis(x: XAxis): uPlot.Axis {
  return x === 'step' ? STEP_AXIS : { ...STEP_AXIS, label: 'seconds of training (wall clock)', labelSize: 18 };
}

/** Accuracy axis: auto-ranged inside [0, 1] with a little room, [0, 1] before there are data. */
function accuracyRange(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const pad = Math.max(0.01, (max - min) * 0.1);
  return [Math.max(0, min - pad), Math.min(1, max + pad)];
}

/** R² axis: auto-ranged with a little room, up to 1 and down to −1 at most (a worse fit than the mean is off the chart). */
function r2Range(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const pad = Math.max(0.01, (max - min) * 0.1);
  return [Math.max(-1, min - pad), Math.min(1, max + pad)];
}

function plain(_u: uPlot, splits: number[]): string[] {
  return splits.map((v) => String(Math.round(v * 1000) / 1000));
}

function percent(_u: uPlot, splits: number[]): string[] {
  return splits.map((v) => `${Math.round(v * 1000) / 10}%`);
}

/**
 * The test-set chart: test loss per engine on the left axis and, where known, accuracy on the right;
 * for a regression, its RMSE on the left and R² on the right.
 */
export function evalOptions(
  width: number,
  height: number,
  engines: ReadonlyArray<{ engine: LossEngine; accuracy: boolean }>,
  log: boolean,
  x: XAxis = 'step',
  regression = false,
): uPlot.Options {
  const series: uPlot.Series[] = [{ label: x }];
  for (const { engine, accuracy } of engines) {
    const style = ENGINE_STYLE[engine];
    series.push({
      label: `${style.label} ${regression ? 'test RMSE' : 'test loss'}`,
      scale: 'loss',
      stroke: style.colour,
      width: style.width,
      spanGaps: true,
      points: { show: true, size: 5 },
    });
    if (accuracy) {
      series.push({
        label: `${style.label} ${regression ? 'test R²' : 'accuracy'}`,
        scale: 'acc',
        stroke: style.colour,
        width: Math.max(1.5, style.width - 1),
        dash: [4, 3],
        spanGaps: true,
        points: { show: true, size: 5 },
      });
    }
  }
  const withAccuracy = engines.some((e) => e.accuracy);
  const axes: uPlot.Axis[] = [xAxis(x), valueAxis('loss', log)];
  if (withAccuracy) axes.push(valueAxis('acc', false, { side: 1, grid: { show: false }, values: regression ? plain : percent }));
  const opts = base('Test set', width, height);
  return {
    ...opts,
    scales: { ...opts.scales, loss: lossScale(log), acc: { range: regression ? r2Range : accuracyRange } },
    axes,
    series,
  };
}

/** Whole decades around the data, one decade (1e-8 to 1e-7) before there are any. */
function decades(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null || !(min > 0) || !(max > 0)) return [1e-8, 1e-7];
  return uPlot.rangeLog(min, max, 10, true);
}

/** The |GPU − CPU| chart: one line on a log axis, its x range that of the training chart (`steps()`). */
export function differenceOptions(width: number, height: number, steps: () => uPlot.Range.MinMax, title: string): uPlot.Options {
  const opts = base(title, width, height);
  return {
    ...opts,
    legend: { show: false }, // one line, named by the title
    scales: { x: { time: false, range: steps }, y: { distr: 3, log: 10, range: decades } },
    axes: [STEP_AXIS, valueAxis('y', true)],
    series: [{ label: 'step' }, { label: '|GPU − CPU|', stroke: DIFFERENCE_COLOUR, width: 1.5, spanGaps: true, points: { show: false } }],
  };
}
