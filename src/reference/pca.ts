// The PCA bound that a trained linear autoencoder must reach: eigenvalues of the data's
// second-moment matrix, by cyclic Jacobi rotations for small n and Householder + QL above, in float64.

import { householderQlEigen } from './householder-ql';
import type { SymmetricEigen } from './linalg';
import { assertLength, assertSizes } from './shape';

/** Up to this n the eigenvalues come from Jacobi (under a second); above it from householder-ql.ts. */
export const JACOBI_MAX_N = 128;

/** Off-diagonal Frobenius norm, relative to the whole matrix, at which Jacobi stops. */
const JACOBI_TOLERANCE = 1e-12;
/** Jacobi converges quadratically; needing this many sweeps means the input is not a finite symmetric matrix. */
const JACOBI_MAX_SWEEPS = 100;

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

/**
 * S = Xᵀ X / N  [n, n] for X [N, n] (float32 data is accumulated in float64). Where X holds codes
 * (bytes), `values[code]` is the number each stands for.
 */
export function secondMoment(X: ArrayLike<number>, N: number, n: number, values?: ArrayLike<number>): Float64Array {
  const steps = secondMomentSlices(X, N, n, N, values);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/**
 * S = Xᵀ X / N accumulated `rowsPerSlice` rows at a time, yielding between slices so that a caller
 * can pause (the page, for MNIST); returns S. `values` as for secondMoment.
 */
export function* secondMomentSlices(
  X: ArrayLike<number>,
  N: number,
  n: number,
  rowsPerSlice: number,
  values?: ArrayLike<number>,
): Generator<number, Float64Array> {
  assertSizes({ N, n });
  assertLength('X', X, N * n);
  const S = new Float64Array(n * n);
  // Each row's non-zero entries are gathered first and only their pairs multiplied: MNIST is 81%
  // zeros, so that is 0.19² of all pairs (2.5 s instead of 8.5 s for the 60000 images). The sums
  // are those of the plain double loop, term for term and in the same order.
  const index = new Int32Array(n);
  const value = new Float64Array(n);
  for (let start = 0; start < N; start += rowsPerSlice) {
    const end = Math.min(N, start + rowsPerSlice);
    for (let i = start; i < end; i++) {
      let nonZero = 0;
      for (let a = 0; a < n; a++) {
        const x = X[i * n + a]!;
        if (x === 0) continue;
        index[nonZero] = a;
        value[nonZero++] = values ? values[x]! : x;
      }
      for (let p = 0; p < nonZero; p++) {
        const xa = value[p]!;
        const row = index[p]! * n;
        for (let q = p; q < nonZero; q++) S[row + index[q]!]! += xa * value[q]!;
      }
    }
    if (end < N) yield end;
  }
  // Only the upper triangle was accumulated; mirroring keeps S exactly symmetric.
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      const mean = S[a * n + b]! / N;
      S[a * n + b] = mean;
      S[b * n + a] = mean;
    }
  }
  return S;
}

/**
 * The lowest mean loss a tied linear autoencoder with code size m can reach on X [N, n]:
 * ½ Σ_{j>m} λ_j(S), the eigenvalues of S = XᵀX/N that the code cannot keep.
 */
export function pcaBound(X: ArrayLike<number>, N: number, n: number, m: number, values?: ArrayLike<number>): number {
  checkCodeSize(m, n);
  return pcaBoundFromSpectrum(eigenDecompose(secondMoment(X, N, n, values), n).values, m);
}

/** The bound from S directly. */
export function pcaBoundFromMoment(S: Float64Array, n: number, m: number): number {
  checkCodeSize(m, n);
  return pcaBoundFromSpectrum(eigenDecompose(S, n).values, m);
}

/**
 * The bound from all n eigenvalues of S, descending: ½ Σ_{j>m} λ_j, at least 0 (rounding can leave
 * the smallest eigenvalues of a singular S a little below zero).
 */
