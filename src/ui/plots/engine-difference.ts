// How far the GPU's float32 training loss is from its partner's (the float64 reference, or the
// float32 CPU engine in the race), step by step: both engines train from the same parameters on the
// same batches, so at equal step numbers the two losses differ only by rounding (until that rounding
// has grown through training). Knows no DOM.
import { formatNumber } from '../format';

/** A curve's steps (sorted) and the loss at each. */
export interface StepCurve {
  x: readonly number[];
  y: readonly number[];
}

/** |a − b| at every step both curves have with finite losses. */
export interface EngineDifference {
  /** The common steps, ascending. */
  steps: number[];
  /** |a − b| per common step (0 where the two agree exactly). */
  values: number[];
  /** The largest difference and its step; null with no common step. */
  max: { value: number; step: number } | null;
  /** The largest |loss| of b at the common steps, the scale the difference is read against. */
  scale: number;
  /** How many common steps have a difference of exactly 0. */
  zeros: number;
}

/** The per-step absolute difference of two sorted curves, on the steps they share. */
export function engineDifference(a: StepCurve, b: StepCurve): EngineDifference {
  const out: EngineDifference = { steps: [], values: [], max: null, scale: 0, zeros: 0 };
  let j = 0;
  for (let i = 0; i < a.x.length; i++) {
    const step = a.x[i]!;
    while (j < b.x.length && b.x[j]! < step) j++;
    if (j >= b.x.length) break;
    if (b.x[j] !== step) continue;
    const ya = a.y[i]!;
    const yb = b.y[j]!;
    if (!Number.isFinite(ya) || !Number.isFinite(yb)) continue;
    const d = Math.abs(ya - yb);
    out.steps.push(step);
    out.values.push(d);
    if (d === 0) out.zeros++;
    if (out.max === null || d > out.max.value) out.max = { value: d, step };
    out.scale = Math.max(out.scale, Math.abs(yb));
  }
  return out;
}

/**
 * Below this fraction of the loss scale two curves draw as one line: a chart about 200 px high
 * spans the loss range, so 0.5 % of it is about a pixel.
 */
export const COINCIDE_FRACTION = 0.005;

/** Whether the curves are indistinguishable in the chart. */
export function coincide(diff: EngineDifference): boolean {
  return diff.max !== null && diff.max.value <= COINCIDE_FRACTION * diff.scale;
}

/** The GPU's partner in a side-by-side run: the float64 reference, or the float32 CPU engine. */
export type Partner = 'reference' | 'cpu';

const PARTNER: Readonly<Record<Partner, { curve: string; line: string; precision: string }>> = {
  reference: { curve: "the CPU reference's", line: 'orange reference line', precision: 'float32 against float64' },
  cpu: { curve: "the CPU engine's", line: 'green CPU line', precision: 'float32 against float32, in another order of sums' },
};

/** The line under the training chart: whether the two curves coincide, and by how much they differ; null with no common step. */
export function differenceNote(diff: EngineDifference, partner: Partner = 'reference', byClock = false): string | null {
  if (diff.max === null) return null;
  const by = formatNumber(diff.max.value);
  const p = PARTNER[partner];
  if (byClock) {
    // A race drawn against the clock: the curves part as the engines' speeds do; step for step they are what the chart below shows.
    return `Step for step, the GPU's and ${p.curve} losses differ by at most ${by} (${p.precision}); drawn against the clock, each curve runs at its engine's speed.`;
  }
  if (coincide(diff)) {
    return (
      `The GPU's and ${p.curve} curves coincide: they differ by at most ${by} (${p.precision}), ` +
      `so the blue GPU line shows only as a rim around the ${p.line}.`
    );
  }
  return `The GPU's and ${p.curve} curves differ by up to ${by}, at step ${diff.max.step} (${p.precision}).`;
}

/** The difference chart's title. */
export function differenceTitle(partner: Partner): string {
  return `|GPU − CPU| training-loss difference (${PARTNER[partner].precision.split(',')[0]})`;
}

/** The difference chart's caption: what it shows, and the steps a log axis cannot show. */
export function differenceCaption(diff: EngineDifference): string {
  const what = "Each step's |GPU loss − CPU loss|, both at the same step on the same batch, on a log axis.";
  if (diff.zeros === 0) return `${what} A step where the two agree exactly would be left out (a log axis has no 0).`;
  const steps = diff.zeros === 1 ? '1 step' : `${diff.zeros} steps`;
  return `${what} Left out: ${steps} where the two agree exactly (a log axis has no 0).`;
}
