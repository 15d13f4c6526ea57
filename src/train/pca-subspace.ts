// The data's second moment S = XᵀX/N and its eigenpairs in float64, for the autoencoder's PCA bound
// and PCA view: computed once per data set, in a Web Worker (pca-worker.ts) where the page has one
// and the work is large, on this thread in slices otherwise (Node, small sets), with progress.
import { holdsBytes, type Dataset } from '../data/dataset';
import type { SymmetricEigen } from '../reference/linalg';
import { computeSpectrum, type SpectrumMessage, type SpectrumRequest } from './pca-spectrum';

/** Below this many multiply-adds (N n²) a worker's start-up costs more than it saves. */
const WORKER_MIN_WORK = 1e8;
/**
 * Most features whose spectrum is computed: S is n×n float64 and its eigendecomposition O(n³), so a
 * file of 10,000 columns would hold some 2 GB and take minutes; 1,024 (MNIST's 784 included) holds
 * 8 MB per copy and takes seconds.
 */
export const PCA_MAX_FEATURES = 1024;

/** A spectrum not computed because the data has too many features (PCA_MAX_FEATURES): not a failure. */
export class PcaSkipped extends Error {}

/** How far a data set's spectrum has got, for a view to show. */
export interface SpectrumProgress {
  /** The data set's number of features. */
  n: number;
  /** Fraction done, in [0, 1]. */
  done: number;
  /** Set if the computation failed, or was not made (skipped). */
  error?: string;
  /** The spectrum was not computed: too many features (PCA_MAX_FEATURES). */
  skipped?: boolean;
}

// Keyed by the data set object: two 2-D sets of the same name and size may differ (noise, seed).
const spectra = new WeakMap<Dataset, Promise<SymmetricEigen>>();
const listeners = new Set<(progress: SpectrumProgress) => void>();

/**
 * Calls `listener` with the progress of every spectrum being computed; returns the unsubscribe
 * function. (The PCA card, which knows n but not the data set, filters on n.)
 */
export function watchSpectrumProgress(listener: (progress: SpectrumProgress) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** All n eigenvalues of S (descending) and their eigenvectors (rows, [n, n]); cached per data set. */
export function spectrumAsync(set: Dataset): Promise<SymmetricEigen> {
  let spectrum = spectra.get(set);
  if (!spectrum) {
    const report = (progress: SpectrumProgress) => listeners.forEach((listener) => listener(progress));
    spectrum = set.D > PCA_MAX_FEATURES ? Promise.reject(tooMany(set.D)) : compute(set, (done) => report({ n: set.D, done }));
    spectrum.catch((error: unknown) =>
      report({ n: set.D, done: 0, error: error instanceof Error ? error.message : String(error), skipped: error instanceof PcaSkipped }),
    );
    spectra.set(set, spectrum);
  }
  return spectrum;
}

function tooMany(n: number): PcaSkipped {
  const mb = Math.round((n * n * 8) / 2 ** 20);
  return new PcaSkipped(
    `not computed for ${n} features: past ${PCA_MAX_FEATURES}, the ${n}×${n} eigendecomposition would hold ${mb} MB per copy and take minutes`,
  );
}

/** The m largest eigenvalues of S and their eigenvectors (rows, [m, n]). */
export async function principalSubspaceAsync(set: Dataset, m: number): Promise<SymmetricEigen> {
  const { values, vectors } = await spectrumAsync(set);
  return { values: values.slice(0, m), vectors: vectors.slice(0, m * set.D) };
}

function compute(set: Dataset, onProgress: (done: number) => void): Promise<SymmetricEigen> {
  const { N, D: n } = set;
  if (typeof Worker === 'undefined' || N * n * n < WORKER_MIN_WORK) return onThisThread(set, onProgress);
  // A worker that cannot start (no module workers, a policy that forbids them) leaves this thread.
  return inWorker(set, onProgress).catch((error: unknown) => {
    if (error instanceof WorkerUnavailable) return onThisThread(set, onProgress);
    throw error;
  });
}

const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function onThisThread(set: Dataset, onProgress: (done: number) => void): Promise<SymmetricEigen> {
  return computeSpectrum(set.X, set.N, set.D, onProgress, pause);
}

class WorkerUnavailable extends Error {}

function inWorker(set: Dataset, onProgress: (done: number) => void): Promise<SymmetricEigen> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./pca-worker.ts', import.meta.url), { type: 'module', name: 'pca-spectrum' });
    } catch (error) {
      reject(new WorkerUnavailable(String(error)));
      return;
    }
    worker.onmessage = (e: MessageEvent<SpectrumMessage>) => {
      const message = e.data;
      if ('done' in message) return onProgress(message.done);
      worker.terminate();
      if ('spectrum' in message) resolve(message.spectrum);
      else reject(new Error(message.error));
    };
    // Errors inside the computation come back as messages; this is a worker that never ran.
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      reject(new WorkerUnavailable(e.message));
    };
    void send(worker, set);
  });
}

/** Entries per piece of X sent to the worker (8 MB of floats, 2 MB of bytes): a few ms to copy. */
const PIECE = 2 ** 21;

/** X in copied pieces (the page trains on X itself), with a pause after each so that the page can draw. */
async function send(worker: Worker, { X, N, D: n }: Dataset): Promise<void> {
  worker.postMessage({ N, n, bytes: holdsBytes(X) } satisfies SpectrumRequest);
  for (let offset = 0; offset < X.length; offset += PIECE) {
    const values = X.slice(offset, offset + PIECE);
    worker.postMessage({ offset, values } satisfies SpectrumRequest, [values.buffer]);
    await pause();
  }
}
