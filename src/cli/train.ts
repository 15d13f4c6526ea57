// `train`: trains either model on the GPU through the same engine as the page, shows progress on
// stderr and, with --json, prints the result as one JSON object. --save writes the parameters;
// --checkpoint writes the whole run in the page's run-file format, and --resume continues such a
// file (the page's or the CLI's) bit for bit.
// `seconds` runs from the data upload to the last metrics read back; building the model (pipelines,
// matmul timing) is `buildSeconds`, evaluation is in neither.
import { readFile, writeFile } from 'node:fs/promises';
import type { DataSplit } from '../data/dataset';
import { UserError } from '../base/errors';
import { uploadDataset } from '../gpu/dataset-buffers';
import { buildNetwork, tensorShapes, type ModelSpec } from '../models/build';
import { GpuModel } from '../models/model';
import type { SwishDerivative } from '../reference/activations';
import { DEFAULT_OPTIMIZER, type OptimizerKind, type OptimizerSettings } from '../reference/optimizer';
import { pcaBound } from '../reference/pca';
import {
  captureGpuState, checkCheckpointFits, MAX_CHECKPOINT_CHARS, parseCheckpoint, restoreGpuState, serializeCheckpoint,
  type Checkpoint, type SettingValue,
} from '../train/checkpoint';
import { initParams } from '../train/init';
import { Rng } from '../base/rng';
import { Trainer } from '../train/trainer';
// Only to tell, before a run, whether the page will take its run file: the page's ranges live there.
import { readSettings } from '../ui/settings';
import { toNested } from './case-file';
import { choiceFlag, intFlag, numberFlag } from './flags';
import { DATASETS, loadData, type DatasetName } from './load-data';
import { openNodeDevice } from './node-gpu';

const OPTIMIZERS: readonly OptimizerKind[] = ['sgd', 'momentum', 'adam'];
/** Above this many features the CPU eigendecomposition for the PCA bound takes too long to be worth it. */
const PCA_MAX_FEATURES = 256;
/** Flags that define a run: a resumed run takes all of them from its file. */
const RUN_FLAGS = ['model', 'dataset', 'samples', 'noise', 'hidden', 'code', 'batch', 'lr', 'optimizer', 'momentum', 'nesterov', 'weight-decay', 'init-scale', 'seed'];

/** Everything that defines a run, from the flags or from a run file. */
interface RunPlan {
  kind: 'mlp' | 'autoencoder';
  data: DataSplit;
  spec: ModelSpec;
  batch: number;
  seed: number;
  optimizer: OptimizerSettings;
  initScale: number;
  /** In the page's vocabulary (src/ui/settings.ts), so that the page can continue a CLI run. */
  settings: Record<string, SettingValue>;
  /** A page run may have been trained with the known-wrong swish′ (the teaching experiment); it goes on with it. */
  swishDerivative: SwishDerivative;
  resumed: Checkpoint | null;
}

async function planFromFlags(flags: Record<string, unknown>): Promise<RunPlan> {
  const kind = choiceFlag(flags, 'model', ['mlp', 'autoencoder'] as const, 'mlp');
  const seed = intFlag(flags, 'seed', 1, 0, 2 ** 32 - 1);
  const optimizerKind = choiceFlag(flags, 'optimizer', OPTIMIZERS, 'sgd');
  const optimizer: OptimizerSettings = {
    ...DEFAULT_OPTIMIZER,
    kind: optimizerKind,
    lr: numberFlag(flags, 'lr', optimizerKind === 'adam' ? 0.001 : kind === 'mlp' ? 0.1 : 0.01, 0, 1e6),
    momentum: numberFlag(flags, 'momentum', DEFAULT_OPTIMIZER.momentum, 0, 1),
    nesterov: flags.nesterov === true,
    weightDecay: numberFlag(flags, 'weight-decay', 0, 0, 1e6),
  };
  const dataset = choiceFlag(flags, 'dataset', DATASETS, 'mnist');
  const samples = intFlag(flags, 'samples', 1000, 1, 1_000_000);
  const noise = numberFlag(flags, 'noise', 0.1, 0, 100);
  const file = typeof flags.data === 'string' ? flags.data : undefined;
  const data = await loadData({ dataset, file, labelled: kind === 'mlp', samples, noise, seed });
  const { train, test } = data;
  const spec: ModelSpec = kind === 'mlp'
    ? { kind, shape: { D: train.D, H: intFlag(flags, 'hidden', 128), C: Math.max(2, train.classes, test?.classes ?? 0) } }
    : { kind, shape: { n: train.D, m: intFlag(flags, 'code', Math.min(16, train.D), 1, train.D) } };
  const batch = intFlag(flags, 'batch', 64);
  const initScale = numberFlag(flags, 'init-scale', 1, 0, 100);
  const settings: Record<string, SettingValue> = {
    model: kind, dataset: file ? 'file' : dataset, samples, noise,
    ...(spec.kind === 'mlp' ? { hidden: spec.shape.H } : { code: spec.shape.m }),
    batch, lr: optimizer.lr, optimizer: optimizer.kind, momentum: optimizer.momentum, nesterov: optimizer.nesterov,
    beta1: optimizer.beta1, beta2: optimizer.beta2, weightDecay: optimizer.weightDecay, initScale, seed, wrongDerivative: false,
  };
  return { kind, data, spec, batch, seed, optimizer, initScale, settings, swishDerivative: 'correct', resumed: null };
}

