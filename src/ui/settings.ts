// The page's whole configuration in one typed object, with its ranges, and its round trip through
// the URL hash so that a shared link reproduces a run (same seed, same curve).
import { shorten } from '../base/quote';
import type { OptimizerKind } from '../reference/optimizer';

export type ModelKind = 'mlp' | 'autoencoder';
export type DatasetChoice = 'mnist' | 'spiral' | 'circles' | 'xor' | 'blobs' | 'file';
export type EngineChoice = 'gpu' | 'cpu' | 'both';

export interface Settings {
  model: ModelKind;
  dataset: DatasetChoice;
  /** Size and noise of the 2-D sets. */
  samples: number;
  noise: number;
  hidden: number;
  code: number;
  batch: number;
  lr: number;
  optimizer: OptimizerKind;
  momentum: number;
  nesterov: boolean;
  beta1: number;
  beta2: number;
  weightDecay: number;
  initScale: number;
  seed: number;
  stepsPerFrame: number;
  engine: EngineChoice;
  logScale: boolean;
  /** Trains with the known-wrong swish' σ(v)(2 − σ(v)) in the GPU kernel and the reference (MATH.md). */
  wrongDerivative: boolean;
  /** Steps between gradient checks while training; 0 checks only on demand. */
  checkEvery: number;
}

export const DEFAULTS: Settings = {
  model: 'mlp',
  dataset: 'spiral',
  samples: 600,
  noise: 0.03,
  hidden: 32,
  code: 1,
  batch: 32,
  lr: 0.01,
  optimizer: 'adam',
  momentum: 0.9,
  nesterov: false,
  beta1: 0.9,
  beta2: 0.999,
  weightDecay: 0,
  initScale: 1,
  seed: 1,
  stepsPerFrame: 4,
  engine: 'gpu',
  logScale: false,
  wrongDerivative: false,
  checkEvery: 200,
};

/** Numeric fields: their range and step; `int` ones must be whole numbers. */
export const RANGES: Record<string, { min: number; max: number; step: number; int?: boolean }> = {
  samples: { min: 50, max: 20000, step: 50, int: true },
  noise: { min: 0, max: 1, step: 0.01 },
  hidden: { min: 1, max: 4096, step: 1, int: true },
  code: { min: 1, max: 784, step: 1, int: true },
  batch: { min: 1, max: 4096, step: 1, int: true },
  lr: { min: 0.00001, max: 10, step: 0.00001 },
  momentum: { min: 0, max: 0.999, step: 0.001 },
  beta1: { min: 0, max: 0.9999, step: 0.0001 },
  beta2: { min: 0, max: 0.99999, step: 0.00001 },
  weightDecay: { min: 0, max: 1, step: 0.0001 },
  initScale: { min: 0.01, max: 10, step: 0.01 },
  seed: { min: 0, max: 2 ** 31 - 1, step: 1, int: true },
  stepsPerFrame: { min: 1, max: 256, step: 1, int: true },
  checkEvery: { min: 0, max: 100000, step: 10, int: true },
};

export const CHOICES: Record<string, readonly string[]> = {
  model: ['mlp', 'autoencoder'],
  dataset: ['mnist', 'spiral', 'circles', 'xor', 'blobs', 'file'],
  optimizer: ['sgd', 'momentum', 'adam'],
  engine: ['gpu', 'cpu', 'both'],
};

/** Settings that only change how the optimizer steps: they apply live, without a rebuild. */
export const LIVE_KEYS: ReadonlySet<keyof Settings> = new Set<keyof Settings>([
  'lr', 'optimizer', 'momentum', 'nesterov', 'beta1', 'beta2', 'weightDecay', 'stepsPerFrame', 'logScale', 'checkEvery',
]);

/** Writes the settings that differ from the defaults into a URL hash ("#model=mlp&lr=0.1"). */
export function encodeHash(s: Settings): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULTS) as Array<keyof Settings>) {
    if (s[key] !== DEFAULTS[key] && !(key === 'dataset' && s[key] === 'file')) params.set(key, String(s[key]));
  }
  const text = params.toString();
  return text ? `#${text}` : '';
}

/**
 * Reads settings from a URL hash. Unknown keys and bad values are ignored, each with a message:
 * a hostile or mistyped link never breaks the page.
 */
export function decodeHash(hash: string): { settings: Settings; problems: string[] } {
  if (hash.length > 4096) return { settings: { ...DEFAULTS }, problems: ['the link is too long; using the default settings'] };
  const result = readSettings(new URLSearchParams(hash.replace(/^#/, '')));
  if (result.settings.dataset === 'file') result.settings.dataset = DEFAULTS.dataset; // a file cannot travel in a link
  return result;
}

/**
 * Settings from name/value pairs (a link's, or a saved run's), checked one by one like a link's:
 * unknown keys and bad values are left at their defaults, each with a message.
 */
export function readSettings(pairs: Iterable<[string, string]>): { settings: Settings; problems: string[] } {
  const settings: Settings = { ...DEFAULTS };
  const problems: string[] = [];
  for (const [key, raw] of pairs) {
    if (!Object.hasOwn(DEFAULTS, key)) {
      problems.push(`unknown setting '${shorten(key)}'`);
      continue;
    }
    const problem = assign(settings, key as keyof Settings, raw);
    if (problem) problems.push(problem);
  }
  return { settings, problems };
}

function assign(settings: Settings, key: keyof Settings, raw: string): string | null {
  const shown = shorten(raw);
  const fallback = DEFAULTS[key];
  if (typeof fallback === 'boolean') {
    if (raw !== 'true' && raw !== 'false') return `${key} must be true or false, not '${shown}'`;
    (settings as unknown as Record<string, unknown>)[key] = raw === 'true';
    return null;
  }
  if (typeof fallback === 'number') {
    const range = RANGES[key]!;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < range.min || value > range.max || (range.int && !Number.isInteger(value))) {
      return `${key} must be ${range.int ? 'an integer' : 'a number'} from ${range.min} to ${range.max}, not '${shown}'`;
    }
    (settings as unknown as Record<string, unknown>)[key] = value;
    return null;
  }
  if (!CHOICES[key]!.includes(raw)) return `${key} must be one of ${CHOICES[key]!.join(', ')}, not '${shown}'`;
  (settings as unknown as Record<string, unknown>)[key] = raw;
  return null;
}
