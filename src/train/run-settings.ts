// What defines a training run — the model, the data, the architecture, the optimizer, the
// regularisation, the initialisation, the batch and the seed — with its defaults and ranges, and the
// one reader that checks such settings one by one: for the page's link, for a saved run and for the
// CLI's flags. How a run's settings and its data become a model spec is `planRun`, below.
import { UserError } from '../base/errors';
import type { DataSplit } from '../data/dataset';
import { FEATURES, PLAIN_FEATURES, type Feature } from '../data/features';
import { DEFAULT_TEST_SHARE } from '../data/synthetic';
import type { ModelSpec } from '../models/build';
import { ACTIVATIONS, type Activation } from '../reference/activations';
import { MISTAKES, mistakeProblem, type Mistake } from '../reference/mistakes';
import { activationField, activationOf, problemField, problemOf } from '../reference/mlp';
import { PROBLEMS, type Problem } from '../reference/problem';
import { DEFAULT_OPTIMIZER, type OptimizerKind, type OptimizerSettings } from '../reference/optimizer';
import { shorten } from '../base/quote';

export type ModelKind = 'mlp' | 'autoencoder';
export type DatasetChoice = 'mnist' | 'spiral' | 'circles' | 'xor' | 'blobs' | 'plane' | 'gauss-mix' | 'file';

/** The data sets of each problem, the first its default; a file of yours is read as either. */
export const PROBLEM_DATASETS: Readonly<Record<Problem, readonly DatasetChoice[]>> = {
  classification: ['spiral', 'circles', 'xor', 'blobs', 'mnist', 'file'],
  regression: ['plane', 'gauss-mix', 'file'],
};

/**
 * Why this data set cannot be trained for this problem (a regression on classes, or classes on real
 * targets), or null when it can. The autoencoder has no output to fit, so any set is its.
 */
export function datasetMismatch(s: Pick<RunSettings, 'model' | 'problem' | 'dataset'>): string | null {
  if (s.model !== 'mlp' || PROBLEM_DATASETS[s.problem].includes(s.dataset)) return null;
  return s.problem === 'regression'
    ? `a regression needs real targets, and ${s.dataset} has classes (choose ${PROBLEM_DATASETS.regression.join(', ')})`
    : `${s.dataset} has real targets, not classes: train it with problem=regression`;
}

export interface RunSettings {
  model: ModelKind;
  /** What the MLP's output is trained for: classes (softmax cross-entropy), or a real value (½ (z − t)²). */
  problem: Problem;
  /** 'file' is the user's own (the page's dropped file, the CLI's --data). */
  dataset: DatasetChoice;
  /** Size (training points) and noise of the 2-D sets. */
  samples: number;
  noise: number;
  /** The 2-D sets' test set as a share of all points (0: none); drawn from the same distribution. */
  testShare: number;
  /** The network's inputs on the 2-D sets, made of each point (x₁, x₂ by default). */
  features: Feature[];
  /** The MLP's hidden layers, input side first: 1 to 4 widths, each 1–4096 units on the page. */
  hidden: number[];
  /** The MLP's hidden activation f. */
  activation: Activation;
  /** Code size m of the autoencoder (at most the number of features). */
  code: number;
  batch: number;
  lr: number;
  optimizer: OptimizerKind;
  momentum: number;
  nesterov: boolean;
  beta1: number;
  beta2: number;
  /** L2 weight decay. */
  weightDecay: number;
  /** L1 regularisation λ₁ (adds λ₁ sign(p) to every parameter's gradient, as weight decay adds λp). */
  l1: number;
  /** Scale of the initial weights, N(0, scale²/fan_in). */
  initScale: number;
  seed: number;
  /**
   * The seed the 2-D sets' points are drawn from; 0 (the default, as before there was one): the run's
   * seed. The page's "regenerate" draws another, and the network keeps its weights.
   */
  dataSeed: number;
  /**
   * A backprop mistake of MATH.md's catalogue made in the GPU kernels and the reference alike
   * ('none': the correct backward pass); swish-prime is the seed's σ(v)(2 − σ(v)).
   */
  mistake: Mistake;
}

