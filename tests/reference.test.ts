// The float64 reference checked against calculus (central differences), against the
// shared fixed cases, and against hand computations; the GPU is tested against it.

import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIVATION_FUNCTIONS, ACTIVATIONS, sigmoid, swish, swishPrime, swishPrimeWrong, type Activation } from '../src/reference/activations';
import { autoencoderGradient, type AutoencoderShape } from '../src/reference/autoencoder';
import { centralDifferences, checkAutoencoder, checkMlp } from '../src/reference/finite-differences';
import { colsum, matmul, relativeError, worstElement } from '../src/reference/linalg';
import {
  checkMlpShape,
  describeMlp as describeShape,
  mlpForward,
  mlpGradients,
  mlpTensorNames,
  mlpTensorShapes,
  type MlpParams,
  type MlpShape,
} from '../src/reference/mlp';
import { DEFAULT_OPTIMIZER, newOptimizerState, optimizerStep, type OptimizerSettings } from '../src/reference/optimizer';
import { pcaBound, secondMoment, symmetricEigen } from '../src/reference/pca';
import { Rng } from '../src/base/rng';

const SEEDS = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89];

function normals(rng: Rng, size: number, scale = 1): Float64Array {
  return Float64Array.from({ length: size }, () => scale * rng.normal());
}

interface MlpCase {
  shape: MlpShape;
  params: MlpParams;
  X: Float64Array;
  labels: Uint32Array;
  B: number;
}

/** Random sizes and values, `depth` hidden layers; weights scaled by 1/√fan-in so the softmax does not saturate. */
function randomMlpCase(seed: number, depth = 1): MlpCase {
  const rng = new Rng(seed);
  const B = 1 + rng.int(7);
  const D = 1 + rng.int(9);
  const hidden = Array.from({ length: depth }, () => 1 + rng.int(8));
  const C = 2 + rng.int(5);
  const shape = { D, hidden, C };
  const params: MlpParams = {};
  for (const [name, dims] of Object.entries(mlpTensorShapes(shape))) {
    params[name] = dims.length === 2 ? normals(rng, dims[0]! * dims[1]!, 1 / Math.sqrt(dims[1]!)) : normals(rng, dims[0]!, 0.5);
  }
  const labels = Uint32Array.from({ length: B }, () => rng.int(C));
  return { shape, params, X: normals(rng, B * D), labels, B };
}

function randomAutoencoderCase(seed: number): { shape: AutoencoderShape; W: Float64Array; X: Float64Array; B: number } {
  const rng = new Rng(seed);
  const B = 1 + rng.int(7);
  const n = 2 + rng.int(8);
  const m = 1 + rng.int(n - 1);
  return { shape: { n, m }, W: normals(rng, m * n, 1 / Math.sqrt(n)), X: normals(rng, B * n), B };
}

function describeMlp({ shape, B }: MlpCase): string {
  return `B=${B} D=${shape.D} hidden=${shape.hidden.join(',')} C=${shape.C}`;
}

