// MNIST from its four IDX files: checks their shapes and turns them into datasets whose features
// are the pixel bytes themselves (a view of the file, 55 MB for the 70,000 images, rather than
// 219 MB of floats), scaled to [0, 1] where each engine gathers a batch (dataset.ts). How the bytes
// are fetched is left to the caller (browser or Node).

import { UserError } from '../base/errors.ts';
import type { DataSplit, Dataset } from './dataset.ts';
import { parseIdx } from './idx.ts';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;

/** The standard file names of the four MNIST files (uncompressed). */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The contents of the four MNIST files, keyed like {@link MNIST_FILES}. */
export type MnistFiles = Record<keyof typeof MNIST_FILES, Uint8Array>;

/**
 * Builds the MNIST train and test sets from the bytes of its four IDX files.
 * @throws UserError if a file is malformed, images are not [N, 28, 28], labels are not [N]
 *   with the same N, or a label is 10 or more
 */
export function mnistFromIdx(files: MnistFiles): DataSplit {
  return {
    train: toDataset('mnist/train', files, 'trainImages', 'trainLabels'),
    test: toDataset('mnist/test', files, 'testImages', 'testLabels'),
  };
}

/**
 * Fetches the four MNIST files with `fetchBytes` (given a file name from {@link MNIST_FILES})
 * and builds the train and test sets.
 */
export async function loadMnist(fetchBytes: (file: string) => Promise<Uint8Array>): Promise<DataSplit> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    fetchBytes(MNIST_FILES.trainImages),
    fetchBytes(MNIST_FILES.trainLabels),
    fetchBytes(MNIST_FILES.testImages),
    fetchBytes(MNIST_FILES.testLabels),
  ]);
  return mnistFromIdx({ trainImages, trainLabels, testImages, testLabels });
}

function toDataset(name: string, files: MnistFiles, imageKey: 'trainImages' | 'testImages', labelKey: 'trainLabels' | 'testLabels'): Dataset {
  const imageFile = MNIST_FILES[imageKey];
  const labelFile = MNIST_FILES[labelKey];
  const images = parseIdx(files[imageKey], imageFile);
  const labels = parseIdx(files[labelKey], labelFile);
  const [N, rows, cols] = images.dims;
  if (images.dims.length !== 3 || rows !== SIDE || cols !== SIDE || N === undefined) {
    throw new UserError(`${imageFile}: images have dimensions [${images.dims.join(', ')}], expected [N, 28, 28]`);
  }
  if (labels.dims.length !== 1) {
    throw new UserError(`${labelFile}: labels have dimensions [${labels.dims.join(', ')}], expected [N]`);
  }
  if (labels.dims[0] !== N) {
    throw new UserError(`${labelFile}: ${labels.dims[0]} labels for ${N} images in ${imageFile}`);
  }
  const X = images.data.subarray(0, N * PIXELS); // [N, 784] bytes
  const y = new Uint32Array(N); // [N]
  for (let i = 0; i < N; i++) {
    const label = labels.data[i]!;
    if (label >= CLASSES) {
      throw new UserError(`${labelFile}: label ${label} at index ${i} is not a digit 0-9`);
    }
    y[i] = label;
  }
  return { name, X, labels: y, N, D: PIXELS, classes: CLASSES };
}