export const RUN_DEFAULTS: Readonly<RunSettings> = {
  model: 'mlp',
  dataset: 'spiral',
  samples: 600,
  noise: 0.03,
  testShare: DEFAULT_TEST_SHARE,
  features: [...PLAIN_FEATURES],
  hidden: [32],
  activation: 'swish',
  code: 1,
  batch: 32,
  lr: 0.01,
  optimizer: 'adam',
  momentum: 0.9,
  nesterov: false,
  beta1: 0.9,
  beta2: 0.999,
  weightDecay: 0,
  l1: 0,
  initScale: 1,
  seed: 1,
  dataSeed: 0,
  mistake: 'none',
  problem: 'classification',
};

/** A numeric field's range and the page's slider step; `int` ones must be whole numbers. */
export interface NumberRange {
  min: number;
  max: number;
  step: number;
  int?: boolean;
}

/** The page's ranges (its sliders, its links, the saved runs it takes). */
export const RUN_RANGES: Readonly<Record<string, NumberRange>> = {
  samples: { min: 50, max: 20000, step: 50, int: true },
  noise: { min: 0, max: 1, step: 0.01 },
  testShare: { min: 0, max: 0.9, step: 0.05 },
  hidden: { min: 1, max: 4096, step: 1, int: true },
  code: { min: 1, max: 784, step: 1, int: true },
  batch: { min: 1, max: 4096, step: 1, int: true },
  lr: { min: 0.00001, max: 10, step: 0.00001 },
  momentum: { min: 0, max: 0.999, step: 0.001 },
  beta1: { min: 0, max: 0.9999, step: 0.0001 },
  beta2: { min: 0, max: 0.99999, step: 0.00001 },
  weightDecay: { min: 0, max: 1, step: 0.0001 },
  l1: { min: 0, max: 1, step: 0.0001 },
  initScale: { min: 0.01, max: 10, step: 0.01 },
  seed: { min: 0, max: 2 ** 31 - 1, step: 1, int: true },
  dataSeed: { min: 0, max: 2 ** 31 - 1, step: 1, int: true },
};

/**
 * Where the CLI allows more than the page: bigger data, models and rates for experiments on a
 * real GPU (the adapter's limits still apply). A CLI run outside the page's ranges trains, but the
 * page will not resume its file (the CLI says so before the run).
 */
export const CLI_RANGES: Readonly<Record<string, NumberRange>> = widen({
  samples: [1, 1_000_000],
  noise: [0, 100],
  hidden: [1, 2 ** 31 - 1],
  code: [1, 2 ** 31 - 1],
  batch: [1, 2 ** 31 - 1],
  lr: [0, 1e6],
  momentum: [0, 1],
  beta1: [0, 1],
  beta2: [0, 1],
  weightDecay: [0, 1e6],
  l1: [0, 1e6],
  initScale: [0, 100],
  seed: [0, 2 ** 32 - 1],
  dataSeed: [0, 2 ** 32 - 1],
});

/** The page's ranges with these fields' [min, max] replaced (steps and integer-ness stay the page's). */
function widen(bounds: Readonly<Record<string, readonly [number, number]>>): Record<string, NumberRange> {
  const out: Record<string, NumberRange> = { ...RUN_RANGES };
  for (const [key, [min, max]] of Object.entries(bounds)) out[key] = { ...RUN_RANGES[key]!, min, max };
  return out;
}

/** List fields (written "32,16"): how many entries they take. */
export const LIST_LENGTHS: Readonly<Record<string, readonly [number, number]>> = {
  hidden: [1, 4],
  features: [1, FEATURES.length],
};

export const RUN_CHOICES: Readonly<Record<string, readonly string[]>> = {
  model: ['mlp', 'autoencoder'],
  activation: ACTIVATIONS,
  features: FEATURES,
  dataset: ['mnist', 'spiral', 'circles', 'xor', 'blobs', 'plane', 'gauss-mix', 'file'],
  problem: PROBLEMS,
  optimizer: ['sgd', 'momentum', 'adam'],
  mistake: MISTAKES,
};

/** Settings that only change how the optimizer steps: they apply live, without a rebuild. */
export const LIVE_RUN_KEYS: ReadonlySet<string> = new Set(['lr', 'optimizer', 'momentum', 'nesterov', 'beta1', 'beta2', 'weightDecay', 'l1']);