/** A run saved by the page or by --checkpoint: its model, optimizer, seed and data set come back. */
async function planFromRunFile(path: string, flags: Record<string, unknown>): Promise<RunPlan> {
  const given = RUN_FLAGS.filter((name) => flags[name] !== undefined);
  if (given.length > 0) throw new UserError(`--resume takes the run's settings from ${path}: drop --${given[0]}`);
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  if (bytes.length > MAX_CHECKPOINT_CHARS) throw new UserError(`${path} is larger than a run file can be`);
  const cp = parseCheckpoint(new Uint8Array(bytes), path);
  const { settings } = cp;
  const file = typeof flags.data === 'string' ? flags.data : undefined;
  if (settings.dataset === 'file' && !file) throw new UserError(`${path} was trained on a file of yours (${cp.data.name}): give it with --data`);
  const dataset = settings.dataset === 'file' ? 'mnist' : settings.dataset;
  if (!file && !DATASETS.includes(dataset as DatasetName)) throw new UserError(`${path}: unknown data set '${String(settings.dataset)}'`);
  const samples = typeof settings.samples === 'number' ? settings.samples : 1000;
  const noise = typeof settings.noise === 'number' ? settings.noise : 0.1;
  const data = await loadData({ dataset: dataset as DatasetName, file, labelled: cp.spec.kind === 'mlp', samples, noise, seed: cp.seed });
  // The same check as the page's: model, batch, seed and training data must be the ones saved.
  checkCheckpointFits({ config: cp, data }, cp);
  return {
    kind: cp.spec.kind, data, spec: cp.spec, batch: cp.batch, seed: cp.seed, optimizer: cp.optimizer,
    initScale: typeof settings.initScale === 'number' ? settings.initScale : 1, settings,
    swishDerivative: cp.spec.kind === 'mlp' && settings.wrongDerivative === true ? 'wrong' : 'correct', resumed: cp,
  };
}

export async function trainCommand(flags: Record<string, unknown>): Promise<void> {
  if (flags.steps !== undefined && flags.epochs !== undefined) throw new UserError('give --steps or --epochs, not both');
  const plan = typeof flags.resume === 'string' ? await planFromRunFile(flags.resume, flags) : await planFromFlags(flags);
  const { kind, spec, batch, seed, data } = plan;
  const { train, test } = data;
  if (batch > train.N) throw new UserError(`--batch ${batch} is larger than the training set (${train.N} rows)`);
  const stepsPerEpoch = Math.floor(train.N / batch);
  const steps = flags.steps !== undefined
    ? intFlag(flags, 'steps', 1, 0)
    : intFlag(flags, 'epochs', 1, 0, 100_000) * stepsPerEpoch;

  if (typeof flags.checkpoint === 'string') {
    // The CLI allows sizes and rates beyond the page's panel: say so now rather than after the run.
    const { problems } = readSettings(Object.entries(plan.settings).map(([k, v]) => [k, String(v)]));
    if (problems.length > 0) process.stderr.write(`note: the page will not resume ${flags.checkpoint} (${problems.join('; ')}); this CLI will\n`);
  }
  const ctx = await openNodeDevice();
  const { device } = ctx;
  // Compiling the pipelines and, on a GPU, timing the matmul entry points (src/gpu/tune.ts).
  const building = performance.now();
  const network = await buildNetwork(device, spec, { swishDerivative: plan.swishDerivative });
  const model = await GpuModel.create(device, network, { batch, optimizer: plan.optimizer });
  const buildSeconds = (performance.now() - building) / 1000;
  model.setParams(initParams(tensorShapes(network), new Rng(seed), plan.initScale));

  const started = performance.now();
  const trainSet = uploadDataset(device, train);
  model.setData(trainSet);
  const trainer = new Trainer(model, train.N, seed);
  if (plan.resumed) await restoreGpuState({ model, trainer }, plan.resumed);
  const first = trainer.step;
  const last = first + steps;
  let lastReport = started;
  trainer.onMetrics = (metrics) => {
    const now = performance.now();
    const latest = metrics.at(-1);
    if (!latest || (now - lastReport < 1000 && latest.step + 1 < last)) return;
    lastReport = now;
    const recent = trainer.history.slice(-50);
    const loss = recent.reduce((s, m) => s + m.loss, 0) / recent.length;
    process.stderr.write(`step ${latest.step + 1}/${last}  epoch ${((latest.step + 1) / stepsPerEpoch).toFixed(2)}  loss ${loss.toFixed(5)}\n`);
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
    optimizer: model.settings,
    seed,
    ...(plan.resumed ? { resumedFrom: first } : {}),
    ...(plan.swishDerivative === 'wrong' ? { swishDerivative: 'wrong' } : {}),
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

  // One read of the final state serves both files.
  const state = typeof flags.save === 'string' || typeof flags.checkpoint === 'string' ? await captureGpuState({ model, trainer }) : null;
  if (state && typeof flags.save === 'string') {
    const saved: Record<string, unknown> = { model: kind };
    for (const slot of network.layout.slots) saved[slot.name] = toNested(state.params[slot.name]!, slot.shape);
    await write(flags.save, `${JSON.stringify(saved)}\n`);
  }
  if (state && typeof flags.checkpoint === 'string') {
    const { name, N, D, classes } = train;
    const cp: Checkpoint = {
      settings: plan.settings, spec, batch, seed, optimizer: model.settings, data: { name, N, D, classes }, engines: { gpu: state },
    };
    await write(flags.checkpoint, serializeCheckpoint(cp));
  }
  if (flags.json === true) process.stdout.write(`${JSON.stringify(result)}\n`);
  trainer.destroy();
  trainSet.destroy();
  model.destroy();
  device.destroy();
}

async function write(path: string, text: string): Promise<void> {
  await writeFile(path, text).catch((e: Error) => {
    throw new UserError(`cannot write ${path}: ${e.message}`);
  });
}
