// The tied autoencoder on the GPU: loss and dW against the float64 reference on awkward sizes,
// and a 20-step run against the CPU twin from one seed.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset';
import { forgetTuning } from '../src/gpu/tune';
import { MATMUL_PATHS } from '../src/kernels/matmul';
import { AutoencoderNetwork } from '../src/models/autoencoder';
import { GpuModel } from '../src/models/model';
import { autoencoderGradient } from '../src/reference/autoencoder';
import { relativeError, toFloat64, worstElement } from '../src/reference/linalg';
import { DEFAULT_OPTIMIZER } from '../src/reference/optimizer';
import { ReferenceTrainer } from '../src/reference/trainer';
import { initParams } from '../src/train/init';
import { gpuDevice, randomArray, Rng, trainOnGpu } from './gpu-context';

describe('autoencoder gradient on the GPU against the float64 reference', () => {
  for (const [B, n, m] of [
    [1, 2, 1],
    [45, 19, 3],
    [70, 66, 7],
  ] as const) {
    it(`B=${B} n=${n} m=${m}: loss and dW within 1e-4`, async () => {
      const device = await gpuDevice();
      const rng = new Rng(B + n * m);
      const W = randomArray(rng, m * n, 0.5);
      const X = randomArray(rng, B * n);
      const model = await GpuModel.create(device, await AutoencoderNetwork.create(device, { n, m }), { batch: B, optimizer: DEFAULT_OPTIMIZER });
      model.setParams({ W });
      const gpu = await model.gradients(X, new Uint32Array(B));
      const ref = autoencoderGradient({ n, m }, toFloat64(W), toFloat64(X), B);
      expect(Math.abs(gpu.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
      expect(relativeError(gpu.grads.W!, ref.dW), JSON.stringify(worstElement(gpu.grads.W!, ref.dW))).toBeLessThan(1e-4);
      model.destroy();
    });
  }

  it('every matmul entry point compiled and the step tuned: dW still right (the accumulating product included)', async () => {
    const device = await gpuDevice();
    forgetTuning(device);
    const [B, n, m] = [130, 131, 5];
    const rng = new Rng(9);
    const W = randomArray(rng, m * n, 0.5);
    const X = randomArray(rng, B * n);
    const network = await AutoencoderNetwork.create(device, { n, m }, { matmulPaths: MATMUL_PATHS });
    const model = await GpuModel.create(device, network, { batch: B, optimizer: DEFAULT_OPTIMIZER });
    expect(model.tuning).toHaveLength(5);
    // Z = X Wᵀ and U = V Wᵀ are one problem, and so are Uᵀ X and Zᵀ V: the second of each pair
    // takes the first's choice without timing.
    const [z, v, u, utx, ztv] = model.tuning;
    for (const [first, second] of [
      [z!, u!],
      [utx!, ztv!],
    ] as const) {
      expect(second.key).toBe(first.key);
      expect(second.ms).toEqual({});
      expect(second.chosen).toBe(first.chosen);
    }
    for (const r of [z!, v!, utx!]) expect(Object.keys(r.ms)).toContain(r.chosen);
    model.setParams({ W });
    const gpu = await model.gradients(X, new Uint32Array(B));
    const ref = autoencoderGradient({ n, m }, toFloat64(W), toFloat64(X), B);
    expect(Math.abs(gpu.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
    expect(relativeError(gpu.grads.W!, ref.dW)).toBeLessThan(1e-4);
    model.destroy();
    forgetTuning(device);
  });
});

describe('autoencoder training on the GPU against the CPU twin', () => {
  it('20 steps of momentum from one seed: per-step losses within 1e-3', async () => {
    const device = await gpuDevice();
    const [n, m, N, B, seed] = [9, 3, 100, 12, 5];
    const rng = new Rng(seed);
    const data: Dataset = { name: 'random', X: randomArray(rng, N * n), labels: new Uint32Array(N), N, D: n, classes: 1 };
    const settings = { ...DEFAULT_OPTIMIZER, kind: 'momentum' as const, lr: 0.05 };
    const params = initParams([['W', [m, n]]], rng, 0.5);
    const model = await GpuModel.create(device, await AutoencoderNetwork.create(device, { n, m }), { batch: B, optimizer: settings });
    model.setParams(params);
    const history = await trainOnGpu(device, model, data, seed, 20);
    const cpu = new ReferenceTrainer({ kind: 'autoencoder', shape: { n, m } }, params, data, seed, B, settings);
    history.forEach((step, i) => {
      const expected = cpu.trainStep().loss;
      expect(Math.abs(step.loss - expected) / expected, `step ${i}`).toBeLessThan(1e-3);
    });
    expect(history).toHaveLength(20);
    expect(relativeError((await model.readParams()).W!, cpu.params.W!)).toBeLessThan(1e-3);
    model.destroy();
  });
});
