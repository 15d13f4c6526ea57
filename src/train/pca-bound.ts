// The PCA bound ½ Σ_{j>m} λ_j(XᵀX/N) for the autoencoder's loss plot and PCA view, from the data's
// spectrum (pca-subspace.ts: computed once per data set, off the page's thread).
import type { Dataset } from '../data/dataset';
import { pcaBoundFromSpectrum } from '../reference/pca';
import { spectrumAsync } from './pca-subspace';

/** The bound for code size m on a data set (the spectrum behind it is cached per data set). */
export async function pcaBoundAsync(set: Dataset, m: number): Promise<number> {
  return pcaBoundFromSpectrum((await spectrumAsync(set)).values, m);
}
