// The PCA bound that a trained linear autoencoder must reach: eigenvalues of the data's
// second-moment matrix by cyclic Jacobi rotations, in float64.

import { assertLength, assertSizes } from './shape';

/** Off-diagonal Frobenius norm, relative to the whole matrix, at which Jacobi stops. */
const JACOBI_TOLERANCE = 1e-12;
/** Jacobi converges quadratically; needing this many sweeps means the input is not a finite symmetric matrix. */
const JACOBI_MAX_SWEEPS = 100;

/** Eigen-decomposition of a symmetric matrix. */
export interface SymmetricEigen {
  /** [n], descending. */
  values: Float64Array;
  /** [n, n]; row j is the unit eigenvector of values[j]. */
  vectors: Float64Array;
}

function offDiagonalNorm(A: Float64Array, n: number): number {
  let sq = 0;
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) if (p !== q) sq += A[p * n + q]! ** 2;
  }
  return Math.sqrt(sq);
}

/**
 * Eigenvalues and eigenvectors of the symmetric S [n, n] by cyclic Jacobi, until the
 * off-diagonal norm is below 1e-12 of ‖S‖_F. S is assumed symmetric and is not modified.
 */
export function symmetricEigen(S: Float64Array, n: number): SymmetricEigen {
  assertSizes({ n });
  assertLength('S', S, n * n);
  const A = Float64Array.from(S); // rotated towards diagonal: A ← Jᵀ A J
  const Q = new Float64Array(n * n); // accumulated rotations; column j becomes eigenvector j
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  const norm = Math.sqrt(S.reduce((sum, value) => sum + value * value, 0));

  let sweeps = 0;
  while (offDiagonalNorm(A, n) > JACOBI_TOLERANCE * norm) {
    if (++sweeps > JACOBI_MAX_SWEEPS) throw new Error(`symmetricEigen: no convergence in ${JACOBI_MAX_SWEEPS} sweeps`);
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (apq === 0) continue;
        // The rotation angle φ that zeroes A[p,q]: cot 2φ = θ, t = tan φ the smaller root.
        const theta = (A[q * n + q]! - A[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.hypot(theta, 1));
        const c = 1 / Math.hypot(t, 1);
        const s = t * c;
        rotateColumns(A, n, p, q, c, s);
        rotateRows(A, n, p, q, c, s);
        rotateColumns(Q, n, p, q, c, s);
        // Exactly zero by construction; storing it avoids leaving rounding residue behind.
        A[p * n + q] = 0;
        A[q * n + p] = 0;
      }
    }
  }

  const order = Array.from({ length: n }, (_, j) => j).sort((i, j) => A[j * n + j]! - A[i * n + i]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, j) => {
    values[j] = A[col * n + col]!;
    for (let k = 0; k < n; k++) vectors[j * n + k] = Q[k * n + col]!;
  });
  return { values, vectors };
}

/** M ← M J for the rotation J with J[p,p] = J[q,q] = c, J[p,q] = s, J[q,p] = −s. */
function rotateColumns(M: Float64Array, n: number, p: number, q: number, c: number, s: number): void {
  for (let k = 0; k < n; k++) {
    const mp = M[k * n + p]!;
    const mq = M[k * n + q]!;
    M[k * n + p] = c * mp - s * mq;
    M[k * n + q] = s * mp + c * mq;
  }
}

/** M ← Jᵀ M for the same rotation. */
function rotateRows(M: Float64Array, n: number, p: number, q: number, c: number, s: number): void {
  for (let k = 0; k < n; k++) {
    const mp = M[p * n + k]!;
    const mq = M[q * n + k]!;
    M[p * n + k] = c * mp - s * mq;
    M[q * n + k] = s * mp + c * mq;
  }
}