export function pcaBoundFromSpectrum(values: Float64Array, m: number): number {
  checkCodeSize(m, values.length);
  return (
    0.5 *
    Math.max(
      0,
      values.subarray(m).reduce((a, b) => a + b, 0),
    )
  );
}

function checkCodeSize(m: number, n: number): void {
  if (!Number.isInteger(m) || m < 0 || m > n) throw new RangeError(`code size m = ${m} must be an integer in [0, ${n}]`);
}

/**
 * All eigenpairs of the symmetric S [n, n], descending: Jacobi up to JACOBI_MAX_N, Householder + QL
 * above (784: 1.8 s instead of minutes). `onProgress(done)` hears the fraction done of the latter.
 */
export function eigenDecompose(S: Float64Array, n: number, onProgress?: (done: number) => void): SymmetricEigen {
  return n <= JACOBI_MAX_N ? symmetricEigen(S, n) : householderQlEigen(S, n, onProgress);
}

/**
 * The principal angles (radians, ascending) between the row spaces of A [p, n] and B [q, n]:
 * arccos of the singular values of Q_A Q_Bᵀ for orthonormal bases Q_A, Q_B. There are min(p, q);
 * where a matrix has lower rank than its row count, the missing directions count as π/2.
 */
export function principalAngles(A: ArrayLike<number>, p: number, B: ArrayLike<number>, q: number, n: number): Float64Array {
  assertSizes({ p, q, n });
  assertLength('A', A, p * n);
  assertLength('B', B, q * n);
  const Qa = orthonormalBasis(A, p, n);
  const Qb = orthonormalBasis(B, q, n);
  const k = Math.min(p, q);
  const angles = new Float64Array(k).fill(Math.PI / 2);
  const ra = Qa.length / n;
  const rb = Qb.length / n;
  if (ra === 0 || rb === 0) return angles;
  // M = Qa Qbᵀ [ra, rb]; its singular values are the square roots of the eigenvalues of M Mᵀ.
  const M = new Float64Array(ra * rb);
  for (let i = 0; i < ra; i++) {
    for (let j = 0; j < rb; j++) {
      let sum = 0;
      for (let a = 0; a < n; a++) sum += Qa[i * n + a]! * Qb[j * n + a]!;
      M[i * rb + j] = sum;
    }
  }
  const MMt = new Float64Array(ra * ra);
  for (let i = 0; i < ra; i++) {
    for (let j = i; j < ra; j++) {
      let sum = 0;
      for (let c = 0; c < rb; c++) sum += M[i * rb + c]! * M[j * rb + c]!;
      MMt[i * ra + j] = sum;
      MMt[j * ra + i] = sum;
    }
  }
  const { values } = symmetricEigen(MMt, ra); // descending, so the angles come out ascending
  for (let i = 0; i < Math.min(k, ra, rb); i++) angles[i] = Math.acos(Math.min(1, Math.sqrt(Math.max(0, values[i]!))));
  return angles;
}

/** Orthonormal rows spanning the rows of A [p, n] (Gram–Schmidt twice; dependent rows dropped). */
function orthonormalBasis(A: ArrayLike<number>, p: number, n: number): Float64Array {
  const rows: Float64Array[] = [];
  let scale = 0;
  for (let i = 0; i < p * n; i++) scale = Math.max(scale, Math.abs(A[i]!));
  for (let i = 0; i < p; i++) {
    const v = Float64Array.from({ length: n }, (_, a) => A[i * n + a]!);
    const before = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    for (let pass = 0; pass < 2; pass++) {
      for (const u of rows) {
        let dot = 0;
        for (let a = 0; a < n; a++) dot += v[a]! * u[a]!;
        for (let a = 0; a < n; a++) v[a] = v[a]! - dot * u[a]!;
      }
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    if (norm <= 1e-10 * Math.max(before, scale * Math.sqrt(n)) || norm === 0) continue;
    rows.push(v.map((x) => x / norm));
  }
  const out = new Float64Array(rows.length * n);
  rows.forEach((r, i) => out.set(r, i * n));
  return out;
}
