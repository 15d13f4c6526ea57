// The whole spectrum of a data set's second moment S = XᵀX/N in float64 (all eigenvalues and
// eigenvectors), with progress: the one computation behind the PCA bound and the PCA view, run
// in pca-worker.ts on the page and on the caller's thread where there are no Workers.
import { featureValues, type Dataset } from '../data/dataset';
import type { SymmetricEigen } from '../reference/linalg';
import { eigenDecompose, JACOBI_MAX_N, secondMomentSlices } from '../reference/pca';

/**
 * What pca-worker.ts is sent: the sizes and whether X holds bytes, then X [N, n] in pieces (each a
 * copy, transferred), so that no one postMessage holds the page for long.
 */
export type SpectrumRequest = { N: number; n: number; bytes: boolean } | { offset: number; values: Dataset['X'] };

/** What it answers: progress (fraction done) any number of times, then the spectrum or an error. */
export type SpectrumMessage = { done: number } | { spectrum: SymmetricEigen } | { error: string };

/** Progress is reported (and a pause offered) this many times while S is accumulated. */
const SLICES = 100;

/**
 * All eigenpairs of XᵀX/N for X [N, n] (float32 or bytes, see Dataset), descending. `onProgress(done)` hears the fraction done; `pause`,
 * if given, is awaited between slices of rows (the same-thread fallback lets the page draw there).
 */
export async function computeSpectrum(
  X: Dataset['X'],
  N: number,
  n: number,
  onProgress: (done: number) => void,
  pause?: () => Promise<void>,
): Promise<SymmetricEigen> {
  // The share of the time that goes to S, measured on MNIST (2.5 s of S, 1.8 s of Householder + QL);
  // Jacobi on n ≤ 128 takes next to nothing.
  const momentShare = n > JACOBI_MAX_N ? 0.6 : 1;
  const slices = secondMomentSlices(X, N, n, Math.max(1, Math.ceil(N / SLICES)), featureValues(X));
  let step = slices.next();
  while (!step.done) {
    onProgress((momentShare * step.value) / N);
    if (pause) await pause();
    step = slices.next();
  }
  const spectrum = eigenDecompose(step.value, n, (done) => onProgress(momentShare + (1 - momentShare) * done));
  onProgress(1);
  return spectrum;
}