describe('reference gradients agree with central differences', () => {
  let worstMlp = 0;
  let worstAutoencoder = 0;

  it.each(SEEDS)('MLP, every tensor within 1e-6 (seed %i)', (seed) => {
    const c = randomMlpCase(seed);
    const errors = checkMlp(c.shape, c.params, c.X, c.labels, c.B);
    for (const name of mlpTensorNames(c.shape)) {
      expect(errors[name], `${name} at ${describeMlp(c)}`).toBeLessThanOrEqual(1e-6);
      worstMlp = Math.max(worstMlp, errors[name]!);
    }
  });

  for (const depth of [1, 2, 3, 4]) {
    it.each(ACTIVATIONS)(`MLP with ${depth} hidden layer(s) of %s, every tensor of every layer within 1e-6`, (activation) => {
      let checked = 0;
      for (const seed of SEEDS) {
        const c = randomMlpCase(seed, depth);
        const shape = { ...c.shape, activation };
        // ReLU away from its kink: a central difference that straddles v = 0 differentiates nothing.
        const { V } = mlpForward(shape, c.params, c.X, c.labels, c.B);
        if (activation === 'relu' && V.some((layer) => layer.some((v) => Math.abs(v) < 1e-3))) continue;
        const errors = checkMlp(shape, c.params, c.X, c.labels, c.B);
        expect(Object.keys(errors)).toEqual(mlpTensorNames(shape));
        for (const name of mlpTensorNames(shape)) expect(errors[name], `${name} at ${describeMlp(c)}`).toBeLessThanOrEqual(1e-6);
        if (++checked === 4) break;
      }
      expect(checked, 'cases away from the kink').toBeGreaterThanOrEqual(2);
    });
  }

  it.each(SEEDS)('autoencoder W within 1e-6 (seed %i)', (seed) => {
    const c = randomAutoencoderCase(seed);
    const { W: error } = checkAutoencoder(c.shape, c.W, c.X, c.B);
    expect(error, `B=${c.B} n=${c.shape.n} m=${c.shape.m}`).toBeLessThanOrEqual(1e-6);
    worstAutoencoder = Math.max(worstAutoencoder, error);
  });

  afterAll(() => {
    console.info(`worst finite-difference error: MLP ${worstMlp.toExponential(2)}, autoencoder ${worstAutoencoder.toExponential(2)}`);
  });

  it('centralDifferences restores the point it perturbs', () => {
    const x = Float64Array.from([0.3, -1.7, 2.5]);
    const copy = Float64Array.from(x);
    const grad = centralDifferences((v) => v[0]! * v[1]! + v[2]! ** 3, x);
    expect(Array.from(x)).toEqual(Array.from(copy));
    expect(relativeError(grad, [-1.7, 0.3, 3 * 2.5 ** 2])).toBeLessThan(1e-9);
  });
});

describe('the gradient check fails for the wrong swish derivative', () => {
  it.each(SEEDS)('W1 and b1 off by more than 1e-2, W2 and b2 still within 1e-6 (seed %i)', (seed) => {
    const c = randomMlpCase(seed);
    const errors = checkMlp(c.shape, c.params, c.X, c.labels, c.B, { mistake: 'swish-prime' });
    const at = describeMlp(c);
    expect(errors.W1, `W1 at ${at}`).toBeGreaterThan(1e-2);
    expect(errors.b1, `b1 at ${at}`).toBeGreaterThan(1e-2);
    expect(errors.W2, `W2 at ${at}`).toBeLessThanOrEqual(1e-6);
    expect(errors.b2, `b2 at ${at}`).toBeLessThanOrEqual(1e-6);
  });

  it('at depth 3, every tensor below the output layer is off, the output layer is not', () => {
    const c = randomMlpCase(4, 3);
    const errors = checkMlp(c.shape, c.params, c.X, c.labels, c.B, { mistake: 'swish-prime' });
    for (const name of ['W1', 'b1', 'W2', 'b2', 'W3', 'b3']) expect(errors[name], name).toBeGreaterThan(1e-2);
    expect(errors.W4).toBeLessThanOrEqual(1e-6);
    expect(errors.b4).toBeLessThanOrEqual(1e-6);
  });
});

/** A regression of `depth` hidden layers: random sizes, one linear output, real targets of about the output's size. */
function randomRegressionCase(
  seed: number,
  depth: number,
  activation: Activation,
): { shape: MlpShape; params: MlpParams; X: Float64Array; targets: Float64Array; B: number } {
  const c = randomMlpCase(seed, depth);
  const shape: MlpShape = { ...c.shape, C: 1, activation, problem: 'regression' };
  const rng = new Rng(seed + 1000);
  const params = { ...c.params };
  for (const [name, dims] of Object.entries(mlpTensorShapes(shape))) {
    if (name === `W${depth + 1}` || name === `b${depth + 1}`)
      params[name] = normals(
        rng,
        dims.reduce((a, b) => a * b, 1),
        0.7,
      );
  }
  return { shape, params, X: c.X, targets: normals(rng, c.B), B: c.B };
}

