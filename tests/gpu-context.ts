// Shared by the GPU tests: one device for them all, from the real browser's WebGPU.
// No adapter is a failure, never a skip: CI must run these tests on SwiftShader.
import { storageBuffer, readFloats } from '../src/gpu/buffers';
import { openDevice, type GpuContext } from '../src/gpu/device';
import { Rng } from '../src/base/rng';
import type { Dataset } from '../src/data/dataset';
import { uploadDataset } from '../src/gpu/dataset-buffers';
import type { StepMetrics } from '../src/kernels/metrics';
import type { GpuModel } from '../src/models/model';
import { GpuTrainer } from '../src/train/gpu-trainer';

let context: Promise<GpuContext> | null = null;

/**
 * The GPU tests' one device and its adapter's name (the files share it: the tier runs them in one
 * page, its pipelines compiled once for all). A test that needs a device of its own opens one.
 */
export function gpuContext(): Promise<GpuContext> {
  context ??= openDevice(navigator.gpu).then((ctx) => {
    ctx.device.addEventListener('uncapturederror', (e) => {
      throw new Error(`WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message}`);
    });
    return ctx;
  });
  return context;
}

export async function gpuDevice(): Promise<GPUDevice> {
  return (await gpuContext()).device;
}

/** Fresh random values in [-1, 1), never all zeros. */
export function randomArray(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-scale, scale);
  return a;
}

export function randomLabels(rng: Rng, n: number, classes: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.int(classes);
  return a;
}

/** A storage buffer filled with NaN, so any element a kernel fails to write is caught. */
export function poisoned(device: GPUDevice, label: string, floats: number): GPUBuffer {
  return storageBuffer(device, label, new Float32Array(floats).fill(Number.NaN));
}

/** Live GPU buffers of a device, counted by wrapping createBuffer and each buffer's destroy. */
export interface BufferTracker {
  /** Buffers created since tracking began and not destroyed yet. */
  readonly live: Set<GPUBuffer>;
  /** Labels of the live buffers with their counts, e.g. { 'mlp/params': 1 }. */
  labels(): Record<string, number>;
  /** Puts the device's createBuffer back. */
  stop(): void;
}

export function trackBuffers(device: GPUDevice): BufferTracker {
  const live = new Set<GPUBuffer>();
  const create = device.createBuffer;
  device.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor): GPUBuffer {
    const buffer = create.call(this, descriptor);
    const destroy = buffer.destroy;
    live.add(buffer);
    buffer.destroy = function (this: GPUBuffer): undefined {
      live.delete(buffer);
      return destroy.call(this);
    };
    return buffer;
  };
  return {
    live,
    labels() {
      const out: Record<string, number> = {};
      for (const b of live) out[b.label] = (out[b.label] ?? 0) + 1;
      return out;
    },
    stop() {
      device.createBuffer = create;
    },
  };
}

export { storageBuffer, readFloats, Rng };

/**
 * The GPU half of a twin run: `steps` steps of `model` on `data` with the batch schedule of
 * `seed`, their metrics once all have arrived, and the data set freed again.
 */
export async function trainOnGpu(device: GPUDevice, model: GpuModel, data: Dataset, seed: number, steps: number): Promise<StepMetrics[]> {
  const set = uploadDataset(device, data);
  try {
    model.setData(set);
    const trainer = new GpuTrainer(model, data.N, seed);
    const history: StepMetrics[] = [];
    trainer.onMetrics = (m) => history.push(...m);
    trainer.run(steps);
    await trainer.flush();
    return history;
  } finally {
    set.destroy();
  }
}
