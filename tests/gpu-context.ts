// Shared by the GPU tests: one device per test file, from the real browser's WebGPU.
// No adapter is a failure, never a skip: CI must run these tests on SwiftShader.
import { storageBuffer, readFloats } from '../src/gpu/buffers';
import { openDevice } from '../src/gpu/device';
import { Rng } from '../src/train/rng';

let device: Promise<GPUDevice> | null = null;

export function gpuDevice(): Promise<GPUDevice> {
  device ??= openDevice(navigator.gpu).then((ctx) => {
    ctx.device.addEventListener('uncapturederror', (e) => {
      throw new Error(`WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message}`);
    });
    return ctx.device;
  });
  return device;
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

export { storageBuffer, readFloats, Rng };
