// The whole MLP on the GPU, 1 to 4 hidden layers: one batch's loss and gradients against the float64
// reference, and 20-step training runs against the CPU twin from the same seed, per-step losses compared.
import { ACTIVATIONS } from '../src/reference/activations';
import { describe, expect, it } from 'vitest';
import { targetsAsLabels, type Dataset } from '../src/data/dataset';
import { uploadDataset } from '../src/gpu/dataset-buffers';
import { forgetTuning } from '../src/gpu/tune';
import { MATMUL_PATHS } from '../src/kernels/matmul';
import { MlpNetwork } from '../src/models/mlp';
import { GpuModel } from '../src/models/model';
import { relativeError, toFloat64, worstElement } from '../src/reference/linalg';
import { describeMlp, mlpGradients, mlpParamsFrom, mlpTargets, mlpTensorNames, mlpTensorShapes, problemOf, type MlpShape } from '../src/reference/mlp';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../src/reference/optimizer';
import { ReferenceTrainer } from '../src/reference/trainer';
import { initParams } from '../src/train/init';
import { gpuDevice, randomArray, randomLabels, Rng, trainOnGpu } from './gpu-context';

function shapesOf(shape: MlpShape) {
  return Object.entries(mlpTensorShapes(shape)) as Array<[string, number[]]>;
}

/** Labels for `shape`: random classes, or a regression's random real targets as their float32 bits. */
function labelsFor(shape: MlpShape, rng: Rng, n: number): Uint32Array {
  return problemOf(shape) === 'regression' ? targetsAsLabels(randomArray(rng, n, 1.5)) : randomLabels(rng, n, shape.C);
}

