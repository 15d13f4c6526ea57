// The page's data: MNIST fetched once from the page's own server, the seeded 2-D sets, or a file
// the user dropped (the test share of its rows held out, as the 2-D sets have a test set). Every
// source yields a DataSplit.
import type { DataSplit, Dataset } from '../data/dataset';
import { holdOut } from '../data/hold-out';
import { makeSynthetic } from '../data/synthetic';
import { dataSeedOf } from '../train/run-settings';
import { fetchMnist, type LoadProgress } from './mnist-fetch';
import type { PageSettings } from './settings';

/** Who hears MNIST's download: its progress, and its end once, however it ends. */
export interface MnistWatcher {
  progress: LoadProgress;
  ended: () => void;
}

let mnist: Promise<DataSplit> | null = null;
let watcher: MnistWatcher | null = null;

/**
 * `listener` hears MNIST's download from now on, whoever asked for the data (the page goes on
 * training another set meanwhile, and may stop waiting for it); null stops it.
 */
export function watchMnistDownload(listener: MnistWatcher | null): void {
  watcher = listener;
}

/**
 * The data set the settings name (a 2-D set's points drawn from the data seed); `userFile` is the
 * last file the user dropped, split by the settings' test share and seed. MNIST is downloaded once, by the first call that asks for it (see
 * watchMnistDownload), and kept; a failed download is tried again by the next call.
 */
export async function loadPageData(s: PageSettings, userFile: Dataset | null): Promise<DataSplit> {
  if (s.dataset === 'mnist') {
    if (!mnist) {
      // Once it has ended, its progress is no longer news: after one file fails, the others may
      // still be streaming in, and a retry reports its own.
      let live = true;
      const download = fetchMnist((loaded, total) => {
        if (live) watcher?.progress(loaded, total);
      });
      const ended = () => {
        live = false;
        watcher?.ended();
      };
      download.then(ended, () => {
        mnist = null;
        ended();
      });
      mnist = download;
    }
    return mnist;
  }
  if (s.dataset === 'file') {
    if (!userFile) throw new Error('no file loaded: drop a .csv or .npy file on the page');
    return holdOut(userFile, s.testShare, s.seed);
  }
  return makeSynthetic(s.dataset, { n: s.samples, noise: s.noise, seed: dataSeedOf(s), testShare: s.testShare, features: s.features });
}

/** A data seed for "regenerate": drawn at random, never 0 (the run's seed) nor `current`; the link then names it. */
export function newDataSeed(current: number): number {
  for (;;) {
    const seed = 1 + Math.floor(Math.random() * (2 ** 31 - 2));
    if (seed !== current) return seed;
  }
}
