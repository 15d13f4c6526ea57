// A user's file split into a training and a test set, as the 2-D sets are made with one: a seeded
// `share` of its rows held out for testing, the rest kept for training in the file's order.
import { Rng } from '../base/rng';
import { gatherRows, type DataSplit, type Dataset } from './dataset';

/**
 * The rows of `set` held out for testing: round(N × share) of them, at least one where the share
 * is above 0 and at most N − 1 (a training set keeps a row), drawn from `seed`; none for a share
 * of 0 or a file of one row. The training rows keep the file's name (a run file names the file it
 * needs) and its order; the test set is named `<name>/test`. Both keep the file's classes (or its targets).
 */
export function holdOut(set: Dataset, share: number, seed: number): DataSplit {
  const { N } = set;
  const count = share > 0 && N > 1 ? Math.min(N - 1, Math.max(1, Math.round(N * share))) : 0;
  if (count === 0) return { train: set };
  // Its own stream (seed + 1, as the 2-D sets' test points): the split does not move with the shuffles.
  const held = new Uint8Array(N);
  const order = new Rng(seed + 1).permutation(N);
  for (let i = 0; i < count; i++) held[order[i]!] = 1;
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (let i = 0; i < N; i++) (held[i] ? testRows : trainRows).push(i);
  const part = (rows: number[], name: string): Dataset => ({
    name,
    X: gatherRows(set, rows),
    labels: Uint32Array.from(rows, (i) => set.labels[i]!),
    N: rows.length,
    D: set.D,
    classes: set.classes,
    ...(set.regression ? { regression: true as const } : {}),
  });
  return { train: part(trainRows, set.name), test: part(testRows, `${set.name}/test`) };
}
