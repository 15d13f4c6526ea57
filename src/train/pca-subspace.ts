// The data's second moment S = XᵀX/N and its top-m eigenpairs in float64, for the autoencoder's
// PCA bound and PCA view, computed once per (data set, m) without freezing the page: S is
// accumulated in slices and, for large n, subspace iteration pauses between iterations.
import type { Dataset } from '../data/dataset';
import { secondMomentSlices, subspaceIteration, symmetricEigen, type SymmetricEigen } from '../reference/pca';

/** Up to this n a full Jacobi eigendecomposition is quick enough (a few hundred ms at most). */
export const JACOBI_MAX_N = 128;

// Keyed by the data set object: two 2-D sets of the same name and size may differ (noise, seed).
const moments = new WeakMap<Dataset, Promise<Float64Array>>();
const subspaces = new WeakMap<Dataset, Map<number, Promise<SymmetricEigen>>>();

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

/** S = XᵀX/N [n, n] of a data set, accumulated in slices with a pause between them; cached per data set. */
export function secondMomentAsync(set: Dataset): Promise<Float64Array> {
  let S = moments.get(set);
  if (!S) {
    S = accumulate(set);
    moments.set(set, S);
  }
  return S;
}

/** The m largest eigenvalues of S and their eigenvectors (rows, [m, n]); cached per (data set, m). */
export function principalSubspaceAsync(set: Dataset, m: number): Promise<SymmetricEigen> {
  let perCode = subspaces.get(set);
  if (!perCode) subspaces.set(set, (perCode = new Map()));
  let result = perCode.get(m);
  if (!result) {
    result = topEigen(set, m);
    perCode.set(m, result);
  }
  return result;
}

async function accumulate(set: Dataset): Promise<Float64Array> {
  const { X, N, D: n } = set;
  const slices = secondMomentSlices(X, N, n, Math.max(1, Math.floor(2e6 / (n * n))));
  for (let step = slices.next(); ; step = slices.next()) {
    if (step.done) return step.value;
    await pause();
  }
}

async function topEigen(set: Dataset, m: number): Promise<SymmetricEigen> {
  const n = set.D;
  const S = await secondMomentAsync(set);
  if (n <= JACOBI_MAX_N) {
    const { values, vectors } = symmetricEigen(S, n);
    return { values: values.slice(0, m), vectors: vectors.slice(0, m * n) };
  }
  const steps = subspaceIteration(S, n, m);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await pause();
  }
}