/** One refused value: which field, what it must be, and the raw text given. */
export interface FieldProblem {
  key: string;
  kind: 'boolean' | 'number' | 'choice' | 'list' | 'unknown';
  /** "must be an integer from 1 to 4096", "must be one of sgd, momentum, adam", … */
  expected: string;
  raw: string;
}

/** A field of a flat settings record: how its text is read. */
export type ScalarSpec = { kind: 'boolean' } | { kind: 'number'; range: NumberRange } | { kind: 'choice'; choices: readonly string[] };

/** A field of a flat settings record: a scalar, or a comma-separated list of numbers or choices. */
export type FieldSpec = ScalarSpec | { kind: 'list'; item: ScalarSpec; minLength: number; maxLength: number; distinct?: boolean };

/** A field's value as read: a list field gives an array. */
export type FieldValue = string | number | boolean | Array<string | number>;

/**
 * How each field of a record with these defaults is read, with the given ranges and choices; an
 * array default makes a list field, its entries read like a scalar of the same key, its lengths
 * from `lengths`.
 */
export function fieldSpecs(
  defaults: object,
  ranges: Readonly<Record<string, NumberRange>>,
  choices: Readonly<Record<string, readonly string[]>>,
  lengths: Readonly<Record<string, readonly [number, number]>> = {},
): Record<string, FieldSpec> {
  const scalar = (key: string, fallback: unknown): ScalarSpec =>
    typeof fallback === 'boolean'
      ? { kind: 'boolean' }
      : typeof fallback === 'number'
        ? { kind: 'number', range: ranges[key]! }
        : { kind: 'choice', choices: choices[key]! };
  const specs: Record<string, FieldSpec> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    if (Array.isArray(fallback)) {
      const [minLength, maxLength] = lengths[key]!;
      const item = scalar(key, fallback[0]);
      specs[key] = { kind: 'list', item, minLength, maxLength, ...(item.kind === 'choice' ? { distinct: true } : {}) };
    } else {
      specs[key] = scalar(key, fallback);
    }
  }
  return specs;
}

/** Two field values are the same setting (lists entry by entry). */
export function sameValue(a: unknown, b: unknown): boolean {
  return Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b;
}

/** A number as people write one: decimal, with an optional exponent ("0x10", "Infinity" and "" are not). */
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
/** A whole number written as one ("1e2" is not). */
const WHOLE = /^-?\d+$/;

/**
 * Reads one field's text: its value, or what it must be. The page's links and panel and the CLI's
 * flags read numbers alike: decimal only, and a whole number written as one.
 */
function readField(spec: FieldSpec, raw: string): { value: FieldValue } | { expected: string } {
  if (spec.kind === 'list') {
    const { item, minLength, maxLength } = spec;
    const count = minLength === maxLength ? `${minLength}` : `${minLength} to ${maxLength}`;
    const entries = raw.split(',').map((e) => e.trim());
    const values: Array<string | number> = [];
    for (const entry of entries) {
      const read = readField(item, entry);
      if ('expected' in read) return { expected: `must be ${count} comma-separated entries, each of which ${read.expected}` };
      values.push(read.value as string | number);
    }
    if (values.length < minLength || values.length > maxLength) {
      return { expected: `must be ${count} comma-separated entries (got ${values.length})` };
    }
    if (spec.distinct && new Set(values).size < values.length) return { expected: 'must not name an entry twice' };
    return { value: values };
  }
  if (spec.kind === 'boolean') {
    return raw === 'true' || raw === 'false' ? { value: raw === 'true' } : { expected: 'must be true or false' };
  }
  if (spec.kind === 'number') {
    const { min, max, int } = spec.range;
    const value = Number(raw);
    const badSyntax = !(int ? WHOLE : DECIMAL).test(raw.trim());
    if (badSyntax || !Number.isFinite(value) || value < min || value > max || (int && !Number.isInteger(value))) {
      return { expected: `must be ${int ? 'an integer' : 'a number'} from ${min} to ${max}` };
    }
    return { value };
  }
  return spec.choices.includes(raw) ? { value: raw } : { expected: `must be one of ${spec.choices.join(', ')}` };
}

