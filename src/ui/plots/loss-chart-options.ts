// uPlot options for the two loss charts: which series they have and how they look. Built anew
// whenever the set of series changes (an engine starts reporting, the scale or reference changes).
import type uPlot from 'uplot';
import type { EngineId } from '../../train/engine';

/** Which engine produced a curve. */
export type LossEngine = EngineId;

/** Engines in legend order. */
export const ENGINES: readonly LossEngine[] = ['gpu', 'reference'];

/** Legend name, line colour and faint colour (raw loss) per engine. */
export const ENGINE_STYLE: Readonly<Record<LossEngine, { label: string; colour: string; faint: string }>> = {
  gpu: { label: 'GPU', colour: '#0072b2', faint: 'rgba(0, 114, 178, 0.28)' },
  reference: { label: 'CPU: reference (float64)', colour: '#d55e00', faint: 'rgba(213, 94, 0, 0.28)' },
};

const AXIS = { stroke: '#4b4f56', grid: { stroke: '#e6e8eb', width: 1 }, ticks: { stroke: '#d8dce2', width: 1 } };
const REFERENCE_COLOUR = '#2b2d31';

/** Shared by both charts: fixed size, no zoom (data arrive continuously), a legend without live values. */
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

function lossScale(log: boolean): uPlot.Scale {
  return log ? { distr: 3, log: 10 } : {};
}

/** The training-loss chart: raw and smoothed loss per engine, then the reference line if any. */
export function trainingOptions(
  width: number, height: number, engines: readonly LossEngine[], log: boolean, referenceLabel: string | null,
): uPlot.Options {
  const series: uPlot.Series[] = [{ label: 'step' }];
  for (const engine of engines) {
    const style = ENGINE_STYLE[engine];
    series.push(
      { label: `${style.label} raw`, stroke: style.faint, width: 1, spanGaps: true, points: { show: false } },
      { label: style.label, stroke: style.colour, width: 2, spanGaps: true, points: { show: false } },
    );
  }
  if (referenceLabel !== null) {
    series.push({ label: referenceLabel, stroke: REFERENCE_COLOUR, width: 1.5, dash: [6, 4], spanGaps: true, points: { show: false } });
  }
  const opts = base('Training loss', width, height);
  return { ...opts, scales: { ...opts.scales, y: lossScale(log) }, axes: [AXIS, AXIS], series };
}

/** Accuracy axis: auto-ranged inside [0, 1] with a little room, [0, 1] before there are data. */
function accuracyRange(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const pad = Math.max(0.01, (max - min) * 0.1);
  return [Math.max(0, min - pad), Math.min(1, max + pad)];
}

function percent(_u: uPlot, splits: number[]): string[] {
  return splits.map((v) => `${Math.round(v * 1000) / 10}%`);
}

/** The test-set chart: test loss per engine on the left axis and, where known, accuracy on the right. */
export function evalOptions(
  width: number, height: number, engines: ReadonlyArray<{ engine: LossEngine; accuracy: boolean }>, log: boolean,
): uPlot.Options {
  const series: uPlot.Series[] = [{ label: 'step' }];
  for (const { engine, accuracy } of engines) {
    const style = ENGINE_STYLE[engine];
    series.push({ label: `${style.label} test loss`, scale: 'loss', stroke: style.colour, width: 2, spanGaps: true, points: { show: true, size: 5 } });
    if (accuracy) {
      series.push({
        label: `${style.label} accuracy`, scale: 'acc', stroke: style.colour, width: 1.5, dash: [4, 3], spanGaps: true, points: { show: true, size: 5 },
      });
    }
  }
  const withAccuracy = engines.some((e) => e.accuracy);
  const axes: uPlot.Axis[] = [AXIS, { ...AXIS, scale: 'loss' }];
  if (withAccuracy) axes.push({ ...AXIS, scale: 'acc', side: 1, grid: { show: false }, values: percent });
  const opts = base('Test set', width, height);
  return {
    ...opts,
    scales: { ...opts.scales, loss: lossScale(log), acc: { range: accuracyRange } },
    axes,
    series,
  };
}
