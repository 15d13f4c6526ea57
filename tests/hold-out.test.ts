// A user's file split by the test share (src/data/hold-out.ts): how many rows are held out, that
// every row lands in one set only and in the file's order, and that the seed fixes the draw.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/base/rng';
import type { Dataset } from '../src/data/dataset';
import { holdOut } from '../src/data/hold-out';

/** N rows of D features; each row's first feature is its index, so that a row can be found again. */
function file(N: number, D = 3, classes = 4): Dataset {
  const rng = new Rng(N);
  const X = new Float32Array(N * D);
  for (let i = 0; i < N; i++) for (let d = 0; d < D; d++) X[i * D + d] = d === 0 ? i : rng.normal();
  return { name: 'mine.csv', X, labels: Uint32Array.from({ length: N }, (_, i) => i % classes), N, D, classes };
}

const rowsOf = (set: Dataset) => Array.from({ length: set.N }, (_, i) => set.X[i * set.D]!);

describe('holdOut', () => {
  it('holds out round(N × share) rows, at least one and never all, none for a share of 0', () => {
    const sizes = (
      [
        [90, 0.2],
        [90, 0],
        [10, 0.01],
        [2, 0.9],
        [1, 0.5],
        [7, 0.5],
      ] as const
    ).map(([N, share]) => holdOut(file(N), share, 1).test?.N ?? 0);
    expect(sizes).toEqual([18, 0, 1, 1, 0, 4]);
    expect(holdOut(file(90), 0, 1).train).toEqual(file(90));
  });

  it('puts each row in one set, with its features and label, in the file’s order; names and classes as the file', () => {
    const set = file(53);
    const { train, test } = holdOut(set, 0.3, 7);
    const trainRows = rowsOf(train);
    const testRows = rowsOf(test!);
    expect([...trainRows, ...testRows].sort((a, b) => a - b)).toEqual(rowsOf(set));
    expect(trainRows).toEqual([...trainRows].sort((a, b) => a - b));
    expect(testRows).toEqual([...testRows].sort((a, b) => a - b));
    for (const part of [train, test!]) {
      for (let i = 0; i < part.N; i++) {
        const row = part.X[i * part.D]!;
        expect(Array.from(part.X.subarray(i * part.D, (i + 1) * part.D))).toEqual(Array.from(set.X.subarray(row * set.D, (row + 1) * set.D)));
        expect(part.labels[i]).toBe(set.labels[row]);
      }
      expect(part.classes).toBe(set.classes);
      expect(part.D).toBe(set.D);
    }
    expect(train.name).toBe('mine.csv');
    expect(test!.name).toBe('mine.csv/test');
  });

  it('draws the same rows for the same seed, and others for another', () => {
    const set = file(200);
    expect(rowsOf(holdOut(set, 0.2, 3).test!)).toEqual(rowsOf(holdOut(set, 0.2, 3).test!));
    expect(rowsOf(holdOut(set, 0.2, 4).test!)).not.toEqual(rowsOf(holdOut(set, 0.2, 3).test!));
  });
});