/** How each run setting is read: with the page's ranges, or the CLI's wider ones. */
export function runFieldSpecs(scope: 'page' | 'cli'): Record<string, FieldSpec> {
  return fieldSpecs(RUN_DEFAULTS, scope === 'cli' ? CLI_RANGES : RUN_RANGES, RUN_CHOICES, LIST_LENGTHS);
}

/**
 * The one reader of flat settings: name/value pairs checked one by one against `specs`, in the
 * order given. A bad value is left out with a problem; so is an unknown key (a problem of kind
 * 'unknown').
 */
export function readFields(
  pairs: Iterable<[string, string]>,
  specs: Readonly<Record<string, FieldSpec>>,
): { values: Record<string, FieldValue>; problems: FieldProblem[] } {
  const values: Record<string, FieldValue> = {};
  const problems: FieldProblem[] = [];
  for (const [key, raw] of pairs) {
    const spec = Object.hasOwn(specs, key) ? specs[key]! : null;
    if (!spec) {
      problems.push({ key, kind: 'unknown', expected: 'is not a setting', raw });
      continue;
    }
    const read = readField(spec, raw);
    if ('expected' in read) problems.push({ key, kind: spec.kind, expected: read.expected, raw });
    else Object.defineProperty(values, key, { value: read.value, enumerable: true, writable: true, configurable: true });
  }
  return { values, problems };
}

/** "lr must be a number from 0.00001 to 10, not 'abc'", or "unknown setting 'x'" (the value cut short, on one line). */
export function describeProblem(p: FieldProblem): string {
  return p.kind === 'unknown' ? `unknown setting '${shorten(p.key)}'` : `${p.key} ${p.expected}, not '${shorten(p.raw)}'`;
}

/**
 * Run settings from name/value pairs (a saved run's, through runSettingPairs; the CLI's flags),
 * checked one by one: bad values are left at their defaults, each with a problem.
 * @param scope 'page' for the page's ranges, 'cli' for the CLI's wider ones (and strict integers)
 */
export function readRunSettings(pairs: Iterable<[string, string]>, scope: 'page' | 'cli' = 'page'): { settings: RunSettings; problems: FieldProblem[] } {
  const { values, problems } = readFields(renamedSettings(pairs), runFieldSpecs(scope));
  return { settings: { ...RUN_DEFAULTS, ...values } as RunSettings, problems };
}

/**
 * Earlier spellings in links and run files, each with what it reads as now (null: the default,
 * dropped): the one place they are mapped. wrongDerivative=true is mistake=swish-prime; the page's
 * engine=both is engine=race (the GPU against the float32 CPU engine).
 */
const OLD_SPELLINGS: Readonly<Record<string, Readonly<Record<string, readonly [string, string] | null>>>> = {
  wrongDerivative: { true: ['mistake', 'swish-prime'], false: null },
  engine: { both: ['engine', 'race'] },
};

/** Settings as links and run files made before a rename hold them, in today's spelling (see OLD_SPELLINGS). */
export function* renamedSettings(pairs: Iterable<[string, string]>): Iterable<[string, string]> {
  for (const [key, raw] of pairs) {
    const old = Object.hasOwn(OLD_SPELLINGS, key) ? OLD_SPELLINGS[key]! : {};
    const now = Object.hasOwn(old, raw) ? old[raw]! : [key, raw];
    if (now) yield [now[0], now[1]];
  }
}

/** Earlier names of run settings, which renamedSettings reads. */
const RENAMED_KEYS = ['wrongDerivative'];

/**
 * The run settings of a flat record (dropping the caller's other keys, keeping the earlier names
 * of renamed ones), as the name/value pairs a reader takes.
 */
export function runSettingPairs(record: Readonly<Record<string, unknown>>): Array<[string, string]> {
  return [...Object.keys(RUN_DEFAULTS), ...RENAMED_KEYS].filter((k) => Object.hasOwn(record, k)).map((k) => [k, String(record[k])]);
}

/** Run settings added after the first run files, left out of a saved run at their defaults. */
const NEWER_SETTINGS = ['activation', 'l1', 'testShare', 'features', 'dataSeed', 'mistake', 'problem'] as const;

