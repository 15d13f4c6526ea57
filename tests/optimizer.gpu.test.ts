// Each optimizer's in-place update on the GPU against its float64 CPU twin, over several steps
// so that momentum and Adam's moments and bias correction are exercised.
import { describe, expect, it } from 'vitest';
import { writeArray } from '../src/gpu/buffers';
import { encodeDispatches } from '../src/gpu/kernel';
import { Optimizer } from '../src/kernels/optimizer';
import { relativeError } from '../src/reference/linalg';
import { DEFAULT_OPTIMIZER, newOptimizerState, optimizerStep, type OptimizerSettings } from '../src/reference/optimizer';
import { gpuDevice, randomArray, readFloats, Rng, storageBuffer } from './gpu-context';

const CASES: Array<[string, Partial<OptimizerSettings>]> = [
  ['sgd', { kind: 'sgd', lr: 0.3 }],
  ['sgd with weight decay', { kind: 'sgd', lr: 0.3, weightDecay: 0.01 }],
  ['momentum', { kind: 'momentum', lr: 0.1, momentum: 0.9 }],
  ['Nesterov momentum with weight decay', { kind: 'momentum', lr: 0.1, momentum: 0.8, nesterov: true, weightDecay: 0.02 }],
  ['adam', { kind: 'adam', lr: 0.01 }],
  ['adam with weight decay', { kind: 'adam', lr: 0.02, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.05 }],
  ['sgd with L1', { kind: 'sgd', lr: 0.3, l1: 0.05 }],
  ['momentum with L1 and L2', { kind: 'momentum', lr: 0.1, momentum: 0.9, l1: 0.02, weightDecay: 0.01 }],
  ['adam with L1', { kind: 'adam', lr: 0.01, l1: 0.03 }],
];

describe('optimizer kernels against the CPU twin', () => {
  for (const [name, overrides] of CASES) {
    it(name, async () => {
      const device = await gpuDevice();
      const settings: OptimizerSettings = { ...DEFAULT_OPTIMIZER, ...overrides };
      const count = 333;
      const rng = new Rng(name.length * 7);
      const p0 = randomArray(rng, count);
      const params = storageBuffer(device, 'test/params', p0);
      const grads = storageBuffer(device, 'test/grads', count * 4);
      const m = storageBuffer(device, 'test/m', count * 4);
      const v = storageBuffer(device, 'test/v', count * 4);
      const state = storageBuffer(device, 'test/state', 16);
      const kernel = await Optimizer.create(device, settings.kind, settings.nesterov);
      const d = kernel.bind('test', { grads, state, params, m, v }, count, settings);
      const cpu = Float64Array.from(p0);
      const cpuState = newOptimizerState(count);
      for (let t = 1; t <= 4; t++) {
        const g = randomArray(rng, count);
        writeArray(device, grads, 0, g);
        writeArray(device, state, 8, new Uint32Array([t])); // the metrics kernel counts t in training
        const encoder = device.createCommandEncoder();
        encodeDispatches(encoder, [d], 'test');
        device.queue.submit([encoder.finish()]);
        optimizerStep(settings, cpu, Float64Array.from(g), cpuState);
      }
      const got = await readFloats(device, params);
      expect(relativeError(got, cpu)).toBeLessThan(1e-5);
      expect(relativeError(got, p0)).toBeGreaterThan(1e-3); // it did move
    });
  }
});

describe("Adam's step counter", () => {
  it('never divides by 1 − β⁰: t = 0 steps as t = 1, and t = 2³² − 1 (where a u32 counter would wrap) is finite', async () => {
    const device = await gpuDevice();
    const settings: OptimizerSettings = { ...DEFAULT_OPTIMIZER, kind: 'adam', lr: 0.01 };
    const count = 17;
    const rng = new Rng(4);
    const p0 = randomArray(rng, count);
    const g = randomArray(rng, count);
    const step = async (t: number) => {
      const params = storageBuffer(device, 'test/params', p0);
      const state = storageBuffer(device, 'test/state', new Uint32Array([0, 0, t, 0]));
      const bufs = {
        grads: storageBuffer(device, 'test/grads', g),
        state,
        params,
        m: storageBuffer(device, 'test/m', count * 4),
        v: storageBuffer(device, 'test/v', count * 4),
      };
      const kernel = await Optimizer.create(device, 'adam', false);
      const encoder = device.createCommandEncoder();
      encodeDispatches(encoder, [kernel.bind('test', bufs, count, settings)], 'test');
      device.queue.submit([encoder.finish()]);
      return readFloats(device, params);
    };
    const atZero = await step(0);
    expect(atZero.every(Number.isFinite)).toBe(true);
    expect(Array.from(atZero)).toEqual(Array.from(await step(1)));
    expect((await step(0xffffffff)).every(Number.isFinite)).toBe(true);
  });
});
