// How long a training step will take, found before the first one so that a caller can warn of a
// slow model: the step's own forward and backward kernels are timed, on the whole batch when that
// is quick, else on a slice of its rows and scaled up (every product's work grows with the rows).
// Cheap by construction: it costs at most about one step, and a slice of a large batch far less.
import { storageBuffer } from '../gpu/buffers';
import { encodeDispatches, type Dispatch } from '../gpu/kernel';
import type { GpuModel } from './model';

/** The estimate and what was timed to get it. */
export interface StepEstimate {
  /** Milliseconds per training step at the model's batch (forward, loss and backward; the update and gather are small beside them). */
  ms: number;
  /** Rows of the timed pass: the batch when it was timed whole. */
  rows: number;
  batch: number;
}

/** The first timed pass aims at this much arithmetic: some 20 ms on SwiftShader (about 1 GFLOP/s). */
const FIRST_FLOPS = 2e7;
/**
 * Each pass also reads the weights and writes their gradients once, whatever its rows: on SwiftShader
 * that costs about as much as 15 rows, so a slice of 64 rows is scaled up some 20% too high.
 */
const MIN_ROWS = 64;
/** A first pass of MIN_ROWS does at most this much arithmetic (about a second on SwiftShader); else fewer rows. */
const MAX_FIRST_FLOPS = 1e9;
/** A pass this long is long against a coarse clock and a submit's fixed cost: the estimate stops there. */
const TARGET_MS = 20;
/** A slice is at most this share of the batch, so that its scratch fits beside the model's. */
const MAX_SLICE = 1 / 2;
/** The whole batch is timed only where the slices predict at most this. */
const MAX_WHOLE_MS = 250;

/**
 * Estimates the model's time per step by timing its forward and backward kernels (see the header).
 * They write only scratch, per-row loss and gradients: parameters, moments and the step count stay.
 * `maxWholeMs` replaces MAX_WHOLE_MS (a test forces a slice on any device with 0).
 */
export async function estimateStep(
  model: GpuModel,
  { maxWholeMs = MAX_WHOLE_MS, signal }: { maxWholeMs?: number; signal?: AbortSignal } = {},
): Promise<StepEstimate> {
  const B = model.B;
  // A backward pass bound for one row count (a student's derivation) is timed on the whole batch.
  const whole = model.network.gradientRows !== undefined;
  const flopsPerRow = 6 * model.network.layout.total; // forward 2 and backward 4 per weight
  // MIN_ROWS where they are cheap; a model whose rows are costly starts from fewer (down to one),
  // so that no single pass holds the GPU for seconds (each pass is one submit, waited for).
  const minRows = Math.max(1, Math.min(MIN_ROWS, Math.floor(MAX_FIRST_FLOPS / flopsPerRow)));
  let rows = Math.min(B, Math.max(minRows, Math.round(FIRST_FLOPS / flopsPerRow)));
  if (rows > B * MAX_SLICE || whole) rows = B;
  await timePass(model, whole ? B : Math.min(B, 1)); // the first use of each pipeline: not timed
  for (;;) {
    signal?.throwIfAborted(); // between passes: none is in flight
    const ms = ((await timePass(model, rows)) * B) / rows;
    const next = rows * 4 > B * MAX_SLICE ? B : rows * 4;
    if (rows === B || ms * (rows / B) >= TARGET_MS || (next === B && ms > maxWholeMs)) return { ms, rows, batch: B };
    rows = next;
  }
}

/** Wall-clock ms of one submit of the forward and backward passes on `rows` rows, waited for. */
async function timePass(model: GpuModel, rows: number): Promise<number> {
  if (rows === model.B) return timeSubmit(model.device, model.passDispatches());
  // A slice binds its own inputs and scratch, and the model's parameters and gradients.
  const { device, network } = model;
  const label = `${network.kind}/estimate`;
  const X = storageBuffer(device, `${label}-X`, rows * network.inputSize * 4); // [rows, D]
  const labels = storageBuffer(device, `${label}-labels`, rows * 4); // [rows]
  const rowStats = storageBuffer(device, `${label}-rowStats`, rows * 8); // [rows, 2]
  const pass = network.bind(label, { params: model.params, X, labels, rowStats, grads: model.grads }, rows, model.B);
  try {
    return await timeSubmit(device, [...pass.forward, ...pass.backward]);
  } finally {
    pass.destroy();
    for (const b of [X, labels, rowStats]) b.destroy();
  }
}

async function timeSubmit(device: GPUDevice, dispatches: Dispatch[]): Promise<number> {
  const encoder = device.createCommandEncoder({ label: 'estimate' });
  encodeDispatches(encoder, dispatches, 'estimate');
  const commands = encoder.finish();
  const started = performance.now();
  device.queue.submit([commands]);
  await device.queue.onSubmittedWorkDone();
  return performance.now() - started;
}
