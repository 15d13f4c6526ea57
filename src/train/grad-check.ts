// The gradient check behind the page's panel and the `check` command: for one batch, each tensor's
// GPU gradient against the float64 reference, and the reference against central differences of the
// true loss. Knows no DOM.
import type { Activation } from '../reference/activations';
import { activationOf, problemOf } from '../reference/mlp';
import { targetsAsLabels } from '../data/dataset';
import { buildNetwork, specTensorShapes, type ModelSpec } from '../models/build';
import { GpuModel } from '../models/model';
import type { Network } from '../models/network';
import type { Mistake } from '../reference/mistakes';
import { autoencoderGradient, autoencoderLoss } from '../reference/autoencoder';
import { centralDifference } from '../reference/finite-differences';
import { relativeError } from '../reference/linalg';
import { mlpGradients, mlpLoss, mlpMacsPerRow, mlpParamsFrom, mlpTargets } from '../reference/mlp';
import { DEFAULT_OPTIMIZER } from '../reference/optimizer';
import { Rng } from '../base/rng';

/**
 * Where a norm-relative error stops being fine (`ok`) and becomes a bug (`bug`), per comparison.
 * GPU against float64: 1e-5 to 1e-4 is normal float32 rounding, above 1e-3 is a bug (MATH.md).
 * Float64 reference against central differences: smooth losses reach 1e-6 or better (TESTING.md).
 */
export const GRAD_CHECK_THRESHOLDS = {
  gpuVsReference: { ok: 1e-4, bug: 1e-3 },
  referenceVsFiniteDiff: { ok: 1e-6, bug: 1e-3 },
} as const;

export type Verdict = 'ok' | 'suspect' | 'bug';

/** Green, amber or red for an error against one comparison's thresholds; a NaN is a bug. */
export function verdict(kind: keyof typeof GRAD_CHECK_THRESHOLDS, error: number): Verdict {
  const t = GRAD_CHECK_THRESHOLDS[kind];
  if (!(error <= t.bug)) return 'bug';
  return error <= t.ok ? 'ok' : 'suspect';
}

/** The finite-difference step: h = 1e-5 balances truncation (h²) against rounding (ε/h) in float64. */
const FD_STEP = 1e-5;
/** Default budget of multiply-adds spent on finite differences, over all tensors. */
const FD_BUDGET = 1e8;

export interface TensorCheck {
  /** ‖gpu − reference‖ / ‖reference‖; null when no GPU ran. */
  gpuVsReference: number | null;
  /** ‖reference − numeric‖ / ‖numeric‖ over the entries that were differenced. */
  referenceVsFiniteDiff: number;
  /** Entries differenced numerically, of `entries`. */
  finiteDiffEntries: number;
  entries: number;
}

export interface GradCheck {
  model: ModelSpec['kind'];
  /** The MLP's hidden activation; null for the autoencoder. */
  activation: Activation | null;
  /** The backprop mistake the GPU and the reference made (MATH.md's catalogue); 'none' for the correct pass. */
  mistake: Mistake;
  /** Rows in the checked batch. */
  B: number;
  loss: { reference: number; gpu: number | null };
  tensors: Record<string, TensorCheck>;
  elapsedMs: number;
}

export interface GradCheckOptions {
  /** The mistake both the GPU kernels and the reference make; finite differences use the true loss. */
  mistake?: Mistake;
  /** GPU device; without it only the reference and finite differences run. */
  device?: GPUDevice | null;
  /** A network already built for `spec` (and the mistake), to reuse its pipelines. */
  network?: Network;
  /** Multiply-adds to spend on finite differences (bounds the check's cost on large models). */
  finiteDiffBudget?: number;
  /** Seed of the choice of differenced entries in large tensors. */
  seed?: number;
}

/** One batch: X [B, D] and labels [B] (ignored by the autoencoder). */
export interface CheckBatch {
  X: Float32Array;
  labels: Uint32Array;
  B: number;
}

/** Runs the check for `spec` with `params` (float32, as the GPU holds them) on one batch. */
export async function checkGradients(
  spec: ModelSpec,
  params: Record<string, ArrayLike<number>>,
  batch: CheckBatch,
  opts: GradCheckOptions = {},
): Promise<GradCheck> {
  const started = performance.now();
  const mistake = opts.mistake ?? 'none';
  const { B } = batch;
  const X = Float64Array.from(batch.X);
  const p64: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(params)) p64[name] = Float64Array.from(v);

  let referenceLoss: number;
  let referenceGrads: Record<string, Float64Array>;
  let loss: (name: string, tensor: Float64Array) => number;
  let forwardCost: number;
  if (spec.kind === 'mlp') {
    const mp = mlpParamsFrom(spec.shape, p64);
    const targets = mlpTargets(spec.shape, batch.labels); // a regression's real targets from their bits
    const r = mlpGradients(spec.shape, mp, X, targets, B, { mistake });
    referenceLoss = r.loss;
    referenceGrads = { ...r.grads };
    loss = (name, tensor) => mlpLoss(spec.shape, { ...mp, [name]: tensor }, X, targets, B);
    forwardCost = B * mlpMacsPerRow(spec.shape);
  } else {
    const { n, m } = spec.shape;
    const W = p64.W;
    if (!W) throw new RangeError('missing tensor W');
    const r = autoencoderGradient(spec.shape, W, X, B, mistake);
    referenceLoss = r.loss;
    referenceGrads = { W: r.dW };
    loss = (_, tensor) => autoencoderLoss(spec.shape, tensor, X, B);
    forwardCost = 3 * B * m * n;
  }

  let gpu: { loss: number; grads: Record<string, Float32Array> } | null = null;
  if (opts.device) gpu = await gpuGradients(opts.device, spec, params, batch, mistake, opts.network);

  const names = Object.keys(referenceGrads);
  const budget = opts.finiteDiffBudget ?? FD_BUDGET;
  const perTensor = Math.max(4, Math.floor(budget / (2 * forwardCost * names.length)));
  const rng = new Rng(opts.seed ?? 1);
  const tensors: Record<string, TensorCheck> = {};
  for (const name of names) {
    const ref = referenceGrads[name]!;
    const x = p64[name]!;
    const picked = pickEntries(ref, perTensor, rng);
    const numeric = new Float64Array(picked.length);
    const analytic = new Float64Array(picked.length);
    picked.forEach((index, k) => {
      numeric[k] = centralDifference((t) => loss(name, t), x, index, FD_STEP);
      analytic[k] = ref[index]!;
    });
    tensors[name] = {
      gpuVsReference: gpu ? relativeError(gpu.grads[name]!, ref) : null,
      referenceVsFiniteDiff: relativeError(analytic, numeric),
      finiteDiffEntries: picked.length,
      entries: ref.length,
    };
  }
  return {
    model: spec.kind,
    activation: spec.kind === 'mlp' ? activationOf(spec.shape) : null,
    mistake,
    B,
    loss: { reference: referenceLoss, gpu: gpu?.loss ?? null },
    tensors,
    elapsedMs: performance.now() - started,
  };
}