describe('the regression (linear output, L = ½ (z − t)²)', () => {
  for (const depth of [1, 2, 3, 4]) {
    it.each(ACTIVATIONS)(`${depth} hidden layer(s) of %s: every tensor of every layer within 1e-6 of central differences`, (activation) => {
      let checked = 0;
      for (const seed of SEEDS) {
        const c = randomRegressionCase(seed, depth, activation);
        const { V } = mlpForward(c.shape, c.params, c.X, c.targets, c.B);
        if (activation === 'relu' && V.some((layer) => layer.some((v) => Math.abs(v) < 1e-3))) continue;
        const errors = checkMlp(c.shape, c.params, c.X, c.targets, c.B);
        expect(Object.keys(errors)).toEqual(mlpTensorNames(c.shape));
        for (const name of mlpTensorNames(c.shape)) expect(errors[name], `${name} at B=${c.B} ${describeShape(c.shape)}`).toBeLessThanOrEqual(1e-6);
        if (++checked === 4) break;
      }
      expect(checked, 'cases away from the kink').toBeGreaterThanOrEqual(2);
    });
  }

  it('computes L = mean ½ (z − t)² and G_Z = (z − t) / B by hand, with no accuracy', () => {
    const shape: MlpShape = { D: 1, hidden: [1], C: 1, activation: 'linear', problem: 'regression' };
    const params = { W1: Float64Array.of(2), b1: Float64Array.of(0), W2: Float64Array.of(1.5), b2: Float64Array.of(-1) };
    // z = 1.5 · 2x − 1: x = 1 gives 2, x = −1 gives −4.
    const r = mlpGradients(shape, params, Float64Array.of(1, -1), Float64Array.of(0.5, -3), 2);
    expect(Array.from(r.Z)).toEqual([2, -4]);
    expect(r.loss).toBeCloseTo((0.5 * 1.5 ** 2 + 0.5 * 1) / 2, 14);
    expect(Array.from(r.GZ)).toEqual([0.75, -0.5]);
    expect(r.correct).toBe(0);
    expect(Array.from(r.grads.b2!)).toEqual([0.25]);
  });

  it('takes real targets only, has one output, and refuses the mistakes a regression cannot show', () => {
    const c = randomRegressionCase(3, 2, 'tanh');
    expect(() => mlpForward(c.shape, c.params, c.X, new Uint32Array(c.B), c.B)).toThrow(/real numbers/);
    expect(() => mlpForward({ ...c.shape, problem: undefined }, c.params, c.X, c.targets, c.B)).toThrow(/class indices/);
    expect(() => checkMlpShape({ D: 2, hidden: [3], C: 2, problem: 'regression' })).toThrow(/one output/);
    for (const mistake of ['no-one-hot', 'w2-layout'] as const) {
      expect(() => mlpGradients(c.shape, c.params, c.X, c.targets, c.B, { mistake })).toThrow(RangeError);
    }
    // No 1/B: every gradient B times the mean loss's.
    const right = mlpGradients(c.shape, c.params, c.X, c.targets, c.B).grads;
    const summed = mlpGradients(c.shape, c.params, c.X, c.targets, c.B, { mistake: 'no-batch-mean' }).grads;
    for (const name of mlpTensorNames(c.shape))
      expect(
        relativeError(
          summed[name]!,
          right[name]!.map((g) => g * c.B),
        ),
      ).toBeLessThan(1e-12);
  });
});

describe('MLP shapes', () => {
  it('names W1, b1 … WL, bL in layout order, each weight [fan-out, fan-in]', () => {
    const shape = { D: 5, hidden: [4, 3], C: 2 };
    expect(mlpTensorNames(shape)).toEqual(['W1', 'b1', 'W2', 'b2', 'W3', 'b3']);
    expect(mlpTensorShapes(shape)).toEqual({ W1: [4, 5], b1: [4], W2: [3, 4], b2: [3], W3: [2, 3], b3: [2] });
  });

  it('refuses no hidden layer, more than 4, and a width that is not a positive integer', () => {
    expect(() => checkMlpShape({ D: 2, hidden: [], C: 2 })).toThrow(/1 to 4 hidden layers/);
    expect(() => checkMlpShape({ D: 2, hidden: [3, 3, 3, 3, 3], C: 2 })).toThrow(/1 to 4 hidden layers, not 5/);
    expect(() => checkMlpShape({ D: 2, hidden: [3, 0], C: 2 })).toThrow(/H2 must be a positive integer/);
  });
});

