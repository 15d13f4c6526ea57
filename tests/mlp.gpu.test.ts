// The whole MLP on the GPU: one batch's loss and gradients against the float64 reference, and a
// 20-step training run against the CPU twin from the same seed, per-step losses compared.
import { ACTIVATIONS } from '../src/reference/activations';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset';
import { uploadDataset } from '../src/gpu/dataset-buffers';
import { forgetTuning } from '../src/gpu/tune';
import { MATMUL_PATHS } from '../src/kernels/matmul';
import { MlpNetwork } from '../src/models/mlp';
import { GpuModel } from '../src/models/model';
import { relativeError, toFloat64, worstElement } from '../src/reference/linalg';
import { MLP_TENSORS, mlpGradients, mlpTensorShapes, type MlpShape } from '../src/reference/mlp';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../src/reference/optimizer';
import { ReferenceTrainer } from '../src/reference/trainer';
import { initParams } from '../src/train/init';
import type { StepMetrics } from '../src/kernels/metrics';
import { GpuTrainer } from '../src/train/gpu-trainer';
import { gpuDevice, randomArray, randomLabels, Rng } from './gpu-context';

function shapesOf(shape: MlpShape) {
  return Object.entries(mlpTensorShapes(shape)) as Array<[string, number[]]>;
}

