// The page's data: MNIST fetched once from the page's own server, the seeded 2-D sets, or a file
// the user dropped. Every source yields a DataSplit.
import type { DataSplit, Dataset } from '../data/dataset';
import { loadMnist } from '../data/mnist';
import { makeSynthetic } from '../data/synthetic';
import type { Settings } from './settings';

let mnist: Promise<DataSplit> | null = null;

async function fetchMnistFile(file: string): Promise<Uint8Array> {
  const response = await fetch(`${import.meta.env.BASE_URL}mnist/${file}`);
  if (!response.ok) throw new Error(`could not load mnist/${file}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The data set the settings name; `userFile` is the last file the user dropped. */
export async function loadPageData(s: Settings, userFile: Dataset | null): Promise<DataSplit> {
  if (s.dataset === 'mnist') {
    mnist ??= loadMnist(fetchMnistFile);
    mnist.catch(() => (mnist = null));
    return mnist;
  }
  if (s.dataset === 'file') {
    if (!userFile) throw new Error('no file loaded: drop a .csv or .npy file on the page');
    return { train: userFile };
  }
  return makeSynthetic(s.dataset, { n: s.samples, noise: s.noise, seed: s.seed, testShare: s.testShare, features: s.features });
}