describe('the shared fixed cases', () => {
  const casesDir = new URL('./cases/', import.meta.url);
  const readJson = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(name, casesDir), 'utf8')) as Record<string, unknown>;
  /** Row-major flattening of the cases' nested arrays. */
  const flat = (value: unknown): Float64Array => Float64Array.from((value as number[] | number[][]).flat());
  const rows = (value: unknown): number => (value as unknown[]).length;

  it('mlp-small: loss and gradients match to 1e-9', () => {
    const input = readJson('mlp-small.json');
    const expected = readJson('mlp-small.expected.json');
    const expectedGrads = expected.grads as Record<string, unknown>;
    const B = rows(input.X);
    const H = rows(input.W1);
    const C = rows(input.W2);
    const D = flat(input.X).length / B;
    const params = { W1: flat(input.W1), b1: flat(input.b1), W2: flat(input.W2), b2: flat(input.b2) };
    const labels = Uint32Array.from(input.labels as number[]);
    const shape = { D, hidden: [H], C };
    const { loss, grads } = mlpGradients(shape, params, flat(input.X), labels, B);

    expect(relativeError([loss], [expected.loss as number])).toBeLessThanOrEqual(1e-9);
    for (const name of mlpTensorNames(shape)) {
      const want = flat(expectedGrads[name]);
      expect(relativeError(grads[name]!, want), `${name}: ${JSON.stringify(worstElement(grads[name]!, want))}`).toBeLessThanOrEqual(1e-9);
    }
  });

  it('autoencoder-small: loss and gradient match to 1e-9', () => {
    const input = readJson('autoencoder-small.json');
    const expected = readJson('autoencoder-small.expected.json');
    const B = rows(input.X);
    const m = rows(input.W);
    const W = flat(input.W);
    const { loss, dW } = autoencoderGradient({ n: W.length / m, m }, W, flat(input.X), B);
    const want = flat((expected.grads as Record<string, unknown>).W);

    expect(relativeError([loss], [expected.loss as number])).toBeLessThanOrEqual(1e-9);
    expect(relativeError(dW, want), JSON.stringify(worstElement(dW, want))).toBeLessThanOrEqual(1e-9);
  });
});

describe('MLP forward details', () => {
  it('counts ties as the lowest index and rejects labels outside [0, C)', () => {
    const shape = { D: 2, hidden: [2], C: 3 };
    // W2 = 0 makes every logit equal to b2, so all three classes tie.
    const params = {
      W1: Float64Array.from([1, -2, 0.5, 3]),
      b1: Float64Array.from([0.1, -0.2]),
      W2: new Float64Array(6),
      b2: Float64Array.from([0.4, 0.4, 0.4]),
    };
    const X = Float64Array.from([0.7, -1.1, 2.3, 0.9]);
    const forward = mlpForward(shape, params, X, Uint32Array.from([0, 1]), 2);
    expect(forward.correct).toBe(1);
    expect(forward.loss).toBeCloseTo(Math.log(3), 14);
    expect(() => mlpForward(shape, params, X, Uint32Array.from([0, 3]), 2)).toThrow(RangeError);
  });

  it('loss stays finite for logits in the thousands', () => {
    const shape = { D: 1, hidden: [1], C: 2 };
    const params = { W1: Float64Array.from([1]), b1: Float64Array.from([0]), W2: Float64Array.from([1, -1]), b2: Float64Array.from([0, 0]) };
    const forward = mlpForward(shape, params, Float64Array.from([1000]), Uint32Array.from([1]), 1);
    expect(forward.loss).toBeCloseTo(2000, 9);
  });
});

