// `train`: trains either model on the GPU through the same engine as the page, shows progress on
// stderr and, with --json, prints the result as one JSON object. --save writes the parameters.
// `seconds` runs from the data upload to the last metrics read back; building the model (pipelines,
// matmul timing) is `buildSeconds`, evaluation is in neither.
import { writeFile } from 'node:fs/promises';
import { UserError } from '../errors';
import { uploadDataset } from '../gpu/dataset-buffers';
import { buildNetwork, tensorShapes, type ModelSpec } from '../models/build';
import { GpuModel } from '../models/model';
import { DEFAULT_OPTIMIZER, type OptimizerKind, type OptimizerSettings } from '../reference/optimizer';
import { pcaBound } from '../reference/pca';
import { initParams } from '../train/init';
import { Rng } from '../train/rng';
import { Trainer } from '../train/trainer';
import { toNested } from './case-file';
import { choiceFlag, intFlag, numberFlag } from './flags';
import { DATASETS, loadData } from './load-data';
import { openNodeDevice } from './node-gpu';

const OPTIMIZERS: readonly OptimizerKind[] = ['sgd', 'momentum', 'adam'];
/** Above this many features the CPU eigendecomposition for the PCA bound takes too long to be worth it. */
const PCA_MAX_FEATURES = 256;

export async function trainCommand(flags: Record<string, unknown>): Promise<void> {
  const kind = choiceFlag(flags, 'model', ['mlp', 'autoencoder'] as const, 'mlp');
  const seed = intFlag(flags, 'seed', 1, 0, 2 ** 32 - 1);
  const optimizerKind = choiceFlag(flags, 'optimizer', OPTIMIZERS, 'sgd');
  const settings: OptimizerSettings = {
    ...DEFAULT_OPTIMIZER,
    kind: optimizerKind,
    lr: numberFlag(flags, 'lr', optimizerKind === 'adam' ? 0.001 : kind === 'mlp' ? 0.1 : 0.01, 0, 1e6),
    momentum: numberFlag(flags, 'momentum', DEFAULT_OPTIMIZER.momentum, 0, 1),
    nesterov: flags.nesterov === true,
    weightDecay: numberFlag(flags, 'weight-decay', 0, 0, 1e6),
  };
  if (flags.steps !== undefined && flags.epochs !== undefined) throw new UserError('give --steps or --epochs, not both');
  const data = await loadData({
    dataset: choiceFlag(flags, 'dataset', DATASETS, 'mnist'),
    file: typeof flags.data === 'string' ? flags.data : undefined,
    labelled: kind === 'mlp',
    samples: intFlag(flags, 'samples', 1000, 1, 1_000_000),
    noise: numberFlag(flags, 'noise', 0.1, 0, 100),
    seed,
  });
  const { train, test } = data;
  const spec: ModelSpec = kind === 'mlp'
    ? { kind, shape: { D: train.D, H: intFlag(flags, 'hidden', 128), C: Math.max(2, train.classes, test?.classes ?? 0) } }
    : { kind, shape: { n: train.D, m: intFlag(flags, 'code', Math.min(16, train.D), 1, train.D) } };
  const batch = intFlag(flags, 'batch', 64);
  if (batch > train.N) throw new UserError(`--batch ${batch} is larger than the training set (${train.N} rows)`);
  const stepsPerEpoch = Math.floor(train.N / batch);
  const steps = flags.steps !== undefined
    ? intFlag(flags, 'steps', 1, 0)
    : intFlag(flags, 'epochs', 1, 0, 100_000) * stepsPerEpoch;

  const ctx = await openNodeDevice();
  const { device } = ctx;
  // Compiling the pipelines and, on a GPU, timing the matmul entry points (src/gpu/tune.ts).
  const building = performance.now();
  const network = await buildNetwork(device, spec);
  const model = await GpuModel.create(device, network, { batch, optimizer: settings });
  const buildSeconds = (performance.now() - building) / 1000;
  model.setParams(initParams(tensorShapes(network), new Rng(seed), numberFlag(flags, 'init-scale', 1, 0, 100)));

  const started = performance.now();
  const trainSet = uploadDataset(device, train);
  model.setData(trainSet);
  const trainer = new Trainer(model, train.N, seed);
  let lastReport = started;
  trainer.onMetrics = (metrics) => {
    const now = performance.now();
    const last = metrics.at(-1);
    if (!last || (now - lastReport < 1000 && last.step + 1 < steps)) return;
    lastReport = now;
    const recent = trainer.history.slice(-50);
    const loss = recent.reduce((s, m) => s + m.loss, 0) / recent.length;
    process.stderr.write(`step ${last.step + 1}/${steps}  epoch ${((last.step + 1) / stepsPerEpoch).toFixed(2)}  loss ${loss.toFixed(5)}\n`);
  };
  for (let done = 0; done < steps; ) {
    const count = Math.min(model.ringSlots, steps - done);
    trainer.run(count);
    done += count;
    await trainer.throttle(2);
  }
  await trainer.flush();
  const seconds = (performance.now() - started) / 1000;

  const evaluated = await model.evaluate(trainSet);
  const result: Record<string, unknown> = {
    model: kind,
    dataset: train.name,
    adapter: ctx.adapterName,
    ...(spec.kind === 'mlp' ? { hidden: spec.shape.H } : { code: spec.shape.m }),
    batch,
    optimizer: settings,
    seed,
    steps,
    epochs: steps / stepsPerEpoch,
    seconds,
    buildSeconds,
    matmulPaths: model.stepPaths(),
    stepsPerSecond: steps / seconds,
    finalLoss: evaluated.loss,
  };
  if (kind === 'mlp') result.trainAccuracy = evaluated.accuracy;
  if (test) {
    const testSet = uploadDataset(device, test);
    const t = await model.evaluate(testSet);
    result.testLoss = t.loss;
    if (kind === 'mlp') result.testAccuracy = t.accuracy;
    testSet.destroy();
  }
  if (spec.kind === 'autoencoder' && train.D <= PCA_MAX_FEATURES) {
    result.pcaBound = pcaBound(train.X, train.N, train.D, spec.shape.m);
  }
  process.stderr.write(`done: ${steps} steps in ${seconds.toFixed(2)} s, loss over the training set ${evaluated.loss.toFixed(6)}\n`);

  if (typeof flags.save === 'string') {
    const params = await model.readParams();
    const saved: Record<string, unknown> = { model: kind };
    for (const slot of network.layout.slots) saved[slot.name] = toNested(params[slot.name]!, slot.shape);
    await writeFile(flags.save, `${JSON.stringify(saved)}\n`).catch((e: Error) => {
      throw new UserError(`cannot write ${String(flags.save)}: ${e.message}`);
    });
  }
  if (flags.json === true) process.stdout.write(`${JSON.stringify(result)}\n`);
  trainer.destroy();
  trainSet.destroy();
  model.destroy();
  device.destroy();
}
