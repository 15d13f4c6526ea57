// The page's settings: the run's (src/train/run-settings.ts) and the page's own (engine choice,
// steps per frame, plot and check options) in one typed object for the panel, and their round trip
// through the URL hash so that a shared link reproduces a run (same seed, same curve).
import {
  datasetMismatch,
  describeProblem,
  PROBLEM_DATASETS,
  fieldSpecs,
  LIVE_RUN_KEYS,
  readFields,
  renamedSettings,
  runFieldSpecs,
  RUN_CHOICES,
  RUN_DEFAULTS,
  RUN_RANGES,
  sameValue,
  type NumberRange,
  type RunSettings,
} from '../train/run-settings';
import type { UserFileOptions } from '../data/user-file';
import type { EngineId } from '../train/engine';
import { DERIVE_LINK_KEYS } from './derive/derive-link';

export type { DatasetChoice, ModelKind } from '../train/run-settings';
/**
 * The engines a run trains on: 'cpu' is the float32 WebAssembly engine, 'race' runs the GPU against
 * it, 'gpu-reference' runs the GPU beside the float64 reference. Links and run files made before
 * spell the race 'both', which reads as 'race' (renamedSettings). (Before the float32 engine, 'cpu'
 * named the reference and 'both' the GPU beside it; such links now train on the faster engine.)
 */
export type EngineChoice = 'gpu' | 'cpu' | 'reference' | 'race' | 'gpu-reference';

/** The engines of each choice, the leader first. */
export const ENGINES_OF: Readonly<Record<EngineChoice, readonly EngineId[]>> = {
  gpu: ['gpu'],
  cpu: ['cpu'],
  reference: ['reference'],
  race: ['gpu', 'cpu'],
  'gpu-reference': ['gpu', 'reference'],
};

/** Whether a choice needs a GPU device (without one the page falls back to 'cpu'). */
export function needsGpu(choice: EngineChoice): boolean {
  return ENGINES_OF[choice].includes('gpu');
}

/** What is the page's own: how it runs and shows a run, not what the run computes. */
export interface PageOptions {
  /** Steps a frame trains; 0 (the default): as many as fit in the frame's time budget (see training-loop.ts). */
  stepsPerFrame: number;
  engine: EngineChoice;
  logScale: boolean;
  /** Steps between gradient checks while training; 0 checks only on demand. */
  checkEvery: number;
  /**
   * A find-the-bug exercise's seed (0: none): the run makes a mistake drawn from it, hidden from
   * the student until they pick the equation they believe is wrong.
   */
  exercise: number;
}

/** The page's settings: the run's definition (train/run-settings.ts) and how the page runs and shows it. */
export type PageSettings = RunSettings & PageOptions;

/** How a file of the user's is read for these settings: its last column a class, a real target (a regression) or a feature. */
export function userFileOptions(s: Pick<RunSettings, 'model' | 'problem'>): UserFileOptions {
  return { labelled: s.model === 'mlp', regression: s.model === 'mlp' && s.problem === 'regression' };
}

const { mistake, ...runFirst } = RUN_DEFAULTS;

/** In the order of the links and saved runs made before the run definition had a file of its own. */
export const DEFAULTS: Readonly<PageSettings> = {
  ...runFirst,
  stepsPerFrame: 0,
  engine: 'gpu',
  logScale: false,
  mistake,
  checkEvery: 200,
  exercise: 0,
};

/** Numeric fields: their range and step (the run's, then the page's own). */
export const RANGES: Readonly<Record<string, NumberRange>> = {
  ...RUN_RANGES,
  stepsPerFrame: { min: 0, max: 256, step: 1, int: true },
  checkEvery: { min: 0, max: 100000, step: 10, int: true },
  exercise: { min: 0, max: 2 ** 31 - 1, step: 1, int: true },
};

export const CHOICES: Readonly<Record<string, readonly string[]>> = { ...RUN_CHOICES, engine: Object.keys(ENGINES_OF) };

/** Settings that apply live, without a rebuild: the optimizer's and the page's display options. */
export const LIVE_KEYS: ReadonlySet<keyof PageSettings> = new Set<keyof PageSettings>([
  ...(LIVE_RUN_KEYS as ReadonlySet<keyof PageSettings>),
  'stepsPerFrame',
  'logScale',
  'checkEvery',
]);

/** Every field of the page's settings: the run's as the run definition reads them, then the page's own. */
const FIELDS = {
  ...runFieldSpecs('page'),
  ...fieldSpecs({ stepsPerFrame: 0, engine: '', logScale: false, checkEvery: 0, exercise: 0 } satisfies Record<keyof PageOptions, unknown>, RANGES, CHOICES),
};

/**
 * Writes the settings that differ from the defaults into a URL hash ("#model=mlp&lr=0.1"); an
 * exercise's link names its seed, never its mistake.
 */
export function encodeHash(s: PageSettings): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULTS) as Array<keyof PageSettings>) {
    if (key === 'mistake' && s.exercise > 0) continue;
    if (!sameValue(s[key], DEFAULTS[key]) && !(key === 'dataset' && s[key] === 'file')) params.set(key, String(s[key]));
  }
  const text = params.toString();
  return text ? `#${text}` : '';
}

/**
 * Reads settings from a URL hash. Unknown keys and bad values are ignored, each with a message:
 * a hostile or mistyped link never breaks the page.
 */
export function decodeHash(hash: string): { settings: PageSettings; problems: string[]; refused: Array<keyof PageSettings> } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  // The link's hide list (teacher.ts) and a derivation (derive/derive-link.ts) are the page's, not settings.
  for (const key of ['hide', ...DERIVE_LINK_KEYS]) params.delete(key);
  if (params.toString().length > 4096) return { settings: { ...DEFAULTS }, problems: ['the link is too long; using the default settings'], refused: [] };
  const result = readSettings(params);
  if (result.settings.dataset === 'file') {
    result.settings.dataset = DEFAULTS.dataset;
    result.problems.push(`dataset=file names a file of yours, which a link cannot carry: load it with "load data…" (using ${DEFAULTS.dataset} meanwhile)`);
  }
  fitProblem(result.settings, result.problems);
  return result;
}

/**
 * Settings from name/value pairs (a link's, or a saved run's), through the run definition's reader
 * with the page's own fields beside the run's: unknown keys and bad values are left at their
 * defaults, each with a message, in the order given.
 */
export function readSettings(pairs: Iterable<[string, string]>): { settings: PageSettings; problems: string[]; refused: Array<keyof PageSettings> } {
  const { values, problems } = readFields(renamedSettings(pairs), FIELDS);
  const refused = problems.filter((p) => p.kind !== 'unknown').map((p) => p.key as keyof PageSettings);
  return { settings: { ...DEFAULTS, ...values } as PageSettings, problems: problems.map(describeProblem), refused };
}

/**
 * A link whose data set does not fit its problem, made to fit, with a note: a regression set named
 * alone means a regression (dataset=plane is enough); a regression on a set of classes trains on the
 * first regression set instead.
 */
function fitProblem(s: PageSettings, problems: string[]): void {
  const mismatch = datasetMismatch(s);
  if (!mismatch) return;
  if (s.problem === 'classification') {
    s.problem = 'regression';
    problems.push(`dataset=${s.dataset} has real targets: reading problem=regression`);
  } else {
    const instead = PROBLEM_DATASETS.regression[0]!;
    problems.push(`problem=regression: ${mismatch}; using ${instead}`);
    s.dataset = instead;
  }
}
