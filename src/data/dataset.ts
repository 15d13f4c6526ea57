// The one shape every data source produces: a row-major float32 matrix with integer labels.
import type { Plane } from './features';

/** N samples of D features, row-major, with a class label per sample. */
export interface Dataset {
  /** Shown in the UI and the CLI, e.g. "mnist/train" or "spiral". */
  name: string;
  /** [N, D] row-major. */
  X: Float32Array;
  /** [N] class indices in [0, classes); all zero for unlabelled data. */
  labels: Uint32Array;
  N: number;
  D: number;
  /** Number of classes C (1 for unlabelled data). */
  classes: number;
}

/** A training set and, where the source has one, a held-out test set. */
export interface DataSplit {
  train: Dataset;
  test?: Dataset;
  /** For the 2-D sets: the points on their plane and the input features made of them (features.ts). */
  plane?: Plane;
}
