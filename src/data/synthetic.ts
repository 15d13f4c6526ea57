// Seeded 2-D toy sets (spiral, circles, xor, blobs) for watching a classifier's decision
// boundary form, and the one maker of every 2-D set with its test set (the regression sets are
// regression-sets.ts). The shapes are fixed; the seed only draws the points and their noise.

import { UserError } from '../base/errors';
import { Rng } from '../base/rng';
import { rowsAsFloats, type DataSplit, type Dataset } from './dataset';
import { expandFeatures, isPlain, PLAIN_FEATURES, type Feature } from './features';
import { isRegressionSet, regressionSet, REGRESSION_SETS, type RegressionSetName } from './regression-sets';

/** Options shared by every synthetic set. */
export interface SyntheticOptions {
  /** Number of samples N, 1..1e6; classes get sizes that differ by at most one. */
  n: number;
  /** Standard deviation of the Gaussian jitter added to each coordinate (>= 0). */
  noise: number;
  /** Seed for the point positions and the jitter. */
  seed: number;
}

/** Options of {@link spiral}. */
export interface SpiralOptions extends SyntheticOptions {
  /** Number of arms, which is also the number of classes (2..10, default 3). */
  arms?: number;
}

/** Options of {@link blobs}. */
export interface BlobsOptions extends SyntheticOptions {
  /** Number of clusters, which is also the number of classes (2..10, default 3). */
  centers?: number;
}

/** The names of the synthetic classification sets, as used in settings and on the command line. */
export const SYNTHETIC_SETS = ['spiral', 'circles', 'xor', 'blobs'] as const;

/** One of {@link SYNTHETIC_SETS}. */
export type SyntheticName = (typeof SYNTHETIC_SETS)[number];

const MAX_N = 1e6;
const MIN_CLASSES = 2;
const MAX_CLASSES = 10;
const D = 2;
/** How far each spiral arm turns, in radians, from its start to its tip. */
const SPIRAL_TURN = 1.5 * Math.PI;
const CIRCLE_RADII = [0.5, 1] as const;
const BLOB_RADIUS = 1;

/** K interleaved spiral arms from the centre out to radius 1; class k is arm k. */
export function spiral(opts: SpiralOptions): Dataset {
  const K = checkClasses(opts.arms ?? 3, 'arms');
  return generate('spiral', opts, K, (k, rng) => {
    const t = rng.next();
    const r = 0.05 + 0.95 * t;
    const angle = (2 * Math.PI * k) / K + SPIRAL_TURN * t;
    return [r * Math.cos(angle), r * Math.sin(angle)];
  });
}

/** Two concentric rings: class 0 is the inner ring (radius 0.5), class 1 the outer (radius 1). */
export function circles(opts: SyntheticOptions): Dataset {
  return generate('circles', opts, 2, (k, rng) => {
    const r = CIRCLE_RADII[k]!;
    const angle = rng.uniform(0, 2 * Math.PI);
    return [r * Math.cos(angle), r * Math.sin(angle)];
  });
}

/** Points uniform in [-1, 1]^2; class 0 where x and y have the same sign, class 1 where they differ. */
export function xor(opts: SyntheticOptions): Dataset {
  return generate('xor', opts, 2, (k, rng) => {
    const sx = rng.next() < 0.5 ? -1 : 1;
    const sy = k === 0 ? sx : -sx;
    return [sx * rng.next(), sy * rng.next()];
  });
}

/** Gaussian clusters (standard deviation = noise) centred evenly on the unit circle; class k is cluster k. */
export function blobs(opts: BlobsOptions): Dataset {
  const K = checkClasses(opts.centers ?? 3, 'centers');
  return generate('blobs', opts, K, (k) => {
    const angle = Math.PI / 2 + (2 * Math.PI * k) / K;
    return [BLOB_RADIUS * Math.cos(angle), BLOB_RADIUS * Math.sin(angle)];
  });
}

const GENERATORS: Record<SyntheticName | RegressionSetName, (opts: SpiralOptions & BlobsOptions) => Dataset> = {
  spiral,
  circles,
  xor,
  blobs,
  plane: (opts) => regressionSet('plane', opts),
  'gauss-mix': (opts) => regressionSet('gauss-mix', opts),
};