/**
 * The settings record as a run file keeps it: without the newer settings where they are at their
 * defaults, so that a run that does not use them reads in the builds that came before them.
 */
export function savedSettings<T extends Record<string, unknown>>(record: T): Partial<T> {
  const out: Partial<T> = { ...record };
  for (const key of NEWER_SETTINGS) if (sameValue(out[key], RUN_DEFAULTS[key])) delete out[key];
  return out;
}

/** The seed the 2-D sets' points are drawn from: the data seed, or the run's where it is 0. */
export function dataSeedOf(s: Readonly<Pick<RunSettings, 'seed' | 'dataSeed'>>): number {
  return s.dataSeed > 0 ? s.dataSeed : s.seed;
}

/** The optimizer the run's settings describe. */
export function optimizerOf(s: Readonly<RunSettings>): OptimizerSettings {
  return {
    ...DEFAULT_OPTIMIZER,
    kind: s.optimizer,
    lr: s.lr,
    momentum: s.momentum,
    nesterov: s.nesterov,
    beta1: s.beta1,
    beta2: s.beta2,
    weightDecay: s.weightDecay,
    l1: s.l1,
  };
}

/** Everything the engines need to build a run, derived from its settings and its data. */
export interface RunPlan {
  spec: ModelSpec;
  batch: number;
  optimizer: OptimizerSettings;
  seed: number;
  initScale: number;
  /** The backprop mistake every engine makes on purpose ('none' where it cannot be made in this model). */
  mistake: Mistake;
  /** A student's derivation of the backward pass (src/derive), trained with on the GPU in place of the built-in one. */
  derivation?: string;
}

/** A setting the data forces down (a batch larger than the training set, a code wider than the data). */
export interface Adjustment {
  key: 'batch' | 'code';
  from: number;
  to: number;
  /** Says what was lowered and why, for the page's note. */
  note: string;
}

/**
 * The model spec and the rest of the plan for these settings on this data: inputs and classes come
 * from the data (an MLP has at least 2 outputs, and as many as the training or test set has classes).
 * Settings the data cannot take are lowered and listed in `adjusted`; the page notes them, the CLI
 * refuses them. A regression has one output and needs data with real targets.
 * @throws UserError where the data set does not fit the problem (see datasetMismatch)
 */
export function planRun(s: Readonly<RunSettings>, data: DataSplit): { plan: RunPlan; adjusted: Adjustment[] } {
  const { train, test } = data;
  const adjusted: Adjustment[] = [];
  let batch = s.batch;
  if (batch > train.N) {
    adjusted.push({ key: 'batch', from: batch, to: train.N, note: `batch size lowered to ${train.N}, the size of the training set` });
    batch = train.N;
  }
  let spec: ModelSpec;
  if (s.model === 'mlp') {
    const regression = s.problem === 'regression';
    if (regression !== (train.regression === true)) {
      throw new UserError(
        regression
          ? `a regression needs real targets, and ${train.name} has classes`
          : `${train.name} has real targets, not classes: train it with problem=regression`,
      );
    }
    const C = regression ? 1 : Math.max(2, train.classes, test?.classes ?? 0);
    spec = { kind: 'mlp', shape: { D: train.D, hidden: [...s.hidden], C, ...activationField(s.activation), ...problemField(s.problem) } };
  } else {
    let code = s.code;
    if (code > train.D) {
      adjusted.push({ key: 'code', from: code, to: train.D, note: `code size lowered to ${train.D}, the number of features` });
      code = train.D;
    }
    spec = { kind: 'autoencoder', shape: { n: train.D, m: code } };
  }
  const plan: RunPlan = {
    spec,
    batch,
    optimizer: optimizerOf(s),
    seed: s.seed,
    initScale: s.initScale,
    mistake: mistakeFor(spec, s.mistake),
  };
  return { plan, adjusted };
}

/** The mistake a run makes: the one asked for where it can be made in the model, else none. */
export function mistakeFor(spec: ModelSpec, mistake: Mistake): Mistake {
  const [activation, problem] = spec.kind === 'mlp' ? [activationOf(spec.shape), problemOf(spec.shape)] : [null, undefined];
  return mistakeProblem(mistake, spec.kind, activation, problem) === null ? mistake : 'none';
}
