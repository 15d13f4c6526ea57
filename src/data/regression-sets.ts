// Seeded 2-D regression sets after TensorFlow Playground's two: a plane and a mixture of Gaussians.
// Each point is uniform in [-1, 1]² (Playground's [-6, 6]² scaled down to this project's plane), its
// target a function of the clean point, and the coordinates then jittered as the classification
// sets' are: noise blurs where a point sits, not what it should be predicted to be.
import { Rng } from '../base/rng';
import { targetsAsLabels, type Dataset } from './dataset';

/** The regression sets, as used in settings and on the command line. */
export const REGRESSION_SETS = ['plane', 'gauss-mix'] as const;

/** One of {@link REGRESSION_SETS}. */
export type RegressionSetName = (typeof REGRESSION_SETS)[number];

/** Whether `name` is one of the regression sets. */
export function isRegressionSet(name: string): name is RegressionSetName {
  return (REGRESSION_SETS as readonly string[]).includes(name);
}

/** Playground's plane (x + y)/10 on [-6, 6]², on [-1, 1]²: t = 0.6 x₁ + 0.6 x₂, from −1.2 to 1.2. */
const PLANE_SLOPE = [0.6, 0.6] as const;

/**
 * Playground's six bumps on [-6, 6]² (centre x, centre y, sign), scaled to [-1, 1]²: three columns
 * of alternating sign in two rows.
 */
const BUMPS: ReadonlyArray<readonly [number, number, number]> = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
].map(([x, y, sign]) => [x! / 6, y! / 6, sign!] as const);
/** Each bump's standard deviation: Playground's bumps reach 0 at a distance of 2 (here 1/3), about 2σ. */
const BUMP_SIGMA = 1 / 6;

/** t = a·x₁ + b·x₂ (see PLANE_SLOPE). */
function planeTarget(x1: number, x2: number): number {
  return PLANE_SLOPE[0] * x1 + PLANE_SLOPE[1] * x2;
}

/** t = Σ_k s_k exp(−‖x − c_k‖² / 2σ²): six Gaussian bumps of sign s_k, from −1 to 1. */
function gaussMixTarget(x1: number, x2: number): number {
  let t = 0;
  for (const [cx, cy, sign] of BUMPS) t += sign * Math.exp(-((x1 - cx) ** 2 + (x2 - cy) ** 2) / (2 * BUMP_SIGMA ** 2));
  return t;
}

const TARGETS: Readonly<Record<RegressionSetName, (x1: number, x2: number) => number>> = { plane: planeTarget, 'gauss-mix': gaussMixTarget };

/**
 * N points of the set `name` from `seed`, each coordinate jittered by N(0, noise²); the targets are
 * the clean points'. The options are checked by makeSynthetic, which makes the test set beside it.
 */
export function regressionSet(name: RegressionSetName, opts: { n: number; noise: number; seed: number }): Dataset {
  const { n: N, noise } = opts;
  const rng = new Rng(opts.seed);
  const X = new Float32Array(N * 2); // [N, 2]
  const targets = new Float32Array(N); // [N]
  const target = TARGETS[name];
  for (let i = 0; i < N; i++) {
    const x1 = rng.uniform(-1, 1);
    const x2 = rng.uniform(-1, 1);
    targets[i] = target(x1, x2);
    X[2 * i] = x1 + noise * rng.normal();
    X[2 * i + 1] = x2 + noise * rng.normal();
  }
  return { name, X, labels: targetsAsLabels(targets), N, D: 2, classes: 1, regression: true };
}
