// Validate, then benchmark: before a peer (TensorFlow.js, jax-js) is timed, its loss over the first
// few SGD steps from the shared parameters and batch must match this project's float32 CPU engine
// (the WebAssembly one, itself tested against the float64 reference, which is too slow for the
// benchmark's sizes). A peer that computes another model, loss or update would otherwise be timed on
// the wrong work.
import { benchEngine } from './cpu';
import type { BenchSize, Impl } from './types';

/** Steps compared before timing: enough for the update to show in the loss. */
export const VALIDATE_STEPS = 3;

/**
 * Largest loss difference accepted, relative to max(1, |loss|). Float32 sums in another order differ
 * by about 1e-6; a wrong update shows by 1e-3 within three steps (TensorFlow.js Wasm's stale fused
 * matmul did, at B=8, H=16), so the bound sits between.
 */
export const LOSS_TOLERANCE = 1e-4;

/** What a peer's validation found: its losses beside ours, step by step. */
export interface LossCheck {
  impl: Impl;
  /** The peer's mean batch loss before each of its first steps. */
  losses: number[];
  /** This project's CPU engine's, on the same parameters and batch. */
  reference: number[];
  /** max over steps of |loss − reference| / max(1, |reference|). */
  worst: number;
}

/** Our CPU engine's losses over the first `steps` SGD steps at `size`, from benchParams and benchBatch. */
export async function referenceLosses(size: BenchSize, steps = VALIDATE_STEPS): Promise<number[]> {
  // One thread: it starts no workers, and the losses are the same bits on any number of threads.
  const engine = await benchEngine(size, { threads: 1 });
  try {
    const losses: number[] = [];
    engine.onMetrics = (metrics) => losses.push(...metrics.map((m) => m.loss));
    engine.run(steps, Infinity);
    await engine.flush();
    return losses;
  } finally {
    engine.destroy();
  }
}

/** Compares a peer's losses with ours; throws, naming the step, where they differ by more than LOSS_TOLERANCE. */
export async function checkLosses(impl: Impl, size: BenchSize, losses: number[]): Promise<LossCheck> {
  const reference = await referenceLosses(size, losses.length);
  let worst = 0;
  for (let s = 0; s < losses.length; s++) {
    const error = Math.abs(losses[s]! - reference[s]!) / Math.max(1, Math.abs(reference[s]!));
    if (!(error <= LOSS_TOLERANCE)) {
      throw new Error(`${impl} at ${size.batch}x${size.hidden}: loss ${losses[s]} at step ${s + 1}, ours ${reference[s]} (not timed)`);
    }
    worst = Math.max(worst, error);
  }
  return { impl, losses, reference, worst };
}