describe('sigmoid and swish', () => {
  it('are finite and correct at ±1000 and 0', () => {
    expect(sigmoid(1000)).toBe(1);
    // The exact values at −1000 are below 1e-400, so 0 is the correct double; Math.abs folds −0 into 0.
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(0)).toBe(0.5);
    expect(swish(1000)).toBe(1000);
    expect(Math.abs(swish(-1000))).toBe(0);
    expect(Math.abs(swish(0))).toBe(0);
    expect(swishPrime(1000)).toBe(1);
    expect(Math.abs(swishPrime(-1000))).toBe(0);
    expect(swishPrime(0)).toBe(0.5);
    expect(swishPrimeWrong(0)).toBe(0.75);
    for (const v of [1000, -1000, 0]) {
      for (const f of [sigmoid, swish, swishPrime, swishPrimeWrong]) expect(Number.isFinite(f(v))).toBe(true);
    }
  });

  it('swishPrime is the derivative of swish, swishPrimeWrong is not', () => {
    const points = Float64Array.from([-6, -2.5, -0.3, 0.4, 1.5, 4]);
    const numeric = points.map((v) => (swish(v + 1e-6) - swish(v - 1e-6)) / 2e-6);
    expect(relativeError(points.map(swishPrime), numeric)).toBeLessThan(1e-8);
    expect(relativeError(points.map(swishPrimeWrong), numeric)).toBeGreaterThan(1e-2);
    for (const v of points) expect(sigmoid(v)).toBeCloseTo(1 / (1 + Math.exp(-v)), 15);
  });
});

describe('the activations', () => {
  // Away from ReLU's kink at 0, where a central difference straddles it.
  const points = Float64Array.from([-6, -2.5, -0.3, 0.4, 1.5, 4]);
  it.each(ACTIVATIONS)('%s: f′ is the derivative of f (central differences), finite at ±1000', (name) => {
    const { f, fPrime } = ACTIVATION_FUNCTIONS[name];
    const numeric = points.map((v) => (f(v + 1e-6) - f(v - 1e-6)) / 2e-6);
    expect(relativeError(points.map(fPrime), numeric)).toBeLessThan(1e-6);
    for (const v of [1e30, -1e30, 1000, -1000, 0]) expect(Number.isFinite(f(v)) && Number.isFinite(fPrime(v)), String(v)).toBe(true);
  });

  it('ReLU has f′(0) = 0, as PyTorch; tanh and GELU match their closed forms', () => {
    expect(ACTIVATION_FUNCTIONS.relu.fPrime(0)).toBe(0);
    for (const v of points) {
      expect(ACTIVATION_FUNCTIONS.tanh.f(v)).toBeCloseTo(Math.tanh(v), 14);
      const c = Math.sqrt(2 / Math.PI);
      expect(ACTIVATION_FUNCTIONS.gelu.f(v)).toBeCloseTo(0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v ** 3))), 14);
    }
  });
});

