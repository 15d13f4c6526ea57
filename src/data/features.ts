// Input features of the 2-D sets, as TensorFlow Playground offers them: the network sees any choice
// of x₁, x₂, x₁², x₂², x₁x₂, sin x₁ and sin x₂ of each point (D follows the choice), while the views
// keep drawing the points on their plane. Points in, numbers out: a leaf, so dataset.ts can name the Plane.

export const FEATURES = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'] as const;
export type Feature = (typeof FEATURES)[number];

/** The seed's inputs: the point itself. */
export const PLAIN_FEATURES: readonly Feature[] = ['x1', 'x2'];

/** How each feature is written for people. */
export const FEATURE_LABELS: Readonly<Record<Feature, string>> = {
  x1: 'x₁',
  x2: 'x₂',
  x1sq: 'x₁²',
  x2sq: 'x₂²',
  x1x2: 'x₁x₂',
  sinx1: 'sin x₁',
  sinx2: 'sin x₂',
};

const FEATURE_OF: Readonly<Record<Feature, (x1: number, x2: number) => number>> = {
  x1: (x1) => x1,
  x2: (_, x2) => x2,
  x1sq: (x1) => x1 * x1,
  x2sq: (_, x2) => x2 * x2,
  x1x2: (x1, x2) => x1 * x2,
  sinx1: (x1) => Math.sin(x1),
  sinx2: (_, x2) => Math.sin(x2),
};

/** The plane behind a 2-D set: its features and each set's points [N, 2] as drawn. */
export interface Plane {
  features: readonly Feature[];
  train: Float32Array;
  test?: Float32Array;
}

/** [n, features.length] from points [n, 2], row by row. */
export function expandFeatures(points: ArrayLike<number>, n: number, features: readonly Feature[]): Float32Array {
  const F = features.length;
  const fns = features.map((f) => FEATURE_OF[f]);
  const out = new Float32Array(n * F);
  for (let i = 0; i < n; i++) {
    const x1 = points[2 * i]!;
    const x2 = points[2 * i + 1]!;
    for (let j = 0; j < F; j++) out[i * F + j] = fns[j]!(x1, x2);
  }
  return out;
}

/** `features` with `feature` switched on or off, in FEATURES' order; the last one left stays on. */
export function switchFeature(features: readonly Feature[], feature: Feature): Feature[] {
  const on = !features.includes(feature);
  const next = FEATURES.filter((f) => (f === feature ? on : features.includes(f)));
  return next.length > 0 ? next : [...features];
}

/** Whether these are the plain inputs x₁, x₂ in that order (the data is then used as it is). */
export function isPlain(features: readonly Feature[]): boolean {
  return features.length === 2 && features[0] === 'x1' && features[1] === 'x2';
}