/** One batch's loss, accuracy and gradients from the kernels against the reference, on random parameters from `seed`. */
async function expectGradientsMatch(shape: MlpShape, B: number, seed: number): Promise<void> {
  const device = await gpuDevice();
  const { D, H, C } = shape;
  const rng = new Rng(seed);
  const params = initParams(shapesOf(shape), rng, 1.5);
  params.b1 = randomArray(rng, H, 0.5); // non-zero biases so their path is tested
  params.b2 = randomArray(rng, C, 0.5);
  const X = randomArray(rng, B * D);
  const labels = randomLabels(rng, B, C);
  const model = await GpuModel.create(device, await MlpNetwork.create(device, shape), { batch: B, optimizer: DEFAULT_OPTIMIZER });
  model.setParams(params);
  const gpu = await model.gradients(X, labels);
  const p64 = { W1: toFloat64(params.W1!), b1: toFloat64(params.b1), W2: toFloat64(params.W2!), b2: toFloat64(params.b2) };
  const ref = mlpGradients(shape, p64, toFloat64(X), labels, B);
  expect(Math.abs(gpu.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
  expect(gpu.accuracy).toBeCloseTo(ref.correct / B, 6);
  for (const name of MLP_TENSORS) {
    const err = relativeError(gpu.grads[name]!, ref.grads[name]);
    expect(err, `${name}: worst ${JSON.stringify(worstElement(gpu.grads[name]!, ref.grads[name]))}`).toBeLessThan(1e-4);
  }
  model.destroy();
}

describe('MLP gradients on the GPU against the float64 reference', () => {
  it.each(ACTIVATIONS.filter((a) => a !== 'swish'))('with %s: loss and every tensor within 1e-4', async (activation) => {
    await expectGradientsMatch({ D: 29, H: 67, C: 10, activation }, 37, 37 * 1000 + 67 + activation.length);
  });

  for (const [B, D, H, C] of [[1, 3, 2, 2], [37, 29, 67, 10], [70, 13, 5, 3]] as const) {
    it(`B=${B} D=${D} H=${H} C=${C}: loss and every tensor within 1e-4`, async () => {
      await expectGradientsMatch({ D, H, C }, B, B * 1000 + H);
    });
  }

  it('every matmul entry point compiled and the step tuned: each product on the path timed fastest, gradients still right', async () => {
    const device = await gpuDevice();
    forgetTuning(device);
    // Sizes that make every timed entry point a candidate somewhere: 128×128 tiles for V and G_V.
    const [B, shape] = [130, { D: 29, H: 131, C: 10 }];
    const rng = new Rng(3);
    const params = initParams(shapesOf(shape), rng, 1.5);
    const X = randomArray(rng, B * shape.D);
    const labels = randomLabels(rng, B, shape.C);
    const network = await MlpNetwork.create(device, shape, { matmulPaths: MATMUL_PATHS });
    const model = await GpuModel.create(device, network, { batch: B, optimizer: DEFAULT_OPTIMIZER });
    expect(model.tuning.map((r) => r.label.split('/').pop())).toEqual(['layer1', 'layer2', 'dW2', 'db2', 'GV', 'dW1', 'db1']);
    const timed = new Set(model.tuning.flatMap((r) => Object.keys(r.ms)));
    expect([...timed].sort()).toEqual(['small', 'tiled', 'wide']); // split K sums in another order: never timed
    for (const r of model.tuning) expect(r.ms[r.chosen]).toBe(Math.min(...Object.values(r.ms)));
    model.setParams(params);
    const gpu = await model.gradients(X, labels);
    const p64 = { W1: toFloat64(params.W1!), b1: toFloat64(params.b1!), W2: toFloat64(params.W2!), b2: toFloat64(params.b2!) };
    const ref = mlpGradients(shape, p64, toFloat64(X), labels, B);
    expect(Math.abs(gpu.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
    for (const name of MLP_TENSORS) expect(relativeError(gpu.grads[name]!, ref.grads[name]), name).toBeLessThan(1e-4);
    model.destroy();
    forgetTuning(device);
  });

  it('with the wrong swish derivative, W1 and b1 disagree with the true gradient and W2, b2 do not', async () => {
    const device = await gpuDevice();
    const shape = { D: 6, H: 9, C: 4 };
    const B = 11;
    const rng = new Rng(77);
    const params = initParams(shapesOf(shape), rng, 1.5);
    const X = randomArray(rng, B * shape.D, 2);
    const labels = randomLabels(rng, B, shape.C);
    const network = await MlpNetwork.create(device, shape, { swishDerivative: 'wrong' });
    const model = await GpuModel.create(device, network, { batch: B, optimizer: DEFAULT_OPTIMIZER });
    model.setParams(params);
    const gpu = await model.gradients(X, labels);
    const p64 = { W1: toFloat64(params.W1!), b1: toFloat64(params.b1!), W2: toFloat64(params.W2!), b2: toFloat64(params.b2!) };
    const truth = mlpGradients(shape, p64, toFloat64(X), labels, B);
    const wrong = mlpGradients(shape, p64, toFloat64(X), labels, B, { swishDerivative: 'wrong' });
    expect(relativeError(gpu.grads.W1!, truth.grads.W1)).toBeGreaterThan(1e-2);
    expect(relativeError(gpu.grads.b1!, truth.grads.b1)).toBeGreaterThan(1e-2);
    expect(relativeError(gpu.grads.W1!, wrong.grads.W1)).toBeLessThan(1e-4);
    expect(relativeError(gpu.grads.W2!, truth.grads.W2)).toBeLessThan(1e-4);
    expect(relativeError(gpu.grads.b2!, truth.grads.b2)).toBeLessThan(1e-4);
    model.destroy();
  });
});

describe('MLP training on the GPU against the CPU twin', () => {
  const optimizers: Array<Partial<OptimizerSettings>> = [
    { kind: 'sgd', lr: 0.5 },
    { kind: 'momentum', lr: 0.1, nesterov: true, weightDecay: 1e-3 },
    { kind: 'adam', lr: 0.01 },
  ];
  for (const overrides of optimizers) {
    it(`20 steps of ${overrides.kind} from one seed: per-step losses within 1e-3`, async () => {
      const device = await gpuDevice();
      const shape = { D: 13, H: 17, C: 5 };
      const [N, B, seed] = [90, 16, 42];
      const rng = new Rng(seed);
      const data: Dataset = {
        name: 'random', X: randomArray(rng, N * shape.D), labels: randomLabels(rng, N, shape.C), N, D: shape.D, classes: shape.C,
      };
      const settings = { ...DEFAULT_OPTIMIZER, ...overrides };
      const params = initParams(shapesOf(shape), rng);
      const model = await GpuModel.create(device, await MlpNetwork.create(device, shape), {
        batch: B, optimizer: settings, ringSlots: 8, // 20 steps wrap the ring: readbacks mid-run
      });
      model.setParams(params);
      const set = uploadDataset(device, data);
      model.setData(set);
      const trainer = new GpuTrainer(model, N, seed);
      const history: StepMetrics[] = [];
      trainer.onMetrics = (m) => history.push(...m);
      trainer.run(20);
      await trainer.flush();
      const cpu = new ReferenceTrainer({ kind: 'mlp', shape }, params, data, seed, B, settings);
      const cpuLosses = Array.from({ length: 20 }, () => cpu.trainStep().loss);
      expect(history.map((m) => m.step)).toEqual([...Array(20).keys()]);
      history.forEach((m, i) => {
        expect(Math.abs(m.loss - cpuLosses[i]!) / cpuLosses[i]!, `step ${i}`).toBeLessThan(1e-3);
      });
      expect(history[19]!.loss).toBeLessThan(history[0]!.loss);
      const final = await model.readParams();
      for (const name of MLP_TENSORS) expect(relativeError(final[name]!, cpu.params[name]!)).toBeLessThan(1e-3);
      model.destroy();
      set.destroy();
    });
  }

  it('evaluates a whole data set (several chunks) like the reference', async () => {
    const device = await gpuDevice();
    const shape = { D: 5, H: 8, C: 3 };
    const N = 2500; // three evaluation chunks, the last one partial
    const rng = new Rng(8);
    const data: Dataset = { name: 'eval', X: randomArray(rng, N * 5), labels: randomLabels(rng, N, 3), N, D: 5, classes: 3 };
    const params = initParams(shapesOf(shape), rng, 2);
    const model = await GpuModel.create(device, await MlpNetwork.create(device, shape), { batch: 4, optimizer: DEFAULT_OPTIMIZER });
    model.setParams(params);
    const set = uploadDataset(device, data);
    const got = await model.evaluate(set, { outputs: true });
    const p64 = { W1: toFloat64(params.W1!), b1: toFloat64(params.b1!), W2: toFloat64(params.W2!), b2: toFloat64(params.b2!) };
    const ref = mlpGradients(shape, p64, toFloat64(data.X), data.labels, N);
    expect(Math.abs(got.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
    expect(got.accuracy).toBeCloseTo(ref.correct / N, 6);
    expect(relativeError(got.outputs!, ref.Z)).toBeLessThan(1e-5); // the logits of every row
    model.destroy();
    set.destroy();
  });
});
