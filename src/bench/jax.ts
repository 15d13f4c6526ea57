// jax-js (npm @jax-js/jax) on its Wasm or WebGPU device, timed on the same step as ours once its
// first losses match ours: the one-hidden-layer swish MLP, softmax cross-entropy, and one jitted
// function that takes valueAndGrad of the loss and applies the SGD update. jax-js asks navigator.gpu
// for a device of its own, so 'jax-webgpu' runs beside this project's device, not on it.
import type * as Jax from '@jax-js/jax';
import { benchParams } from './cpu';
import { activationOf } from '../reference/mlp';
import { BENCH_LR, benchBatch, benchShape, timePeer, type BenchProtocol, type BenchResult, type BenchSize } from './types';
import { checkLosses, VALIDATE_STEPS, type LossCheck } from './validate';

export type JaxImpl = 'jax-wasm' | 'jax-webgpu';
type Params = { W1: Jax.Array; b1: Jax.Array; W2: Jax.Array; b2: Jax.Array };

const DEVICES = { 'jax-wasm': 'wasm', 'jax-webgpu': 'webgpu' } as const satisfies Record<JaxImpl, Jax.Device>;

/**
 * The threads jax-js's Wasm device runs on: as jax-js 0.1 decides, a pool of one Web Worker per
 * hardware thread where memory can be shared (a cross-origin isolated page), one thread otherwise.
 */
export function jaxWasmThreads(): number {
  const shared = typeof SharedArrayBuffer !== 'undefined' && typeof Worker !== 'undefined';
  return shared ? Math.max(1, (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 4) : 1;
}

/** Loads jax-js and starts `impl`'s device, made the default one. */
async function loadJax(impl: JaxImpl): Promise<typeof Jax> {
  const jax = await import('@jax-js/jax');
  const device = DEVICES[impl];
  // init starts a device once and lists those started.
  if (!(await jax.init(device)).includes(device)) {
    throw new Error(`jax-js could not start its ${device} device`);
  }
  jax.defaultDevice(device);
  return jax;
}

/**
 * The model on `impl`'s device. jax-js arrays are reference-counted: every call consumes its
 * arguments, so an array used twice is passed as `.ref` the first time.
 */
async function jaxMlp(impl: JaxImpl, size: BenchSize) {
  const shape = benchShape(size);
  if (shape.hidden.length !== 1 || activationOf(shape) !== 'swish') {
    throw new RangeError(`jax-js is timed on one hidden layer of swish only, not ${shape.hidden.length} of ${activationOf(shape)}`);
  }
  const { numpy: np, nn, jit, valueAndGrad } = await loadJax(impl);
  const device = DEVICES[impl];
  const B = size.batch;
  const {
    D,
    C,
    hidden: [H = 0],
  } = shape;
  const p = benchParams(shape);
  const { X: xs, labels } = benchBatch(B, shape);
  let params: Params = {
    W1: np.array(p.W1!, { shape: [H, D], device }), // [H, D]
    b1: np.array(p.b1!, { device }), // [H]
    W2: np.array(p.W2!, { shape: [C, H], device }), // [C, H]
    b2: np.array(p.b2!, { device }), // [C]
  };
  const X = np.array(xs, { shape: [B, D], device }); // [B, D]
  const onehot = nn.oneHot(np.array(Int32Array.from(labels), { dtype: np.int32, device }), C); // [B, C]
  const lossOf = (q: Params, x: Jax.Array, y: Jax.Array) => {
    const Yh = nn.silu(np.matmul(x, q.W1.transpose()).add(q.b1)); // [B, H]
    const Z = np.matmul(Yh, q.W2.transpose()).add(q.b2); // [B, C]
    return nn.logsumexp(Z.ref, -1).sub(Z.mul(y).sum(-1)).mean();
  };
  const step = jit((q: Params, x: Jax.Array, y: Jax.Array) => {
    const [loss, g] = valueAndGrad(lossOf)({ W1: q.W1.ref, b1: q.b1.ref, W2: q.W2.ref, b2: q.b2.ref }, x, y);
    const next: Params = {
      W1: q.W1.sub(g.W1.mul(BENCH_LR)),
      b1: q.b1.sub(g.b1.mul(BENCH_LR)),
      W2: q.W2.sub(g.W2.mul(BENCH_LR)),
      b2: q.b2.sub(g.b2.mul(BENCH_LR)),
    };
    return [loss, next] as [Jax.Array, Params];
  });
  return {
    /** One SGD step; returns the batch's mean loss before the update (read or dispose it). */
    step(): Jax.Array {
      const [loss, next] = step(params, X.ref, onehot.ref);
      params = next;
      return loss;
    },
    /** Resolves once every step so far has run: reads b2 (C floats), as the TensorFlow.js peers do. */
    sync: async () => void (await params.b2.ref.data()),
    dispose() {
      for (const a of [params.W1, params.b1, params.W2, params.b2, X, onehot]) a.dispose();
      step.dispose();
    },
  };
}

/** jax-js's first losses at `size` on `impl`'s device, checked against ours. */
export async function validateJax(impl: JaxImpl, size: BenchSize, steps = VALIDATE_STEPS): Promise<LossCheck> {
  const mlp = await jaxMlp(impl, size);
  try {
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) losses.push((await mlp.step().data())[0]!);
    return checkLosses(impl, size, losses);
  } finally {
    mlp.dispose();
  }
}

/** Validates, then times jax-js's jitted SGD step of the same MLP at one size. */
export async function benchJax(impl: JaxImpl, size: BenchSize, protocol: BenchProtocol): Promise<BenchResult> {
  await validateJax(impl, size);
  const result = await timePeer(await jaxMlp(impl, size), impl, size, protocol);
  return impl === 'jax-wasm' ? { ...result, threads: jaxWasmThreads() } : result;
}
