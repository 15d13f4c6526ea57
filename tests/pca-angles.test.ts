// Principal angles between subspaces (float64): exact on subspaces with known angles, the top
// eigenpairs by Householder + QL agree with Jacobi, and training the tied linear autoencoder
// turns the rows of W onto the data's principal subspace (largest angle below 5°).
import { describe, expect, it } from 'vitest';
import { householderQlEigen } from '../src/reference/householder-ql';
import { principalAngles, secondMoment, symmetricEigen } from '../src/reference/pca';
import { DEFAULT_OPTIMIZER } from '../src/reference/optimizer';
import { ReferenceTrainer } from '../src/reference/trainer';
import { initParams } from '../src/train/init';
import { Rng } from '../src/base/rng';

const degrees = (a: ArrayLike<number>) => Array.from(a, (x) => (x * 180) / Math.PI);

/** A random orthonormal basis of R^n as the rows of an [n, n] matrix (Gram–Schmidt). */
function orthonormal(rng: Rng, n: number): Float64Array {
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += v[k]! * Q[j * n + k]!;
      for (let k = 0; k < n; k++) v[k] = v[k]! - dot * Q[j * n + k]!;
    }
    const norm = Math.hypot(...v);
    for (let k = 0; k < n; k++) Q[i * n + k] = v[k]! / norm;
  }
  return Q;
}

describe('principal angles', () => {
  it('are the rotation angles of known subspaces, whatever basis spans them', () => {
    const n = 7;
    const Q = orthonormal(new Rng(1), n);
    const e = (i: number) => Q.subarray(i * n, (i + 1) * n);
    const [t1, t2] = [0.3, 1.1];
    // A = span(e0, e1); B = span(cos t1 e0 + sin t1 e2, cos t2 e1 + sin t2 e3), given in a mixed, scaled basis.
    const A = new Float64Array(2 * n);
    const b0 = e(0).map((x, k) => Math.cos(t1) * x + Math.sin(t1) * e(2)[k]!);
    const b1 = e(1).map((x, k) => Math.cos(t2) * x + Math.sin(t2) * e(3)[k]!);
    for (let k = 0; k < n; k++) {
      A[k] = 2 * e(0)[k]! + e(1)[k]!;
      A[n + k] = -e(0)[k]! + 3 * e(1)[k]!;
    }
    const B = new Float64Array(3 * n);
    B.set(
      b0.map((x, k) => x + b1[k]!),
      0,
    );
    B.set(
      b1.map((x) => 5 * x),
      n,
    );
    B.set(
      b0.map((x, k) => x - b1[k]!),
      2 * n,
    ); // dependent: still a 2-D space
    const angles = principalAngles(A, 2, B, 3, n);
    expect(angles).toHaveLength(2);
    expect(angles[0]).toBeCloseTo(t1, 10);
    expect(angles[1]).toBeCloseTo(t2, 10);
    expect(principalAngles(A, 2, A, 2, n)[1]).toBeLessThan(1e-7);
    const orthogonal = principalAngles(e(0), 1, e(5), 1, n);
    expect(orthogonal[0]).toBeCloseTo(Math.PI / 2, 12);
  });

  it('counts missing rank as 90°', () => {
    const A = Float64Array.from([1, 0, 0, 2, 0, 0]); // two rows, rank 1
    const B = Float64Array.from([1, 0, 0, 0, 1, 0]);
    expect(degrees(principalAngles(A, 2, B, 2, 3))).toEqual([0, 90]);
  });

  it('Householder + QL finds the same top eigenvectors as Jacobi', () => {
    const n = 30;
    const rng = new Rng(5);
    const X = Float64Array.from({ length: 200 * n }, (_, i) => rng.normal() * (1 + (i % n < 4 ? 4 - (i % n) : 0)));
    const S = secondMoment(X, 200, n);
    const full = symmetricEigen(S, n);
    const top = householderQlEigen(S, n);
    for (let j = 0; j < 4; j++) expect(top.values[j]! / full.values[j]!).toBeCloseTo(1, 9);
    expect(Math.max(...principalAngles(top.vectors.subarray(0, 4 * n), 4, full.vectors.subarray(0, 4 * n), 4, n))).toBeLessThan(1e-4);
  });
});

describe('the autoencoder learns the principal subspace', () => {
  it('drives the largest principal angle below 5° within 600 steps', () => {
    const [N, n, m] = [500, 8, 3];
    const rng = new Rng(11);
    const scales = [3, 2.5, 2, 1, 0.8, 0.6, 0.4, 0.2];
    const Q = orthonormal(rng, n);
    const X = new Float32Array(N * n);
    for (let r = 0; r < N; r++) {
      const z = scales.map((s) => s * rng.normal());
      for (let k = 0; k < n; k++) X[r * n + k] = z.reduce((s, zj, j) => s + zj * Q[j * n + k]!, 0);
    }
    const top = symmetricEigen(secondMoment(X, N, n), n).vectors.subarray(0, m * n);
    const initial = initParams([['W', [m, n]]], new Rng(3), 1);
    const trainer = new ReferenceTrainer(
      { kind: 'autoencoder', shape: { n, m } },
      initial,
      { name: 'gauss', X, labels: new Uint32Array(N), N, D: n, classes: 1 },
      3,
      50,
      { ...DEFAULT_OPTIMIZER, kind: 'momentum', lr: 0.005 },
    );
    const largest = () => Math.max(...degrees(principalAngles(trainer.params.W!, m, top, m, n)));
    const before = largest();
    expect(before).toBeGreaterThan(20);
    let steps = 0;
    while (largest() >= 5 && steps < 600) {
      for (let i = 0; i < 10; i++) trainer.trainStep();
      steps += 10;
    }
    expect(largest()).toBeLessThan(5);
    expect(steps).toBeLessThan(600);
  });
});
