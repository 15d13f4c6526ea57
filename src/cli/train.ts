// `train`: trains either model on the GPU through the same assembly as the page (Session.create),
// shows progress on stderr and, with --json, prints the result as one JSON object. The flags map
// onto the run definition (src/train/run-settings.ts), with the CLI's wider ranges. --save writes
// the parameters; --checkpoint writes the whole run in the page's run-file format, and --resume
// continues such a file (the page's or the CLI's) bit for bit.
// `seconds` runs from the data upload (training and test sets, until the copies are done) to the last
// metrics read back; building the model (pipelines, matmul timing) is `buildSeconds`; evaluation is
// in neither.
import { access, constants, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../base/errors';
import { featureValues, type DataSplit } from '../data/dataset';
import { specTensorShapes } from '../models/build';
import { derivationFor } from '../models/derivation';
import { pcaBound } from '../reference/pca';
import { captureCheckpoint, checkCheckpointFits, checkpointHistory, restoreCheckpoint } from '../train/checkpoint';
import { serializeCheckpoint } from '../train/checkpoint-file';
import { type Checkpoint, MAX_CHECKPOINT_CHARS } from '../train/checkpoint-format';
import { parseCheckpoint } from '../train/checkpoint-reader';
import { GpuEngine } from '../train/gpu-engine';
import { MetricsLog } from '../train/metrics-log';
import { regressionScores, targetVariance } from '../train/regression-scores';
import {
  datasetMismatch,
  describeProblem,
  dataSeedOf,
  mistakeFor,
  planRun,
  readRunSettings,
  runSettingPairs,
  type FieldProblem,
  type RunPlan,
  type RunSettings,
} from '../train/run-settings';
import { Session } from '../train/session';
import { toNested } from './case-file';
import { intFlag, mistakeFlag } from './flags';
import { DATASETS, loadData, type DatasetName } from './load-data';
import type { CliIo } from './io';

/** Above this many features the CPU eigendecomposition for the PCA bound takes too long to be worth it. */
const PCA_MAX_FEATURES = 256;
/** Steps submitted between waits for the GPU's metrics. */
const STEPS_PER_ROUND = 64;
/** The flags that set run settings, by flag name: a resumed run takes all of them from its file. */
const RUN_FLAGS: Readonly<Record<string, keyof RunSettings>> = {
  model: 'model',
  problem: 'problem',
  dataset: 'dataset',
  samples: 'samples',
  noise: 'noise',
  hidden: 'hidden',
  activation: 'activation',
  code: 'code',
  batch: 'batch',
  lr: 'lr',
  optimizer: 'optimizer',
  momentum: 'momentum',
  nesterov: 'nesterov',
  beta1: 'beta1',
  beta2: 'beta2',
  'weight-decay': 'weightDecay',
  l1: 'l1',
  features: 'features',
  'test-share': 'testShare',
  'init-scale': 'initScale',
  seed: 'seed',
  'data-seed': 'dataSeed',
  mistake: 'mistake',
};
/** Flags that also set the run: --wrong-derivative is --mistake swish-prime. */
const ALIAS_FLAGS = ['wrong-derivative'];

/** Everything that defines a run, from the flags or from a run file. */
export interface CliRun {
  settings: RunSettings;
  data: DataSplit;
  plan: RunPlan;
  resumed: Checkpoint | null;
}

/** A refused flag in the CLI's words. */
function flagError(p: FieldProblem): UserError {
  const flag = Object.keys(RUN_FLAGS).find((f) => RUN_FLAGS[f] === p.key) ?? p.key;
  if (p.kind === 'choice') return new UserError(`unknown --${flag} '${p.raw}' (expected ${p.expected.replace(/^must be one of /, '')})`);
  return new UserError(`--${flag} ${p.expected}, got '${p.raw}'`);
}

/** The run the flags define, with its data loaded (also what `derive` checks a derivation on). */
export async function runFromFlags(flags: Record<string, unknown>): Promise<CliRun> {
  const pairs: Array<[string, string]> = [];
  for (const [flag, key] of Object.entries(RUN_FLAGS)) if (flags[flag] !== undefined) pairs.push([key, String(flags[flag])]);
  const file = typeof flags.data === 'string' ? flags.data : undefined;
  if (file) pairs.push(['dataset', 'file']);
  const { settings, problems } = readRunSettings(pairs, 'cli');
  if (problems[0]) throw flagError(problems[0]);
  if (settings.dataset === 'file' && !file) throw new UserError('--dataset file needs the file: give it with --data');
  if (settings.dataset === 'mnist' || settings.dataset === 'file') {
    // A file of yours has a test share too (its rows held out); MNIST has its own test set.
    const planeOnly = ['features', ...(file ? [] : ['test-share']), 'samples', 'noise'].find((f) => flags[f] !== undefined);
    if (planeOnly)
      throw new UserError(`--${planeOnly} is for the 2-D sets (spiral, circles, xor, blobs, plane, gauss-mix), not ${file ? 'a file of yours' : 'MNIST'}`);
  }
  const mismatch = datasetMismatch(settings);
  if (mismatch) throw new UserError(`--dataset ${settings.dataset}: ${mismatch.replace('problem=regression', '--problem regression')}`);
  const mlp = settings.model === 'mlp';
  settings.mistake = mistakeFlag(flags, settings.model, mlp ? settings.activation : null, mlp ? settings.problem : undefined);
  const data = await loadRunData(settings, file);
  const { plan, adjusted } = planRun(settings, data);
  for (const a of adjusted) {
    if (a.key === 'batch') throw new UserError(`--batch ${a.from} is larger than the training set (${a.to} rows)`);
    throw new UserError(`--code must be an integer from 1 to ${a.to}, got '${a.from}'`);
  }
  return { settings, data, plan, resumed: null };
}

/** A run saved by the page or by --checkpoint: its settings, model, optimizer and data come back. */
async function runFromFile(path: string, flags: Record<string, unknown>): Promise<CliRun> {
  const given = [...Object.keys(RUN_FLAGS), ...ALIAS_FLAGS].filter((name) => flags[name] !== undefined);
  if (given.length > 0) throw new UserError(`--resume takes the run's settings from ${path}: drop --${given[0]}`);
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  if (bytes.length > MAX_CHECKPOINT_CHARS) throw new UserError(`${path} is larger than a run file can be`);
  const cp = parseCheckpoint(new Uint8Array(bytes), path);
  const read = readRunSettings(runSettingPairs(cp.settings), 'cli');
  if (read.problems[0]) throw new UserError(`${path}: settings.${describeProblem(read.problems[0])}`);
  const settings = read.settings;
  const file = typeof flags.data === 'string' ? flags.data : undefined;
  if (settings.dataset === 'file' && !file) throw new UserError(`${path} was trained on a file of yours (${cp.data.name}): give it with --data`);
  if (!file && !DATASETS.includes(settings.dataset as DatasetName)) throw new UserError(`${path}: unknown data set '${settings.dataset}'`);
  const data = await loadRunData({ ...settings, model: cp.spec.kind, seed: cp.seed }, file);
  // The same check as the page's: model, batch, seed and training data must be the ones saved.
  checkCheckpointFits({ config: cp, data }, cp);
  // The file's model, batch, seed and optimizer are the run's, whatever its settings say.
  const plan: RunPlan = {
    spec: cp.spec,
    batch: cp.batch,
    seed: cp.seed,
    optimizer: cp.optimizer,
    initScale: settings.initScale,
    mistake: mistakeFor(cp.spec, settings.mistake),
  };
  return { settings, data, plan, resumed: cp };
}

function loadRunData(s: RunSettings, file: string | undefined): Promise<DataSplit> {
  const dataset = (s.dataset === 'file' ? 'mnist' : s.dataset) as DatasetName;
  return loadData({
    dataset,
    file,
    labelled: s.model === 'mlp',
    regression: s.model === 'mlp' && s.problem === 'regression',
    samples: s.samples,
    noise: s.noise,
    seed: s.seed,
    dataSeed: dataSeedOf(s),
    testShare: s.testShare,
    features: s.features,
  });
}

/**
 * The text of --derive FILE, checked before anything trains: a derivation the GPU cannot train with
 * (a line in error, a gradient missing, with a mistake of the gallery) is one line and exit 2.
 */
async function readDerivation(path: string, plan: RunPlan): Promise<string> {
  if (plan.mistake !== 'none') throw new UserError('--derive trains with your backward pass: drop --mistake');
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  if (bytes.length > MAX_DERIVATION_BYTES) throw new UserError(`${path} is larger than a derivation can be (${MAX_DERIVATION_BYTES / 1024} KiB)`);
  const text = new TextDecoder().decode(bytes);
  derivationFor(text, plan.spec, plan.batch); // throws the reason as a UserError
  return text;
}

/** A derivation is a few lines; a larger file is not one. */
const MAX_DERIVATION_BYTES = 64 * 1024;

export async function trainCommand(flags: Record<string, unknown>, io: CliIo): Promise<number> {
  if (flags.steps !== undefined && flags.epochs !== undefined) throw new UserError('give --steps or --epochs, not both');
  // Every file the run will write is checked before it trains: a run is never lost at the end.
  for (const flag of ['save', 'checkpoint'] as const) if (typeof flags[flag] === 'string') await checkWritable(flags[flag] as string, flag);
  const run = typeof flags.resume === 'string' ? await runFromFile(flags.resume, flags) : await runFromFlags(flags);
  const { plan, data, resumed } = run;
  const { spec, batch, seed } = plan;
  const { train, test } = data;
  const stepsPerEpoch = Math.floor(train.N / batch);
  const steps = flags.steps !== undefined ? intFlag(flags, 'steps', 1, 1) : intFlag(flags, 'epochs', 1, 1, 100_000) * stepsPerEpoch;
  // The settings as the page saves them, so that the page can continue a CLI run (a page run's own keys go along).
  const settings = { ...(resumed?.settings ?? {}), ...run.settings };

  if (typeof flags.checkpoint === 'string') {
    // The CLI allows sizes and rates beyond the page's panel: say so now rather than after the run.
    const { problems } = readRunSettings(runSettingPairs(settings), 'page');
    if (problems.length > 0) {
      io.err(`note: the page will not resume ${flags.checkpoint} (${problems.map(describeProblem).join('; ')}); this CLI will\n`);
    }
  }
  const derivation = typeof flags.derive === 'string' ? await readDerivation(flags.derive, plan) : undefined;
  const ctx = await io.gpu();
  const session = await Session.create({ ...plan, engines: ['gpu'], ...(derivation === undefined ? {} : { derivation }) }, data, ctx.device);
  const gpu = session.leader;
  if (!(gpu instanceof GpuEngine)) throw new Error('the CLI trains on the GPU engine');
  // Compiling the pipelines and, on a GPU, timing the matmul entry points (src/gpu/tune.ts).
  const buildSeconds = session.phases.compile + session.phases.tune;

  const started = performance.now();
  if (resumed) await restoreCheckpoint(session, resumed);
  const first = session.step;
  const last = first + steps;
  // Every step's metrics (bounded), so that --checkpoint keeps the run's loss history as the page does;
  // a resumed run's own history first.
  const log = new MetricsLog();
  if (resumed) log.add('gpu', checkpointHistory(resumed, 'gpu'));
  let lastReport = started;
  session.onMetrics = (engine, metrics) => {
    log.add(engine, metrics);
    const now = performance.now();
    const latest = metrics.at(-1);
    if (!latest || (now - lastReport < 1000 && latest.step + 1 < last)) return;
    lastReport = now;
    const loss = log.recentLoss(engine, 50);
    io.err(`step ${latest.step + 1}/${last}  epoch ${((latest.step + 1) / stepsPerEpoch).toFixed(2)}  loss ${loss.toFixed(5)}\n`);
  };
  for (let done = 0; done < steps; ) {
    const count = Math.min(STEPS_PER_ROUND, steps - done);
    session.run(count);
    done += count;
    await session.throttle();
  }
  await session.flush();
  const seconds = session.phases.upload + (performance.now() - started) / 1000;

  const evaluated = (await gpu.evaluate('train'))!;
  const result: Record<string, unknown> = {
    model: spec.kind,
    dataset: train.name,
    adapter: ctx.adapterName,
    ...(spec.kind === 'mlp'
      ? {
          hidden: spec.shape.hidden,
          ...(spec.shape.activation ? { activation: spec.shape.activation } : {}),
          ...(spec.shape.problem ? { problem: spec.shape.problem } : {}),
        }
      : { code: spec.shape.m }),
    batch,
    optimizer: session.optimizer,
    seed,
    ...(resumed ? { resumedFrom: first } : {}),
    // swishDerivative as before the gallery, for the scripts that read it.
    ...(plan.mistake !== 'none' ? { mistake: plan.mistake, ...(plan.mistake === 'swish-prime' ? { swishDerivative: 'wrong' } : {}) } : {}),
    ...(derivation === undefined ? {} : { derivation: flags.derive }),
    steps,
    epochs: steps / stepsPerEpoch,
    seconds,
    buildSeconds,
    matmulPaths: gpu.model.stepPaths(),
    stepsPerSecond: steps / seconds,
    finalLoss: evaluated.loss,
  };
  // A classifier's accuracy, or a regression's RMSE and R².
  const scores = (loss: number, set: DataSplit['train']) => regressionScores(loss, targetVariance(set));
  const regression = spec.kind === 'mlp' && spec.shape.problem === 'regression';
  if (regression) {
    const { rmse, r2 } = scores(evaluated.loss, train);
    Object.assign(result, { trainRMSE: rmse, trainR2: r2 });
  } else if (spec.kind === 'mlp') result.trainAccuracy = evaluated.accuracy;
  const t = test ? await gpu.evaluate('test') : null;
  if (t && test) {
    result.testLoss = t.loss;
    if (regression) {
      const { rmse, r2 } = scores(t.loss, test);
      Object.assign(result, { testRMSE: rmse, testR2: r2 });
    } else if (spec.kind === 'mlp') result.testAccuracy = t.accuracy;
  }
  if (spec.kind === 'autoencoder' && train.D <= PCA_MAX_FEATURES) {
    result.pcaBound = pcaBound(train.X, train.N, train.D, spec.shape.m, featureValues(train.X));
  }
  io.err(`done: ${steps} steps in ${seconds.toFixed(2)} s, loss over the training set ${evaluated.loss.toFixed(6)}\n`);

  // One read of the final state serves both files.
  const cp = typeof flags.save === 'string' || typeof flags.checkpoint === 'string' ? await captureCheckpoint(session, settings, log) : null;
  if (cp && typeof flags.save === 'string') {
    const saved: Record<string, unknown> = { model: spec.kind };
    for (const [name, shape] of specTensorShapes(spec)) saved[name] = toNested(cp.engines.gpu!.params[name]!, shape);
    await write(flags.save, `${JSON.stringify(saved)}\n`);
  }
  if (cp && typeof flags.checkpoint === 'string') await write(flags.checkpoint, serializeCheckpoint(cp));
  if (flags.json === true) io.out(`${JSON.stringify(result)}\n`);
  session.destroy();
  io.release(ctx);
  if (!Number.isFinite(evaluated.loss)) {
    // JSON writes a non-finite number as null: the exit status and this line say what it was.
    io.err(`error: the run ended with a loss over the training set of ${evaluated.loss}, not a finite number: try a lower --lr\n`);
    return 1;
  }
  return 0;
}

/**
 * Refuses, before any training, an output path that cannot be written: a folder, a folder that
 * does not exist, or one without write permission.
 */
async function checkWritable(path: string, flag: string): Promise<void> {
  const refuse = (why: string) => new UserError(`--${flag} ${path}: ${why}; nothing was trained`);
  const existing = await stat(path).catch(() => null);
  if (existing?.isDirectory()) throw refuse('is a folder, give a file name');
  const folder = dirname(path);
  const parent = await stat(folder).catch(() => null);
  if (!parent) throw refuse(`the folder ${folder} does not exist`);
  if (!parent.isDirectory()) throw refuse(`${folder} is not a folder`);
  await access(existing ? path : folder, constants.W_OK).catch(() => {
    throw refuse(existing ? 'the file cannot be written (permission)' : `the folder ${folder} cannot be written to (permission)`);
  });
}

async function write(path: string, text: string): Promise<void> {
  await writeFile(path, text).catch((e: Error) => {
    throw new UserError(`cannot write ${path}: ${e.message}`);
  });
}
