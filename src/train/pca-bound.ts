// The PCA bound ½ Σ_{j>m} λ_j(XᵀX/N) for the autoencoder view, computed without freezing the page:
// the second-moment matrix is accumulated in slices with a pause between them.
import type { Dataset } from '../data/dataset';
import { pcaBoundFromMoment } from '../reference/pca';

const cache = new Map<string, Promise<number>>();

/** The bound for code size m on a data set; cached per (data set, m). */
export function pcaBoundAsync(set: Dataset, m: number): Promise<number> {
  const key = `${set.name}:${set.N}:${set.D}:${m}`;
  let bound = cache.get(key);
  if (!bound) {
    bound = compute(set, m);
    cache.set(key, bound);
  }
  return bound;
}

async function compute(set: Dataset, m: number): Promise<number> {
  const { X, N, D: n } = set;
  const S = new Float64Array(n * n);
  const rowsPerSlice = Math.max(1, Math.floor(2e6 / (n * n)));
  for (let start = 0; start < N; start += rowsPerSlice) {
    const end = Math.min(N, start + rowsPerSlice);
    for (let i = start; i < end; i++) {
      for (let a = 0; a < n; a++) {
        const xa = X[i * n + a]!;
        if (xa === 0) continue; // MNIST is mostly zeros
        for (let b = a; b < n; b++) S[a * n + b] = S[a * n + b]! + xa * X[i * n + b]!;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      const v = S[a * n + b]! / N;
      S[a * n + b] = v;
      S[b * n + a] = v;
    }
  }
  return pcaBoundFromMoment(S, n, m);
}