/** One batch's loss, accuracy and gradients from the kernels against the reference, on random parameters from `seed`. */
async function expectGradientsMatch(shape: MlpShape, B: number, seed: number): Promise<void> {
  const device = await gpuDevice();
  const { D } = shape;
  const rng = new Rng(seed);
  const params = initParams(shapesOf(shape), rng, 1.5);
  // Non-zero biases so that their path is tested.
  for (const [name, dims] of shapesOf(shape)) if (dims.length === 1) params[name] = randomArray(rng, dims[0]!, 0.5);
  const X = randomArray(rng, B * D);
  const labels = labelsFor(shape, rng, B);
  const model = await GpuModel.create(device, await MlpNetwork.create(device, shape), { batch: B, optimizer: DEFAULT_OPTIMIZER });
  model.setParams(params);
  const gpu = await model.gradients(X, labels);
  const ref = mlpGradients(shape, mlpParamsFrom(shape, params), toFloat64(X), mlpTargets(shape, labels), B);
  expect(Math.abs(gpu.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
  expect(gpu.accuracy).toBeCloseTo(ref.correct / B, 6);
  expect(Object.keys(gpu.grads)).toEqual(mlpTensorNames(shape));
  for (const name of mlpTensorNames(shape)) {
    const err = relativeError(gpu.grads[name]!, ref.grads[name]!);
    expect(err, `${name}: worst ${JSON.stringify(worstElement(gpu.grads[name]!, ref.grads[name]!))}`).toBeLessThan(1e-4);
  }
  model.destroy();
}

describe('MLP gradients on the GPU against the float64 reference', () => {
  it.each(ACTIVATIONS.filter((a) => a !== 'swish'))('with %s: loss and every tensor within 1e-4', async (activation) => {
    await expectGradientsMatch({ D: 29, hidden: [67], C: 10, activation }, 37, 37 * 1000 + 67 + activation.length);
  });

  for (const [B, D, H, C] of [
    [1, 3, 2, 2],
    [37, 29, 67, 10],
    [70, 13, 5, 3],
  ] as const) {
    it(`B=${B} D=${D} H=${H} C=${C}: loss and every tensor within 1e-4`, async () => {
      await expectGradientsMatch({ D, hidden: [H], C }, B, B * 1000 + H);
    });
  }

  // Awkward widths, each layer different, so that a transposed or swapped layer cannot pass.
  const WIDTHS = [13, 7, 11, 6];
  for (const depth of [1, 2, 3, 4]) {
    it.each(ACTIVATIONS)(`${depth} hidden layer(s) of %s: loss and every tensor of every layer within 1e-4`, async (activation) => {
      await expectGradientsMatch({ D: 5, hidden: WIDTHS.slice(0, depth), C: 3, activation }, 19, depth * 100 + activation.length);
    });
  }

  // The regression's linear output and squared error: the same awkward widths, one output.
  for (const depth of [1, 2, 3, 4]) {
    it.each(ACTIVATIONS)(`regression, ${depth} hidden layer(s) of %s: loss and every tensor of every layer within 1e-4`, async (activation) => {
      await expectGradientsMatch({ D: 5, hidden: WIDTHS.slice(0, depth), C: 1, activation, problem: 'regression' }, 23, depth * 100 + activation.length + 7);
    });
  }

  it('every matmul entry point compiled and the step tuned: each product on the path timed fastest, gradients still right', async () => {
    const device = await gpuDevice();
    forgetTuning(device);
    // Sizes that make every timed entry point a candidate somewhere: 128×128 tiles for V and G_V.
    const [B, shape] = [130, { D: 29, hidden: [131], C: 10 }];
    const rng = new Rng(3);
    const params = initParams(shapesOf(shape), rng, 1.5);
    const X = randomArray(rng, B * shape.D);
    const labels = randomLabels(rng, B, shape.C);
    const network = await MlpNetwork.create(device, shape, { matmulPaths: MATMUL_PATHS });
    const model = await GpuModel.create(device, network, { batch: B, optimizer: DEFAULT_OPTIMIZER });
    expect(model.tuning.map((r) => r.label.split('/').pop())).toEqual(['layer1', 'layer2', 'dW2', 'db2', 'G1', 'dW1', 'db1']);
    const timed = new Set(model.tuning.flatMap((r) => Object.keys(r.ms)));
    expect([...timed].sort()).toEqual(['block', 'small', 'tiled', 'wide']); // split K sums in another order: never timed
    for (const r of model.tuning) expect(r.ms[r.chosen]).toBe(Math.min(...Object.values(r.ms)));
    model.setParams(params);
    const gpu = await model.gradients(X, labels);
    const ref = mlpGradients(shape, mlpParamsFrom(shape, params), toFloat64(X), labels, B);
    expect(Math.abs(gpu.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
    for (const name of mlpTensorNames(shape)) expect(relativeError(gpu.grads[name]!, ref.grads[name]!), name).toBeLessThan(1e-4);
    model.destroy();
    forgetTuning(device);
  });

  it('with the wrong swish derivative, W1 and b1 disagree with the true gradient and W2, b2 do not', async () => {
    const device = await gpuDevice();
    const shape = { D: 6, hidden: [9], C: 4 };
    const B = 11;
    const rng = new Rng(77);
    const params = initParams(shapesOf(shape), rng, 1.5);
    const X = randomArray(rng, B * shape.D, 2);
    const labels = randomLabels(rng, B, shape.C);
    const network = await MlpNetwork.create(device, shape, { mistake: 'swish-prime' });
    const model = await GpuModel.create(device, network, { batch: B, optimizer: DEFAULT_OPTIMIZER });
    model.setParams(params);
    const gpu = await model.gradients(X, labels);
    const p64 = mlpParamsFrom(shape, params);
    const truth = mlpGradients(shape, p64, toFloat64(X), labels, B);
    const wrong = mlpGradients(shape, p64, toFloat64(X), labels, B, { mistake: 'swish-prime' });
    expect(relativeError(gpu.grads.W1!, truth.grads.W1!)).toBeGreaterThan(1e-2);
    expect(relativeError(gpu.grads.b1!, truth.grads.b1!)).toBeGreaterThan(1e-2);
    expect(relativeError(gpu.grads.W1!, wrong.grads.W1!)).toBeLessThan(1e-4);
    expect(relativeError(gpu.grads.W2!, truth.grads.W2!)).toBeLessThan(1e-4);
    expect(relativeError(gpu.grads.b2!, truth.grads.b2!)).toBeLessThan(1e-4);
    model.destroy();
  });
});

describe('MLP training on the GPU against the CPU twin', () => {
  const optimizers: Array<Partial<OptimizerSettings>> = [
    { kind: 'sgd', lr: 0.5 },
    { kind: 'momentum', lr: 0.1, nesterov: true, weightDecay: 1e-3 },
    { kind: 'adam', lr: 0.01 },
  ];
  const runs: Array<{ shape: MlpShape; overrides: Partial<OptimizerSettings> }> = [
    ...optimizers.map((overrides) => ({ shape: { D: 13, hidden: [17], C: 5 }, overrides })),
    { shape: { D: 13, hidden: [12, 10, 8], C: 5, activation: 'tanh' }, overrides: { kind: 'sgd', lr: 0.5 } },
    { shape: { D: 13, hidden: [16, 12], C: 5, activation: 'relu' }, overrides: { kind: 'adam', lr: 0.01 } },
    // A regression: the targets travel the labels' path as float32 bits.
    { shape: { D: 13, hidden: [12, 10], C: 1, activation: 'tanh', problem: 'regression' }, overrides: { kind: 'sgd', lr: 0.1 } },
    { shape: { D: 13, hidden: [17], C: 1, problem: 'regression' }, overrides: { kind: 'adam', lr: 0.01 } },
  ];
  for (const { shape, overrides } of runs) {
    it(`20 steps of ${overrides.kind}, ${describeMlp(shape)}, from one seed: per-step losses within 1e-3`, async () => {
      const device = await gpuDevice();
      const [N, B, seed] = [90, 16, 42];
      const rng = new Rng(seed);
      const data: Dataset = {
        name: 'random',
        X: randomArray(rng, N * shape.D),
        labels: labelsFor(shape, rng, N),
        N,
        D: shape.D,
        classes: shape.C,
        ...(problemOf(shape) === 'regression' ? { regression: true as const } : {}),
      };
      const settings = { ...DEFAULT_OPTIMIZER, ...overrides };
      const params = initParams(shapesOf(shape), rng);
      const model = await GpuModel.create(device, await MlpNetwork.create(device, shape), {
        batch: B,
        optimizer: settings,
        ringSlots: 8, // 20 steps wrap the ring: readbacks mid-run
      });
      model.setParams(params);
      const history = await trainOnGpu(device, model, data, seed, 20);
      const cpu = new ReferenceTrainer({ kind: 'mlp', shape }, params, data, seed, B, settings);
      const cpuLosses = Array.from({ length: 20 }, () => cpu.trainStep().loss);
      expect(history.map((m) => m.step)).toEqual([...Array(20).keys()]);
      history.forEach((m, i) => {
        expect(Math.abs(m.loss - cpuLosses[i]!) / cpuLosses[i]!, `step ${i}`).toBeLessThan(1e-3);
      });
      expect(history[19]!.loss).toBeLessThan(history[0]!.loss);
      const final = await model.readParams();
      for (const name of mlpTensorNames(shape)) expect(relativeError(final[name]!, cpu.params[name]!), name).toBeLessThan(1e-3);
      model.destroy();
    });
  }

  it('evaluates a whole data set (several chunks) like the reference', async () => {
    const device = await gpuDevice();
    const shape = { D: 5, hidden: [8, 6], C: 3 };
    const N = 2500; // three evaluation chunks, the last one partial
    const rng = new Rng(8);
    const data: Dataset = { name: 'eval', X: randomArray(rng, N * 5), labels: randomLabels(rng, N, 3), N, D: 5, classes: 3 };
    const params = initParams(shapesOf(shape), rng, 2);
    const model = await GpuModel.create(device, await MlpNetwork.create(device, shape), { batch: 4, optimizer: DEFAULT_OPTIMIZER });
    model.setParams(params);
    const set = uploadDataset(device, data);
    const got = await model.evaluate(set, { outputs: true });
    const ref = mlpGradients(shape, mlpParamsFrom(shape, params), toFloat64(data.X), data.labels, N);
    expect(Math.abs(got.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
    expect(got.accuracy).toBeCloseTo(ref.correct / N, 6);
    expect(relativeError(got.outputs!, ref.Z)).toBeLessThan(1e-5); // the logits of every row
    model.destroy();
    set.destroy();
  });
});
