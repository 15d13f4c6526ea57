// Checks the hand-derived gradients against calculus: central finite differences of
// the true float64 loss, compared per tensor by norm-relative error.

import type { Mistake } from './mistakes';
import { autoencoderGradient, autoencoderLoss, type AutoencoderShape } from './autoencoder';
import { relativeError } from './linalg';
import { mlpGradients, mlpLoss, mlpTensorNames, type MlpParams, type MlpShape, type MlpTargets } from './mlp';

/**
 * ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h for one index i. Perturbs `x` in place (so `f` may
 * read it through a closure) and restores the element, even if `f` throws.
 */
export function centralDifference(f: (x: Float64Array) => number, x: Float64Array, i: number, h = 1e-5): number {
  const saved = x[i]!;
  // Dividing by the step actually taken, not 2h, removes the rounding of saved ± h.
  const up = saved + h;
  const down = saved - h;
  try {
    x[i] = up;
    const fUp = f(x);
    x[i] = down;
    return (fUp - f(x)) / (up - down);
  } finally {
    x[i] = saved;
  }
}

/** `centralDifference` for every index of `x`. */
export function centralDifferences(f: (x: Float64Array) => number, x: Float64Array, h = 1e-5): Float64Array {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) grad[i] = centralDifference(f, x, i, h);
  return grad;
}

/** Options of `checkMlp`. */
export interface MlpCheckOptions {
  /** A mistake made in the analytic gradient; the numeric one always differentiates the true loss. */
  mistake?: Mistake;
  /** Finite-difference step. */
  h?: number;
}

/**
 * Norm-relative error of each analytic MLP gradient against central differences of the
 * true loss, for every tensor of every layer. About 1e-9 when the backward pass is right; ≫ 1e-2
 * for the tensors a mistake breaks (MATH.md's catalogue).
 */
export function checkMlp(
  shape: MlpShape,
  params: MlpParams,
  X: Float64Array,
  targets: MlpTargets,
  B: number,
  opts: MlpCheckOptions = {},
): Record<string, number> {
  const { grads } = mlpGradients(shape, params, X, targets, B, { mistake: opts.mistake });
  const errors: Record<string, number> = {};
  for (const name of mlpTensorNames(shape)) {
    const numeric = centralDifferences((tensor) => mlpLoss(shape, { ...params, [name]: tensor }, X, targets, B), params[name]!, opts.h);
    errors[name] = relativeError(grads[name]!, numeric);
  }
  return errors;
}

/** Norm-relative error of the analytic autoencoder gradient against central differences. */
export function checkAutoencoder(shape: AutoencoderShape, W: Float64Array, X: Float64Array, B: number, h?: number, mistake: Mistake = 'none'): { W: number } {
  const { dW } = autoencoderGradient(shape, W, X, B, mistake);
  const numeric = centralDifferences((w) => autoencoderLoss(shape, w, X, B), W, h);
  return { W: relativeError(dW, numeric) };
}
