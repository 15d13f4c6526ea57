// The PCA bound ½ Σ_{j>m} λ_j(XᵀX/N) for the autoencoder view, computed without freezing the page:
// the second-moment matrix and its top eigenvalues come from pca-subspace.ts, in slices.
import type { Dataset } from '../data/dataset';
import { pcaBoundFromMoment } from '../reference/pca';
import { JACOBI_MAX_N, principalSubspaceAsync, secondMomentAsync } from './pca-subspace';

const cache = new WeakMap<Dataset, Map<number, Promise<number>>>();

/** The bound for code size m on a data set; cached per (data set, m). */
export function pcaBoundAsync(set: Dataset, m: number): Promise<number> {
  let perCode = cache.get(set);
  if (!perCode) cache.set(set, (perCode = new Map()));
  let bound = perCode.get(m);
  if (!bound) {
    bound = compute(set, m);
    perCode.set(m, bound);
  }
  return bound;
}

async function compute(set: Dataset, m: number): Promise<number> {
  const n = set.D;
  const S = await secondMomentAsync(set);
  if (n <= JACOBI_MAX_N) return pcaBoundFromMoment(S, n, m);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += S[i * n + i]!;
  const { values } = await principalSubspaceAsync(set, m);
  return 0.5 * Math.max(0, trace - values.reduce((a, b) => a + b, 0));
}
