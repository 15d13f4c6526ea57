// Activation statistics of each of the MLP's hidden layers on one batch, in float64: histograms of V
// and of f′(V), the fraction of units below zero, for swish those on its decreasing branch and for
// ReLU the dead units; per-tensor gradient norms and update-to-weight ratios. No DOM.
import { activationPrimeFor, type Activation, type SwishDerivative } from '../../reference/activations';
import { swishDerivativeOf, type Mistake } from '../../reference/mistakes';
import { activationOf, mlpGradients, mlpParamsFrom, mlpTargets, type MlpShape } from '../../reference/mlp';

/** swish is decreasing for v below this (where swish′(v) = 0): its minimum at v ≈ −1.2785. */
export const SWISH_MINIMUM_V = -1.2784645;
const BINS = 30;

export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
}

/** One hidden layer's statistics on the batch. */
export interface LayerStats {
  /** Hidden layer l, from 1 at the input. */
  layer: number;
  units: number;
  vHistogram: Histogram;
  /** Of f′(V): swish′, relu′, … */
  fPrimeHistogram: Histogram;
  /** Fraction of (sample, unit) pairs with v < 0 (where swish(v) < 0, ReLU is flat). */
  negative: number;
  /** Swish only: the fraction with v below swish's minimum, where swish′(v) < 0. */
  decreasing: number | null;
  /** ReLU only: the fraction of units whose f′ is 0 for every sample of the batch (they learn nothing from it). */
  dead: number | null;
}

export interface ActivationStats {
  step: number;
  rows: number;
  activation: Activation;
  /** Every hidden layer, input side first. */
  layers: LayerStats[];
  /** ‖∂L/∂T‖₂ per tensor. */
  gradNorms: Record<string, number>;
  /** ‖ΔT‖ / ‖T‖ per step, averaged since the previous statistics; null the first time. */
  updateRatios: Record<string, number> | null;
}

export function activationStats(
  shape: MlpShape,
  params: Record<string, Float32Array>,
  X: Float32Array,
  labels: Uint32Array,
  rows: number,
  mistake: Mistake,
  step: number,
  previous: { step: number; params: Record<string, Float32Array> } | null,
): ActivationStats {
  const r = mlpGradients(shape, mlpParamsFrom(shape, params), Float64Array.from(X), mlpTargets(shape, labels), rows, { mistake });
  const derivative = swishDerivativeOf(mistake);
  const activation = activationOf(shape);
  const layers = r.V.map((V, i) => layerStats(i + 1, shape.hidden[i]!, V, rows, activation, derivative));
  const gradNorms: Record<string, number> = {};
  for (const [name, g] of Object.entries(r.grads)) gradNorms[name] = norm(g);
  let updateRatios: Record<string, number> | null = null;
  if (previous && step > previous.step) {
    updateRatios = {};
    for (const [name, now] of Object.entries(params)) {
      const before = previous.params[name]!;
      const delta = now.map((x, i) => x - before[i]!);
      updateRatios[name] = norm(delta) / (norm(now) || 1) / (step - previous.step);
    }
  }
  return { step, rows, activation, layers, gradNorms, updateRatios };
}

function layerStats(layer: number, units: number, V: Float64Array, rows: number, activation: Activation, derivative: SwishDerivative): LayerStats {
  const prime = V.map(activationPrimeFor(activation, derivative));
  let negative = 0;
  let decreasing = 0;
  for (const v of V) {
    if (v < 0) negative++;
    if (v < SWISH_MINIMUM_V) decreasing++;
  }
  let dead = 0;
  for (let unit = 0; unit < units; unit++) {
    let alive = false;
    for (let row = 0; row < rows && !alive; row++) alive = prime[row * units + unit] !== 0;
    if (!alive) dead++;
  }
  return {
    layer,
    units,
    vHistogram: histogram(V),
    fPrimeHistogram: histogram(prime),
    negative: negative / V.length,
    decreasing: activation === 'swish' ? decreasing / V.length : null,
    dead: activation === 'relu' ? dead / units : null,
  };
}

function norm(a: ArrayLike<number>): number {
  let sq = 0;
  for (let i = 0; i < a.length; i++) sq += a[i]! * a[i]!;
  return Math.sqrt(sq);
}

function histogram(values: ArrayLike<number>): Histogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]!);
    hi = Math.max(hi, values[i]!);
  }
  if (!(hi > lo)) hi = lo + 1;
  const counts = new Array<number>(BINS).fill(0);
  for (let i = 0; i < values.length; i++) {
    counts[Math.min(BINS - 1, Math.floor(((values[i]! - lo) / (hi - lo)) * BINS))]! += 1;
  }
  return { lo, hi, counts };
}