/** S = Xᵀ X / N  [n, n] for X [N, n] (float32 data is accumulated in float64). */
export function secondMoment(X: ArrayLike<number>, N: number, n: number): Float64Array {
  assertSizes({ N, n });
  assertLength('X', X, N * n);
  const S = new Float64Array(n * n);
  for (let i = 0; i < N; i++) {
    for (let a = 0; a < n; a++) {
      const xa = X[i * n + a]!;
      for (let b = a; b < n; b++) S[a * n + b]! += xa * X[i * n + b]!;
    }
  }
  // Only the upper triangle was accumulated; mirroring keeps S exactly symmetric.
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      const value = S[a * n + b]! / N;
      S[a * n + b] = value;
      S[b * n + a] = value;
    }
  }
  return S;
}

/**
 * The lowest mean loss a tied linear autoencoder with code size m can reach on X [N, n]:
 * ½ Σ_{j>m} λ_j(S), the eigenvalues of S = XᵀX/N that the code cannot keep.
 */
export function pcaBound(X: ArrayLike<number>, N: number, n: number, m: number): number {
  if (!Number.isInteger(m) || m < 0 || m > n) throw new RangeError(`code size m = ${m} must be an integer in [0, ${n}]`);
  const { values } = symmetricEigen(secondMoment(X, N, n), n);
  return 0.5 * values.subarray(m).reduce((a, b) => a + b, 0);
}

/**
 * The m largest eigenvalues of a symmetric positive semi-definite S [n, n], by orthogonal (subspace)
 * iteration with a Rayleigh–Ritz step: for large n, where a full Jacobi sweep is too slow.
 */
export function topEigenvalues(S: Float64Array, n: number, m: number, iterations = 200): Float64Array {
  assertSizes({ n, m });
  // Start from the identity's first m columns plus a fixed perturbation; Q is [n, m], column-major by rows of Qt.
  let Qt = new Float64Array(m * n); // [m, n]: the rows are the basis vectors
  for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) Qt[j * n + i] = (i === j ? 1 : 0) + 0.01 * Math.sin(1 + i * 7 + j * 13);
  orthonormaliseRows(Qt, m, n);
  let values: Float64Array = new Float64Array(m);
  for (let it = 0; it < iterations; it++) {
    const Y = new Float64Array(m * n); // rows of (S Q)ᵀ
    for (let j = 0; j < m; j++) {
      for (let a = 0; a < n; a++) {
        let sum = 0;
        for (let b = 0; b < n; b++) sum += S[a * n + b]! * Qt[j * n + b]!;
        Y[j * n + a] = sum;
      }
    }
    // Rayleigh–Ritz: the eigenvalues of the small matrix Qᵀ S Q approximate the top ones.
    const small = new Float64Array(m * m);
    for (let j = 0; j < m; j++) {
      for (let k = j; k < m; k++) {
        let sum = 0;
        for (let a = 0; a < n; a++) sum += Qt[j * n + a]! * Y[k * n + a]!;
        small[j * m + k] = sum;
        small[k * m + j] = sum;
      }
    }
    const ritz = symmetricEigen(small, m).values;
    const total = ritz.reduce((a, b) => a + b, 0);
    const change = Math.abs(total - values.reduce((a, b) => a + b, 0));
    values = ritz;
    orthonormaliseRows(Y, m, n);
    Qt = Y;
    if (it > 2 && change <= 1e-13 * Math.abs(total)) break;
  }
  return values;
}

function orthonormaliseRows(Q: Float64Array, m: number, n: number): void {
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += Q[j * n + i]! * Q[k * n + i]!;
      for (let i = 0; i < n; i++) Q[j * n + i] = Q[j * n + i]! - dot * Q[k * n + i]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += Q[j * n + i]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) Q[j * n + i] = Q[j * n + i]! / norm;
  }
}

/** The PCA bound from S directly: ½ (trace S − Σ_{j≤m} λ_j), with subspace iteration for large n. */
export function pcaBoundFromMoment(S: Float64Array, n: number, m: number): number {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += S[i * n + i]!;
  const top = n <= 128 ? symmetricEigen(S, n).values.subarray(0, m) : topEigenvalues(S, n, m);
  return 0.5 * Math.max(0, trace - top.reduce((a, b) => a + b, 0));
}
