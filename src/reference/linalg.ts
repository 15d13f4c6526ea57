// Float64 dense linear algebra for the reference models, plus the comparison
// measures (norm-relative error, worst element) that every GPU check reports.

import { assertLength } from './shape';

/** Eigen-decomposition of a symmetric matrix: what pca.ts's Jacobi and householder-ql.ts both return. */
export interface SymmetricEigen {
  /** [n], descending. */
  values: Float64Array;
  /** [n, n]; row j is the unit eigenvector of values[j]. */
  vectors: Float64Array;
}

/** Which operands `matmul` reads transposed. */
export interface MatmulOptions {
  /** A is stored [K, M] and used as its transpose. */
  transA?: boolean;
  /** B is stored [N, K] and used as its transpose. */
  transB?: boolean;
}

/**
 * C = op(A) · op(B), row-major, with op(A) [M, K] and op(B) [K, N]; returns C [M, N].
 * Transposes are read through the indexing, so no copy is made.
 */
export function matmul(A: Float64Array, B: Float64Array, M: number, N: number, K: number, opts: MatmulOptions = {}): Float64Array {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  assertLength('matmul A', A, M * K);
  assertLength('matmul B', B, K * N);
  // Strides turn op(A)[i, p] and op(B)[p, j] into flat indices for either storage order.
  const aRow = transA ? 1 : K;
  const aCol = transA ? M : 1;
  const bRow = transB ? 1 : N;
  const bCol = transB ? K : 1;
  const C = new Float64Array(M * N); // [M, N]
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let p = 0; p < K; p++) sum += A[i * aRow + p * aCol]! * B[p * bRow + j * bCol]!;
      C[i * N + j] = sum;
    }
  }
  return C;
}

/** Sums the rows of A [rows, cols]: the batch reduction used for bias gradients. Returns [cols]. */
export function colsum(A: Float64Array, rows: number, cols: number): Float64Array {
  assertLength('colsum A', A, rows * cols);
  const sums = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) sums[j]! += A[i * cols + j]!;
  }
  return sums;
}

/**
 * ‖actual − expected‖₂ / ‖expected‖₂, or the absolute ‖actual − expected‖₂ when
 * ‖expected‖₂ = 0. Returns Infinity if any value is NaN or infinite, so a NaN never
 * passes a `<= tolerance` check.
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assertLength('relativeError actual', actual, expected.length);
  let diffSq = 0;
  let refSq = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(e)) return Infinity;
    diffSq += (a - e) * (a - e);
    refSq += e * e;
  }
  const diff = Math.sqrt(diffSq);
  return refSq === 0 ? diff : diff / Math.sqrt(refSq);
}

/** The element with the largest absolute error; what a failing check should print. */
export interface WorstElement {
  /** Flat index, or -1 for empty arrays. */
  index: number;
  actual: number;
  expected: number;
  /** |actual − expected|; Infinity where either value is not finite. */
  absError: number;
}

/** Finds the element of `actual` farthest from `expected`; a NaN counts as infinitely far. */
export function worstElement(actual: ArrayLike<number>, expected: ArrayLike<number>): WorstElement {
  assertLength('worstElement actual', actual, expected.length);
  let worst: WorstElement = { index: -1, actual: NaN, expected: NaN, absError: 0 };
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const absError = Number.isFinite(a) && Number.isFinite(e) ? Math.abs(a - e) : Infinity;
    if (worst.index < 0 || absError > worst.absError) worst = { index: i, actual: a, expected: e, absError };
  }
  return worst;
}

/** Copies any numeric array (a float32 GPU readback, a plain array) into a new Float64Array. */
export function toFloat64(a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a);
}
