// What the GPU will need is checked before anything is allocated: byte features count a byte each,
// so MNIST as bytes (47 MB) fits an adapter that allows 128 MiB per binding, where as floats
// (188 MB) it would not.
import { describe, expect, it } from 'vitest';
import type { DataSplit } from '../src/data/dataset';
import { DEFAULT_OPTIMIZER } from '../src/reference/optimizer';
import { Session, type SessionConfig } from '../src/train/session';

const limits = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20, minStorageBufferOffsetAlignment: 256 };
const config: SessionConfig = {
  spec: { kind: 'mlp', shape: { D: 784, hidden: [128], C: 10 } },
  batch: 64,
  optimizer: DEFAULT_OPTIMIZER,
  seed: 1,
  initScale: 1,
  engines: ['gpu'],
};

/** MNIST's sizes; checkFits reads the kind of X and the row counts, not the values. */
function mnistShaped(X: Float32Array | Uint8Array): DataSplit {
  return {
    train: { name: 'mnist/train', X, labels: new Uint32Array(0), N: 60000, D: 784, classes: 10 },
    test: { name: 'mnist/test', X, labels: new Uint32Array(0), N: 10000, D: 784, classes: 10 },
  };
}

describe('the GPU footprint of a data set', () => {
  it('counts byte features a byte each: MNIST fits in 128 MiB per binding as bytes, not as floats', () => {
    expect(() => Session.checkFits(config, mnistShaped(new Uint8Array(4)), limits)).not.toThrow();
    expect(() => Session.checkFits(config, mnistShaped(new Float32Array(4)), limits)).toThrow(/the training set \(60000×784\) needs 179\.4 MiB/);
  });
});
