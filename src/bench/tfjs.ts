// TensorFlow.js 4.22 with its WebGPU backend, built on this project's own GPUDevice, timed on the
// step of tfjs-mlp.ts (the same model, loss and SGD update as ours) once its first losses match ours.
import type { GpuContext } from '../gpu/device';
import { tfjsLosses, tfjsMlp, type Tf } from './tfjs-mlp';
import { timePeer, type BenchProtocol, type BenchResult, type BenchSize } from './types';
import { checkLosses, VALIDATE_STEPS, type LossCheck } from './validate';

let loaded: { device: GPUDevice; tf: Tf } | null = null;

/**
 * Loads TensorFlow.js and makes its 'webgpu' backend run on `ctx.device`. The backend reads
 * navigator.gpu once, when first imported; where there is none (Node), a stand-in that hands out
 * this context's adapter is installed first.
 */
export async function loadTfjs(ctx: GpuContext): Promise<Tf> {
  if (loaded) {
    if (loaded.device !== ctx.device) throw new Error('TensorFlow.js is already bound to another GPUDevice');
    // The Wasm peer may have made its backend current in between.
    if (!(await loaded.tf.setBackend('webgpu'))) throw new Error('TensorFlow.js could not return to its WebGPU backend');
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

/** TensorFlow.js WebGPU's first losses at `size`, checked against ours. */
export async function validateTfjs(ctx: GpuContext, size: BenchSize, steps = VALIDATE_STEPS): Promise<LossCheck> {
  return checkLosses('tfjs-webgpu', size, await tfjsLosses(await loadTfjs(ctx), size, steps));
}

/** Validates, then times TensorFlow.js's SGD step of the same MLP at one size. */
export async function benchTfjs(ctx: GpuContext, size: BenchSize, protocol: BenchProtocol): Promise<BenchResult> {
  await validateTfjs(ctx, size);
  return timePeer(tfjsMlp(await loadTfjs(ctx), size), 'tfjs-webgpu', size, protocol);
}
