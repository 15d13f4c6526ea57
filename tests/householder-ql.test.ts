// Householder + QL (the eigen-solver for n = 784) against cyclic Jacobi (the reference's own) on
// symmetric matrices of awkward sizes, with repeated, zero and negative eigenvalues: the same
// eigenvalues, and eigenvectors that are orthonormal and rebuild S.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/base/rng';
import { householderQlEigen } from '../src/reference/householder-ql';
import { relativeError, type SymmetricEigen, worstElement } from '../src/reference/linalg';
import { secondMoment, symmetricEigen } from '../src/reference/pca';

/** R + Rᵀ for a normal R [n, n]: eigenvalues of both signs. */
function randomSymmetric(rng: Rng, n: number): Float64Array {
  const R = Float64Array.from({ length: n * n }, () => rng.normal());
  return R.map((_, k) => R[k]! + R[(k % n) * n + Math.floor(k / n)]!);
}

/** Q diag(λ) Qᵀ for a random orthonormal Q (Jacobi's eigenvectors of a random symmetric matrix). */
function withSpectrum(rng: Rng, lambdas: number[]): Float64Array {
  const n = lambdas.length;
  const Q = symmetricEigen(randomSymmetric(rng, n), n).vectors;
  const S = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) S[a * n + b]! += lambdas[j]! * Q[j * n + a]! * Q[j * n + b]!;
  }
  return S;
}

/** ‖Σ λ v vᵀ − S‖/‖S‖ and ‖V Vᵀ − I‖_max of a decomposition. */
function residuals({ values, vectors }: SymmetricEigen, S: Float64Array, n: number): { rebuild: number; orthogonality: number } {
  const rebuilt = new Float64Array(n * n);
  let orthogonality = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let a = 0; a < n; a++) {
        dot += vectors[i * n + a]! * vectors[j * n + a]!;
        rebuilt[i * n + j]! += values[a]! * vectors[a * n + i]! * vectors[a * n + j]!;
      }
      orthogonality = Math.max(orthogonality, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return { rebuild: S.some((x) => x !== 0) ? relativeError(rebuilt, S) : Math.max(...rebuilt.map(Math.abs)), orthogonality };
}

function expectAgreement(S: Float64Array, n: number): void {
  const ql = householderQlEigen(S, n);
  const jacobi = symmetricEigen(S, n);
  const scale = Math.max(1e-300, ...jacobi.values.map(Math.abs));
  const worst = worstElement(ql.values, jacobi.values);
  expect(worst.absError / scale, `n = ${n}: ${JSON.stringify(worst)}`).toBeLessThanOrEqual(1e-12);
  for (let j = 1; j < n; j++) expect(ql.values[j]).toBeLessThanOrEqual(ql.values[j - 1]!);
  const { rebuild, orthogonality } = residuals(ql, S, n);
  expect(rebuild, `n = ${n}: rebuild`).toBeLessThanOrEqual(1e-12);
  expect(orthogonality, `n = ${n}: V Vᵀ − I`).toBeLessThanOrEqual(1e-12);
}

describe('householderQlEigen agrees with Jacobi', () => {
  it.each([1, 2, 3, 5, 17, 33, 65, 130])('on a random symmetric matrix, n = %i', (n) => {
    expectAgreement(randomSymmetric(new Rng(100 + n), n), n);
  });

  it('on repeated eigenvalues, exact zeros and a negative one', () => {
    const rng = new Rng(3);
    expectAgreement(withSpectrum(rng, [3, 3, 3, 1, 1, 0, 0, -2, 5e-9]), 9);
  });

  it('on a singular second moment of sparse data (more features than rows, like MNIST)', () => {
    const rng = new Rng(4);
    const [N, n] = [40, 71];
    const X = Float64Array.from({ length: N * n }, () => (rng.uniform(0, 1) < 0.8 ? 0 : rng.uniform(0, 1)));
    const S = secondMoment(X, N, n);
    expectAgreement(S, n);
    const { values } = householderQlEigen(S, n);
    // Rank ≤ N: the last n − N eigenvalues are zero up to rounding.
    for (const v of values.subarray(N)) expect(Math.abs(v)).toBeLessThan(1e-13 * values[0]!);
  });

  it('on matrices that are already diagonal or zero', () => {
    expectAgreement(Float64Array.from([2, 0, 0, 0, -1, 0, 0, 0, 7]), 3);
    expectAgreement(new Float64Array(16), 4);
  });

  it('reports progress that rises to 1 and leaves S unmodified', () => {
    const n = 97;
    const S = randomSymmetric(new Rng(9), n);
    const copy = Float64Array.from(S);
    const seen: number[] = [];
    householderQlEigen(S, n, (done) => seen.push(done));
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen.at(-1)).toBe(1);
    expect(S).toEqual(copy);
  });
});
