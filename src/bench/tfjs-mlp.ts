// The SGD step that TensorFlow.js is timed on, whatever its backend (WebGPU, Wasm): the one-hidden-
// layer swish MLP, softmax cross-entropy and plain SGD, from benchParams on benchBatch. The backward
// pass is written with tf ops (the same formulas as MATH.md), which needs no gradient registrations
// and, where it is right, gives TensorFlow.js its fused matmul-plus-bias.
import type * as TF from '@tensorflow/tfjs-core';
import { benchParams } from './cpu';
import { activationOf } from '../reference/mlp';
import { BENCH_LR, benchBatch, benchShape, type BenchSize } from './types';

export type Tf = typeof TF;

export interface TfjsMlp {
  /** One SGD step; returns the batch's mean loss before the update (dispose it). */
  step(): TF.Scalar;
  /** Resolves once every step so far has run: reads b2 (C floats), the only wait TensorFlow.js offers. */
  sync(): Promise<void>;
  dispose(): void;
}

/**
 * Whether the backend may use tf.fused.matMul. The Wasm backend's (XNNPACK) gives stale results once
 * the weight variables are reassigned: its loss matches ours at step 1 and drifts from step 2 (by
 * 1e-3 at B=8, H=16), while matMul then add stays with ours. Validation found it.
 */
const FUSED_IS_RIGHT: Record<string, boolean> = { webgpu: true, wasm: false };

/** The model's tensors on tf's current backend. */
export function tfjsMlp(tf: Tf, size: BenchSize): TfjsMlp {
  const shape = benchShape(size);
  if (shape.hidden.length !== 1 || activationOf(shape) !== 'swish') {
    throw new RangeError(`TensorFlow.js is timed on one hidden layer of swish only, not ${shape.hidden.length} of ${activationOf(shape)}`);
  }
  const B = size.batch;
  const {
    D,
    C,
    hidden: [H = 0],
  } = shape;
  const p = benchParams(shape);
  const { X: xs, labels } = benchBatch(B, shape);
  const W1 = tf.variable(tf.tensor2d(p.W1!, [H, D])); // [H, D]
  const b1 = tf.variable(tf.tensor1d(p.b1!)); // [H]
  const W2 = tf.variable(tf.tensor2d(p.W2!, [C, H])); // [C, H]
  const b2 = tf.variable(tf.tensor1d(p.b2!)); // [C]
  const X = tf.tensor2d(xs, [B, D]); // [B, D]
  const onehot = tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), C), 'float32'); // [B, C]
  const fused = FUSED_IS_RIGHT[tf.getBackend()] ?? false;
  // a · bᵀ + bias
  const affine = (a: TF.Tensor, b: TF.Tensor, bias: TF.Tensor): TF.Tensor =>
    fused ? tf.fused.matMul({ a, b, transposeB: true, bias }) : tf.add(tf.matMul(a, b, false, true), bias);
  const step = () =>
    tf.tidy(() => {
      const V = affine(X, W1, b1); // [B, H]
      const S = tf.sigmoid(V);
      const Y = tf.mul(V, S);
      const Z = affine(Y, W2, b2); // [B, C]
      const loss = tf.mean(tf.sub(tf.logSumExp(Z, 1), tf.sum(tf.mul(Z, onehot), 1))) as TF.Scalar;
      const GZ = tf.div(tf.sub(tf.softmax(Z), onehot), B); // [B, C]
      const dW2 = tf.matMul(GZ, Y, true, false);
      const db2 = tf.sum(GZ, 0);
      const GY = tf.matMul(GZ, W2); // [B, H]
      const GV = tf.mul(GY, tf.mul(S, tf.add(1, tf.mul(V, tf.sub(1, S)))));
      const dW1 = tf.matMul(GV, X, true, false);
      const db1 = tf.sum(GV, 0);
      W1.assign(tf.sub(W1, tf.mul(BENCH_LR, dW1)));
      b1.assign(tf.sub(b1, tf.mul(BENCH_LR, db1)));
      W2.assign(tf.sub(W2, tf.mul(BENCH_LR, dW2)));
      b2.assign(tf.sub(b2, tf.mul(BENCH_LR, db2)));
      return loss;
    });
  return {
    step,
    sync: async () => void (await b2.data()),
    dispose: () => {
      for (const t of [W1, b1, W2, b2, X, onehot]) t.dispose();
    },
  };
}

/** The first `steps` losses of a fresh model on tf's current backend, for checkLosses. */
export async function tfjsLosses(tf: Tf, size: BenchSize, steps: number): Promise<number[]> {
  const mlp = tfjsMlp(tf, size);
  try {
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) {
      const loss = mlp.step();
      losses.push((await loss.data())[0]!);
      loss.dispose();
    }
    return losses;
  } finally {
    mlp.dispose();
  }
}
