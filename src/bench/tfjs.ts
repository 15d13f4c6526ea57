// TensorFlow.js 4.22 with its WebGPU backend, built on this project's own GPUDevice, training the
// same model: the swish MLP, softmax cross-entropy and an SGD step, same shapes and batch. The
// backward pass is written with tf ops (the same formulas as MATH.md), which needs no gradient
// registrations and gives TensorFlow.js its fused matmul-plus-bias. A round ends with one small read
// (b2, C floats), the only way TensorFlow.js offers to wait for the GPU.
import type * as TF from '@tensorflow/tfjs-core';
import type { GpuContext } from '../gpu/device';
import { benchParams } from './cpu';
import { BENCH_C, BENCH_D, BENCH_LR, benchBatch, timeRounds, type BenchProtocol, type BenchResult, type BenchSize } from './types';

type Tf = typeof TF;

let loaded: { device: GPUDevice; tf: Tf } | null = null;

/**
 * Loads TensorFlow.js and makes its 'webgpu' backend run on `ctx.device`. The backend reads
 * navigator.gpu once, when first imported; where there is none (Node), a stand-in that hands out
 * this context's adapter is installed first.
 */
export async function loadTfjs(ctx: GpuContext): Promise<Tf> {
  if (loaded) {
    if (loaded.device !== ctx.device) throw new Error('TensorFlow.js is already bound to another GPUDevice');
    return loaded.tf;
  }
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator?.gpu) {
    const gpu = { requestAdapter: async () => ctx.adapter, getPreferredCanvasFormat: () => 'bgra8unorm', wgslLanguageFeatures: new Set() };
    Object.defineProperty(globalThis, 'navigator', { value: { ...(g.navigator ?? {}), gpu }, configurable: true, writable: true });
  }
  const tf = await import('@tensorflow/tfjs-core');
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  // findBackend would start the package's own factory (which asks for a new device): test the factory only.
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(ctx.device, ctx.adapterInfo), 3);
  if (!(await tf.setBackend('webgpu'))) throw new Error('TensorFlow.js could not start its WebGPU backend');
  loaded = { device: ctx.device, tf };
  return tf;
}

/** Times TensorFlow.js's SGD step of the same MLP at one size. */
export async function benchTfjs(ctx: GpuContext, size: BenchSize, protocol: BenchProtocol): Promise<BenchResult> {
  const tf = await loadTfjs(ctx);
  const { batch: B, hidden: H } = size;
  const p = benchParams(H);
  const { X: xs, labels } = benchBatch(B);
  const W1 = tf.variable(tf.tensor2d(p.W1!, [H, BENCH_D])); // [H, D]
  const b1 = tf.variable(tf.tensor1d(p.b1!)); // [H]
  const W2 = tf.variable(tf.tensor2d(p.W2!, [BENCH_C, H])); // [C, H]
  const b2 = tf.variable(tf.tensor1d(p.b2!)); // [C]
  const X = tf.tensor2d(xs, [B, BENCH_D]); // [B, D]
  const onehot = tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), BENCH_C), 'float32'); // [B, C]
  const step = () =>
    tf.tidy(() => {
      const V = tf.fused.matMul({ a: X, b: W1, transposeB: true, bias: b1 }); // [B, H]
      const S = tf.sigmoid(V);
      const Y = tf.mul(V, S);
      const Z = tf.fused.matMul({ a: Y, b: W2, transposeB: true, bias: b2 }); // [B, C]
      const loss = tf.mean(tf.sub(tf.logSumExp(Z, 1), tf.sum(tf.mul(Z, onehot), 1)));
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
  try {
    const timing = await timeRounds(async (steps) => {
      for (let s = 0; s < steps; s++) step().dispose();
      await b2.data();
    }, protocol);
    return { impl: 'tfjs-webgpu', batch: B, hidden: H, ...timing };
  } finally {
    for (const t of [W1, b1, W2, b2, X, onehot]) t.dispose();
  }
}
