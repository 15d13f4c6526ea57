// The page's data: MNIST fetched once from the page's own server, the seeded 2-D sets, or a file
// the user dropped. Every source yields a DataSplit.
import type { DataSplit, Dataset } from '../data/dataset';
import { makeSynthetic } from '../data/synthetic';
import { fetchMnist, type LoadProgress } from './mnist-fetch';
import type { Settings } from './settings';

let mnist: Promise<DataSplit> | null = null;

/**
 * The data set the settings name; `userFile` is the last file the user dropped. `onProgress`
 * follows MNIST's download, when this call starts it (once loaded, MNIST is kept).
 */
export async function loadPageData(s: Settings, userFile: Dataset | null, onProgress?: LoadProgress): Promise<DataSplit> {
  if (s.dataset === 'mnist') {
    mnist ??= fetchMnist(onProgress);
    mnist.catch(() => (mnist = null));
    return mnist;
  }
  if (s.dataset === 'file') {
    if (!userFile) throw new Error('no file loaded: drop a .csv or .npy file on the page');
    return { train: userFile };
  }
  return makeSynthetic(s.dataset, { n: s.samples, noise: s.noise, seed: s.seed, testShare: s.testShare, features: s.features });
}