/** The test set's default share of all points: a test set a quarter the size of the training set. */
export const DEFAULT_TEST_SHARE = 0.2;

/**
 * A training set of `opts.n` points from `opts.seed` and, from the same distribution, a test set
 * from `opts.seed + 1` that makes `testShare` of all points (at least 1; none for a share of 0),
 * named `<name>/train` and `<name>/test`; the network's inputs are `features` of each point (x₁, x₂
 * by default), the points themselves kept as the split's plane.
 * @throws UserError for an unknown name or invalid options
 */
export function makeSynthetic(
  name: SyntheticName | RegressionSetName,
  opts: SpiralOptions & BlobsOptions & { testShare?: number; features?: readonly Feature[] },
): DataSplit {
  if (!(SYNTHETIC_SETS as readonly string[]).includes(name) && !isRegressionSet(name)) {
    throw new UserError(`unknown synthetic set '${String(name)}' (choose ${[...SYNTHETIC_SETS, ...REGRESSION_SETS].join(', ')})`);
  }
  checkCommon(opts);
  const share = opts.testShare ?? DEFAULT_TEST_SHARE;
  if (!(share >= 0 && share < 1)) throw new UserError(`the test share must be from 0 to below 1, not ${share}`);
  const make = GENERATORS[name];
  const train = { ...make(opts), name: `${name}/train` };
  const features = opts.features ?? PLAIN_FEATURES;
  if (share === 0) return withFeatures({ train }, features);
  const test = make({ ...opts, n: Math.max(Math.round((opts.n * share) / (1 - share)), 1), seed: opts.seed + 1 });
  return withFeatures({ train, test: { ...test, name: `${name}/test` } }, features);
}

// The split with the network's inputs made of `features`, and its plane kept for the views.
function withFeatures(split: DataSplit, features: readonly Feature[]): DataSplit {
  const expand = (set: Dataset): Dataset =>
    isPlain(features) ? set : { ...set, X: expandFeatures(rowsAsFloats(set, 0, set.N), set.N, features), D: features.length };
  return {
    train: expand(split.train),
    ...(split.test ? { test: expand(split.test) } : {}),
    plane: {
      features: [...features],
      train: rowsAsFloats(split.train, 0, split.train.N),
      ...(split.test ? { test: rowsAsFloats(split.test, 0, split.test.N) } : {}),
    },
  };
}

/** Draws sample i of class i % K from `point`, then adds the jitter. */
function generate(name: string, opts: SyntheticOptions, K: number, point: (k: number, rng: Rng) => readonly [number, number]): Dataset {
  checkCommon(opts);
  const { n: N, noise } = opts;
  const rng = new Rng(opts.seed);
  const X = new Float32Array(N * D); // [N, 2]
  const labels = new Uint32Array(N); // [N]
  for (let i = 0; i < N; i++) {
    const k = i % K;
    const [x, y] = point(k, rng);
    X[i * D] = x + noise * rng.normal();
    X[i * D + 1] = y + noise * rng.normal();
    labels[i] = k;
  }
  return { name, X, labels, N, D, classes: K };
}

function checkCommon(opts: SyntheticOptions): void {
  const { n, noise, seed } = opts;
  if (!Number.isInteger(n) || n < 1 || n > MAX_N) {
    throw new UserError(`synthetic data: n must be a whole number from 1 to ${MAX_N}, got ${n}`);
  }
  if (!Number.isFinite(noise) || noise < 0) {
    throw new UserError(`synthetic data: noise must be a finite number >= 0, got ${noise}`);
  }
  if (!Number.isInteger(seed)) {
    throw new UserError(`synthetic data: seed must be a whole number, got ${seed}`);
  }
}

function checkClasses(K: number, what: string): number {
  if (!Number.isInteger(K) || K < MIN_CLASSES || K > MAX_CLASSES) {
    throw new UserError(`synthetic data: ${what} must be a whole number from ${MIN_CLASSES} to ${MAX_CLASSES}, got ${K}`);
  }
  return K;
}
