// Float64 reference of the tied-weight linear autoencoder (MATH.md, Model 2):
// loss ½‖Wᵀ W x − x‖² averaged over the batch, and its gradient with respect to W.

import { matmul } from './linalg';
import { mistakeProblem, type Mistake } from './mistakes';
import { assertLength, assertSizes } from './shape';

/** n inputs, code size m (W is [m, n]). */
export interface AutoencoderShape {
  n: number;
  m: number;
}

/** The loss, the gradient and the intermediates a GPU kernel can be checked against. */
export interface AutoencoderGradient {
  /** Mean over the batch of ½‖V_i‖². */
  loss: number;
  /** (Uᵀ X + Zᵀ V) / B  [m, n]. */
  dW: Float64Array;
  /** Codes X Wᵀ  [B, m]. */
  Z: Float64Array;
  /** Reconstruction error Z W − X  [B, n]. */
  V: Float64Array;
  /** V Wᵀ  [B, m]. */
  U: Float64Array;
  /** ½‖V_i‖² of each sample [B]. */
  rowLoss: Float64Array;
}

/**
 * Forward and backward pass for W [m, n] on X [B, n]; `mistake` (default 'none') is one of MATH.md's
 * catalogue made on purpose in the gradient, the loss staying the true one.
 */
export function autoencoderGradient(shape: AutoencoderShape, W: Float64Array, X: Float64Array, B: number, mistake: Mistake = 'none'): AutoencoderGradient {
  const problem = mistakeProblem(mistake, 'autoencoder', null);
  if (problem) throw new RangeError(problem);
  const { n, m } = shape;
  assertSizes({ B, n, m });
  assertLength('W', W, m * n);
  assertLength('X', X, B * n);

  const Z = matmul(X, W, B, m, n, { transB: true }); // [B, m]
  const V = matmul(Z, W, B, n, m); // [B, n], becomes Z W − X below
  for (let k = 0; k < V.length; k++) V[k]! -= X[k]!;
  const U = matmul(V, W, B, m, n, { transB: true }); // [B, m]

  const rowLoss = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    let sq = 0;
    for (let j = 0; j < n; j++) sq += V[i * n + j]! ** 2;
    rowLoss[i] = 0.5 * sq;
  }
  const loss = rowLoss.reduce((a, b) => a + b, 0) / B;

  // W appears twice, hence two terms: through the encoder z = W x comes Σ (W v) xᵀ,
  // through the decoder y = Wᵀ z comes Σ z vᵀ.
  const encoderTerm = matmul(U, X, m, n, B, { transA: true }); // [m, n]
  const decoderTerm = matmul(Z, V, m, n, B, { transA: true }); // [m, n]
  const scale = mistake === 'no-batch-mean' ? 1 : 1 / B;
  const decoder = mistake === 'ae-one-term' ? 0 : 1; // ae-one-term forgets the decoder's term
  const dW = encoderTerm.map((e, k) => (e + decoder * decoderTerm[k]!) * scale);

  return { loss, dW, Z, V, U, rowLoss };
}

/** The mean loss alone (what the finite-difference check differentiates). */
export function autoencoderLoss(shape: AutoencoderShape, W: Float64Array, X: Float64Array, B: number): number {
  return autoencoderGradient(shape, W, X, B).loss;
}