describe('optimizerStep', () => {
  const settings = (overrides: Partial<OptimizerSettings>): OptimizerSettings => ({ ...DEFAULT_OPTIMIZER, ...overrides });

  it('sgd with weight decay: p −= lr·(grad + λp)', () => {
    const p = Float64Array.from([1, -2]);
    const state = newOptimizerState(2);
    optimizerStep(settings({ kind: 'sgd', lr: 0.1, weightDecay: 0.01 }), p, Float64Array.from([0.5, 0.25]), state);
    expect(p[0]).toBeCloseTo(1 - 0.1 * (0.5 + 0.01 * 1), 15);
    expect(p[1]).toBeCloseTo(-2 - 0.1 * (0.25 + 0.01 * -2), 15);
    expect(state.t).toBe(1);
  });

  it('momentum, plain and Nesterov, from a non-zero velocity', () => {
    for (const nesterov of [false, true]) {
      const p = Float64Array.from([0.5, -1.5]);
      const state = newOptimizerState(2);
      state.m.set([0.2, -0.4]);
      const s = settings({ kind: 'momentum', lr: 0.05, momentum: 0.9, nesterov, weightDecay: 0.1 });
      optimizerStep(s, p, Float64Array.from([0.3, 0.1]), state);
      const g = [0.3 + 0.1 * 0.5, 0.1 + 0.1 * -1.5];
      const m = [0.9 * 0.2 + g[0]!, 0.9 * -0.4 + g[1]!];
      const step = nesterov ? [g[0]! + 0.9 * m[0]!, g[1]! + 0.9 * m[1]!] : m;
      expect(state.m[0]).toBeCloseTo(m[0]!, 15);
      expect(state.m[1]).toBeCloseTo(m[1]!, 15);
      expect(p[0]).toBeCloseTo(0.5 - 0.05 * step[0]!, 15);
      expect(p[1]).toBeCloseTo(-1.5 - 0.05 * step[1]!, 15);
    }
  });

  it('adam: the first step moves each parameter by about lr; the second is bias-corrected by t = 2', () => {
    const p = Float64Array.from([0.7, -0.3]);
    const state = newOptimizerState(2);
    const s = settings({ kind: 'adam', lr: 0.01, weightDecay: 0.05 });
    optimizerStep(s, p, Float64Array.from([0.4, -2]), state);
    // With m̂ = g and v̂ = g² the first step is lr·g/(|g| + eps).
    expect(p[0]).toBeCloseTo(0.7 - 0.01, 9);
    expect(p[1]).toBeCloseTo(-0.3 + 0.01, 9);

    const p1 = Array.from(p);
    const m1 = Array.from(state.m);
    const v1 = Array.from(state.v);
    const grad2 = [0.1, 0.5];
    optimizerStep(s, p, Float64Array.from(grad2), state);
    expect(state.t).toBe(2);
    for (let i = 0; i < 2; i++) {
      const g = grad2[i]! + 0.05 * p1[i]!;
      const m = 0.9 * m1[i]! + 0.1 * g;
      const v = 0.999 * v1[i]! + 0.001 * g * g;
      const want = p1[i]! - (0.01 * (m / (1 - 0.9 ** 2))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
      expect(state.m[i]).toBeCloseTo(m, 15);
      expect(state.v[i]).toBeCloseTo(v, 15);
      expect(p[i]).toBeCloseTo(want, 15);
    }
  });
});

describe('PCA reference', () => {
  it.each([1, 2, 3])('symmetricEigen reconstructs S = Σ λ v vᵀ with orthonormal v (seed %i)', (seed) => {
    const rng = new Rng(seed);
    const n = 2 + rng.int(9);
    const R = normals(rng, n * n);
    const S = R.map((_, k) => R[k]! + R[(k % n) * n + Math.floor(k / n)]!); // R + Rᵀ
    const { values, vectors } = symmetricEigen(S, n);

    const rebuilt = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) rebuilt[a * n + b]! += values[j]! * vectors[j * n + a]! * vectors[j * n + b]!;
      }
    }
    expect(relativeError(rebuilt, S)).toBeLessThanOrEqual(1e-10);
    const gram = matmul(vectors, vectors, n, n, n, { transB: true });
    const identity = Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0));
    expect(relativeError(gram, identity)).toBeLessThanOrEqual(1e-10);
    for (let j = 1; j < n; j++) expect(values[j]).toBeLessThanOrEqual(values[j - 1]!);
  });

  it('pcaBound is half the sum of the discarded variances, before and after a rotation of the data', () => {
    const variances = [0.5, 4, 0.1, 2, 1, 0.25];
    const n = variances.length;
    const m = 2;
    // Rows ±s_j e_j give S = XᵀX/N = diag(2 s_j² / N) exactly.
    const N = 2 * n;
    const X = new Float64Array(N * n);
    variances.forEach((lambda, j) => {
      const s = Math.sqrt((lambda * N) / 2);
      X[2 * j * n + j] = s;
      X[(2 * j + 1) * n + j] = -s;
    });
    const diagonal = Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? variances[k / (n + 1)]! : 0));
    expect(relativeError(secondMoment(X, N, n), diagonal)).toBeLessThanOrEqual(1e-15);

    const discarded = [...variances].sort((a, b) => b - a).slice(m);
    const want = 0.5 * discarded.reduce((a, b) => a + b, 0);
    expect(pcaBound(X, N, n, m)).toBeCloseTo(want, 12);

    // An orthogonal change of basis keeps the eigenvalues, so the bound must not move.
    const rng = new Rng(7);
    const R = normals(rng, n * n);
    const Q = symmetricEigen(
      R.map((_, k) => R[k]! + R[(k % n) * n + Math.floor(k / n)]!),
      n,
    ).vectors;
    const rotated = matmul(X, Q, N, n, n, { transB: true });
    expect(pcaBound(rotated, N, n, m)).toBeCloseTo(want, 12);
  });
});