/** The GPU's loss and gradients through the training kernels, in a model of its own (training state untouched). */
async function gpuGradients(
  device: GPUDevice,
  spec: ModelSpec,
  params: Record<string, ArrayLike<number>>,
  batch: CheckBatch,
  mistake: Mistake,
  network?: Network,
): Promise<{ loss: number; grads: Record<string, Float32Array> }> {
  const net = network ?? (await buildNetwork(device, spec, { mistake }));
  // Not tuned: a one-off batch size, often checked while training runs (which would skew the timing).
  // No update kernel: the check never steps, and compiling one the run does not use (SGD) cost some
  // 100 ms on SwiftShader before the first check.
  const model = await GpuModel.create(device, net, { batch: batch.B, optimizer: DEFAULT_OPTIMIZER, ringSlots: 1, tune: false, update: false });
  try {
    model.setParams(params);
    const labels = spec.kind === 'mlp' ? batch.labels : new Uint32Array(batch.B);
    const { loss, grads } = await model.gradients(batch.X, labels);
    return { loss, grads };
  } finally {
    model.destroy();
  }
}

/**
 * Every index when the tensor has at most `count` entries; otherwise half the entries with the
 * largest reference gradient (where a wrong formula shows most) and half drawn at random.
 */
function pickEntries(ref: Float64Array, count: number, rng: Rng): number[] {
  if (ref.length <= count) return Array.from(ref.keys());
  const picked = new Set(largestEntries(ref, Math.ceil(count / 2)));
  while (picked.size < count) picked.add(rng.int(ref.length));
  return [...picked].sort((a, b) => a - b);
}

/** Indices of the `k` largest |values|, in one pass (k is small; a full sort of a big W1 is not). */
function largestEntries(values: Float64Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const size = Math.abs(values[i]!);
    if (top.length === k && size <= Math.abs(values[top[k - 1]!]!)) continue;
    let at = top.length === k ? k - 1 : top.length;
    while (at > 0 && Math.abs(values[top[at - 1]!]!) < size) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = i;
  }
  return top;
}

/**
 * Rows of a batch the check can use within its finite-difference budget: each of the (at least 4)
 * differenced entries per tensor costs two forward passes over the rows.
 */
export function checkRowsWithinBudget(spec: ModelSpec, maxRows: number, budget = FD_BUDGET): number {
  const perRow = spec.kind === 'mlp' ? mlpMacsPerRow(spec.shape) : 3 * spec.shape.m * spec.shape.n;
  const tensors = spec.kind === 'mlp' ? 2 * (spec.shape.hidden.length + 1) : 1;
  return Math.max(1, Math.min(maxRows, Math.floor(budget / (2 * 4 * tensors * perRow))));
}

/**
 * A generated problem for the check: weights N(0, 1/fan_in), biases uniform in [−0.5, 0.5] (never
 * zero, so that their gradients are checked at a general point), X uniform in [−1, 1], random labels
 * (a regression's: targets uniform in [−1, 1], as float32 bits).
 */
export function generatedCase(spec: ModelSpec, B: number, seed: number): { params: Record<string, Float32Array>; batch: CheckBatch } {
  const rng = new Rng(seed);
  const params: Record<string, Float32Array> = {};
  for (const [name, shape] of specTensorShapes(spec)) {
    const fanIn = shape[shape.length - 1]!;
    params[name] = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () =>
      shape.length === 2 ? rng.normal() / Math.sqrt(fanIn) : rng.uniform(-0.5, 0.5),
    );
  }
  const D = spec.kind === 'mlp' ? spec.shape.D : spec.shape.n;
  const classes = spec.kind === 'mlp' ? spec.shape.C : 1;
  const X = Float32Array.from({ length: B * D }, () => rng.uniform(-1, 1));
  const regression = spec.kind === 'mlp' && problemOf(spec.shape) === 'regression';
  const labels = regression ? targetsAsLabels(Array.from({ length: B }, () => rng.uniform(-1, 1))) : Uint32Array.from({ length: B }, () => rng.int(classes));
  return { params, batch: { X, labels, B } };
}
