// Predictions for the views, on the CPU from read-back parameters: a decision-boundary grid, a few
// digits, one drawing, a few reconstructions. Small inputs, so float64 JavaScript is fast enough.
import type { MlpShape } from '../reference/mlp';
import { mlpForward, mlpParamsFrom, noTargets } from '../reference/mlp';

/** The MLP's outputs Z [rows, C] for X [rows, D]: a classifier's logits, a regression's predicted values. */
export function mlpOutputs(shape: MlpShape, params: Record<string, ArrayLike<number>>, X: ArrayLike<number>, rows: number): Float64Array {
  return mlpForward(shape, mlpParamsFrom(shape, params), Float64Array.from(X), noTargets(shape, rows), rows).Z;
}

/** Softmax probabilities [rows, C] of the MLP for X [rows, D]. */
export function mlpProbabilities(shape: MlpShape, params: Record<string, ArrayLike<number>>, X: ArrayLike<number>, rows: number): Float32Array {
  return softmaxRows(mlpOutputs(shape, params, X, rows), rows, shape.C);
}

/** Row-wise softmax of [rows, C] logits, each row shifted by its largest logit. */
export function softmaxRows(Z: ArrayLike<number>, rows: number, C: number): Float32Array {
  const out = new Float32Array(rows * C);
  for (let i = 0; i < rows; i++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, Z[i * C + c]!);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(Z[i * C + c]! - max);
    for (let c = 0; c < C; c++) out[i * C + c] = Math.exp(Z[i * C + c]! - max) / sum;
  }
  return out;
}

/** The autoencoder's reconstructions WᵀW x [rows, n] for X [rows, n], W [m, n]. */
export function reconstruct(W: ArrayLike<number>, m: number, n: number, X: ArrayLike<number>, rows: number): Float32Array {
  return autoencoderOutputs(W, m, n, X, rows).reconstructions;
}

/** The tied autoencoder's code Z = X Wᵀ [rows, m] and reconstructions Z W [rows, n], each code in float64. */
export function autoencoderOutputs(
  W: ArrayLike<number>,
  m: number,
  n: number,
  X: ArrayLike<number>,
  rows: number,
): { code: Float32Array; reconstructions: Float32Array } {
  const code = new Float32Array(rows * m);
  const out = new Float32Array(rows * n);
  const z = new Float64Array(m);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += W[j * n + k]! * X[i * n + k]!;
      z[j] = s;
      code[i * m + j] = s;
    }
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += W[j * n + k]! * z[j]!;
      out[i * n + k] = s;
    }
  }
  return { code, reconstructions: out };
}

/** Index of the largest value in each row of an [rows, width] matrix (ties: lowest index). */
export function argmaxRows(values: ArrayLike<number>, rows: number, width: number): Uint32Array {
  const out = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 1; c < width; c++) if (values[i * width + c]! > values[i * width + best]!) best = c;
    out[i] = best;
  }
  return out;
}