describe('linear algebra helpers', () => {
  /** op(A)·op(B) by the definition, from op(A) [M, K] and op(B) [K, N] as given. */
  function naiveMatmul(opA: Float64Array, opB: Float64Array, M: number, N: number, K: number): Float64Array {
    const C = new Float64Array(M * N);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        for (let p = 0; p < K; p++) C[i * N + j]! += opA[i * K + p]! * opB[p * N + j]!;
      }
    }
    return C;
  }
  function transpose(A: Float64Array, rows: number, cols: number): Float64Array {
    return Float64Array.from({ length: rows * cols }, (_, k) => A[(k % rows) * cols + Math.floor(k / rows)]!);
  }

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matmul with transA=%s transB=%s matches a naive triple loop', (transA, transB) => {
    for (const seed of SEEDS) {
      const rng = new Rng(seed);
      const [M, N, K] = [1 + rng.int(7), 1 + rng.int(7), 1 + rng.int(7)];
      const opA = normals(rng, M * K);
      const opB = normals(rng, K * N);
      const A = transA ? transpose(opA, M, K) : opA;
      const B = transB ? transpose(opB, K, N) : opB;
      expect(relativeError(matmul(A, B, M, N, K, { transA, transB }), naiveMatmul(opA, opB, M, N, K))).toBeLessThanOrEqual(1e-14);
    }
  });

  it('colsum sums over rows', () => {
    expect(Array.from(colsum(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, 3))).toEqual([5, 7, 9]);
  });

  it('relativeError returns Infinity for NaN and Infinity, the absolute norm against zero', () => {
    expect(relativeError([1, NaN], [1, 2])).toBe(Infinity);
    expect(relativeError([Infinity, 2], [1, 2])).toBe(Infinity);
    expect(relativeError([3, 4], [0, 0])).toBe(5);
    expect(relativeError([1, 2], [1, 2])).toBe(0);
    expect(relativeError([3, 4], [3, 5])).toBeCloseTo(1 / Math.sqrt(34), 15);
  });

  it('worstElement picks the largest error and treats NaN as the worst', () => {
    expect(worstElement([1, 2.5, 3], [1, 2, 3])).toEqual({ index: 1, actual: 2.5, expected: 2, absError: 0.5 });
    expect(worstElement([1, 9, NaN], [1, 2, 3]).index).toBe(2);
  });
});

describe('the PCA bound for large n', () => {
  it('Householder + QL (above JACOBI_MAX_N) gives the bound that Jacobi gives', async () => {
    const { symmetricEigen, secondMoment, pcaBoundFromMoment, pcaBound, JACOBI_MAX_N } = await import('../src/reference/pca');
    const { householderQlEigen } = await import('../src/reference/householder-ql');
    const rng = new Rng(21);
    const [N, n, m] = [300, JACOBI_MAX_N + 3, 5];
    const X = new Float64Array(N * n);
    for (let i = 0; i < N; i++) for (let j = 0; j < n; j++) X[i * n + j] = rng.normal() * (1 + (n - j) / 4);
    const S = secondMoment(X, N, n);
    const jacobi = symmetricEigen(S, n).values;
    const approx = householderQlEigen(S, n).values.subarray(0, m);
    for (let j = 0; j < m; j++) expect(Math.abs(approx[j]! - jacobi[j]!) / jacobi[j]!).toBeLessThan(1e-12);
    const want = 0.5 * jacobi.subarray(m).reduce((a, b) => a + b, 0);
    expect(Math.abs(pcaBoundFromMoment(S, n, m) - want) / want).toBeLessThan(1e-12);
    expect(Math.abs(pcaBound(X, N, n, m) - want) / want).toBeLessThan(1e-12);
  });
});
