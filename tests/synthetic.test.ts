// The seeded 2-D sets: reproducible from the seed, the right sizes, classes and balance,
// finite values in bounds, and bad options refused; the regression sets' targets.

import { describe, expect, it } from 'vitest';
import { UserError } from '../src/base/errors';
import { labelsAsTargets, type Dataset } from '../src/data/dataset';
import { REGRESSION_SETS, type RegressionSetName } from '../src/data/regression-sets';
import { blobs, circles, makeSynthetic, spiral, SYNTHETIC_SETS, xor, type SyntheticName } from '../src/data/synthetic';
import { expectUserError } from './user-error';

function classCounts(ds: Dataset): number[] {
  const counts = new Array<number>(ds.classes).fill(0);
  for (const label of ds.labels) counts[label]!++;
  return counts;
}

function maxAbs(ds: Dataset): number {
  let max = 0;
  for (const x of ds.X) max = Math.max(max, Math.abs(x));
  return max;
}

describe.each(SYNTHETIC_SETS)('%s', (name: SyntheticName) => {
  const make = (n: number, noise: number, seed: number): Dataset => makeSynthetic(name, { n, noise, seed }).train;

  it('is identical for the same seed and different for another seed', () => {
    expect(make(101, 0.1, 7).X).toEqual(make(101, 0.1, 7).X);
    expect(make(101, 0.1, 7).X).not.toEqual(make(101, 0.1, 8).X);
  });

  it('has N rows of 2 features, and a test set a quarter the size from another seed', () => {
    const { train, test } = makeSynthetic(name, { n: 203, noise: 0.1, seed: 1 });
    expect(train).toMatchObject({ name: `${name}/train`, N: 203, D: 2 });
    expect(train.X.length).toBe(406);
    expect(train.labels.length).toBe(203);
    expect(test).toMatchObject({ name: `${name}/test`, N: 51, D: 2, classes: train.classes });
    expect(test!.X.subarray(0, 10)).not.toEqual(train.X.subarray(0, 10));
    expect(makeSynthetic(name, { n: 1, noise: 0, seed: 1 }).test!.N).toBe(1);
  });

  it('sizes the test set by its share of all points, or leaves it out at 0', () => {
    expect(makeSynthetic(name, { n: 200, noise: 0.1, seed: 1, testShare: 0.5 }).test!.N).toBe(200);
    expect(makeSynthetic(name, { n: 200, noise: 0.1, seed: 1, testShare: 0.1 }).test!.N).toBe(22);
    expect(makeSynthetic(name, { n: 200, noise: 0.1, seed: 1, testShare: 0 }).test).toBeUndefined();
    expect(() => makeSynthetic(name, { n: 200, noise: 0.1, seed: 1, testShare: 1 })).toThrow(UserError);
  });

  it('makes the inputs of the chosen features and keeps the points on the plane', () => {
    const plain = makeSynthetic(name, { n: 50, noise: 0.1, seed: 2 });
    const split = makeSynthetic(name, { n: 50, noise: 0.1, seed: 2, features: ['x1x2', 'sinx2', 'x1sq'] });
    expect(split.train.D).toBe(3);
    expect(split.test!.D).toBe(3);
    expect(split.plane!.train).toEqual(plain.train.X);
    expect(split.plane!.test).toEqual(plain.test!.X);
    for (const i of [0, 17, 49]) {
      const [x1, x2] = [plain.train.X[2 * i]!, plain.train.X[2 * i + 1]!];
      expect(split.train.X[3 * i]).toBe(Math.fround(x1 * x2));
      expect(split.train.X[3 * i + 1]).toBe(Math.fround(Math.sin(x2)));
      expect(split.train.X[3 * i + 2]).toBe(Math.fround(x1 * x1));
    }
    expect(plain.train.X).toBe(plain.plane!.train); // x₁, x₂: the data as it is
  });

  it('balances the classes to within one sample', () => {
    const counts = classCounts(make(1000, 0.2, 3));
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  it('keeps noise-free points within [-1, 1] and noisy points finite and near [-1.5, 1.5]', () => {
    expect(maxAbs(make(2000, 0, 4))).toBeLessThanOrEqual(1);
    const noisy = make(2000, 0.1, 4);
    expect(noisy.X.every(Number.isFinite)).toBe(true);
    expect(maxAbs(noisy)).toBeLessThan(1.6);
  });

  it('refuses bad n, noise and seed', () => {
    for (const n of [0, -1, 1.5, 1e6 + 1, NaN]) {
      expectUserError(() => make(n, 0.1, 1), /n must be a whole number from 1 to 1000000/);
    }
    for (const noise of [-0.1, NaN, Infinity]) {
      expectUserError(() => make(10, noise, 1), /noise must be a finite number >= 0/);
    }
    expectUserError(() => make(10, 0.1, 0.5), /seed must be a whole number/);
  });
});

describe('class counts', () => {
  it('spiral has one class per arm (default 3)', () => {
    expect(spiral({ n: 30, noise: 0, seed: 1 }).classes).toBe(3);
    const five = spiral({ n: 50, arms: 5, noise: 0, seed: 1 });
    expect(five.classes).toBe(5);
    expect(classCounts(five)).toEqual([10, 10, 10, 10, 10]);
  });

  it('blobs has one class per center (default 3) and clusters around each center', () => {
    expect(blobs({ n: 30, noise: 0.1, seed: 1 }).classes).toBe(3);
    const ds = blobs({ n: 4000, centers: 4, noise: 0.1, seed: 1 });
    expect(ds.classes).toBe(4);
    const meanX = [0, 0, 0, 0];
    for (let i = 0; i < ds.N; i++) meanX[ds.labels[i]!]! += ds.X[2 * i]! / 1000;
    expect(meanX[0]).toBeCloseTo(0, 1);
    expect(meanX[1]).toBeCloseTo(-1, 1);
    expect(meanX[3]).toBeCloseTo(1, 1);
  });

  it('circles puts class 0 on the inner ring and class 1 on the outer ring', () => {
    const ds = circles({ n: 100, noise: 0, seed: 2 });
    expect(ds.classes).toBe(2);
    for (let i = 0; i < ds.N; i++) {
      const r = Math.hypot(ds.X[2 * i]!, ds.X[2 * i + 1]!);
      expect(r).toBeCloseTo(ds.labels[i] === 0 ? 0.5 : 1, 5);
    }
  });

  it('xor labels points by whether x and y share a sign', () => {
    const ds = xor({ n: 100, noise: 0, seed: 3 });
    expect(ds.classes).toBe(2);
    for (let i = 0; i < ds.N; i++) {
      expect(ds.labels[i]).toBe(ds.X[2 * i]! * ds.X[2 * i + 1]! >= 0 ? 0 : 1);
    }
  });

  it('refuses arms and centers outside 2..10, and unknown set names', () => {
    for (const k of [1, 11, 2.5]) {
      expectUserError(() => spiral({ n: 10, arms: k, noise: 0, seed: 1 }), /arms must be a whole number from 2 to 10/);
      expectUserError(() => blobs({ n: 10, centers: k, noise: 0, seed: 1 }), /centers must be a whole number from 2 to 10/);
    }
    expectUserError(() => makeSynthetic('moons' as SyntheticName, { n: 10, noise: 0, seed: 1 }), /unknown synthetic set 'moons'/);
    expectUserError(() => makeSynthetic('toString' as SyntheticName, { n: 10, noise: 0, seed: 1 }), /unknown synthetic set/);
  });
});

describe.each(REGRESSION_SETS)('the regression set %s', (name: RegressionSetName) => {
  it('is seeded, of N points in [-1, 1]² with one real target each (as float32 bits in the labels), and a test set beside it', () => {
    const { train, test } = makeSynthetic(name, { n: 400, noise: 0, seed: 5 });
    expect(train).toMatchObject({ name: `${name}/train`, N: 400, D: 2, classes: 1, regression: true });
    expect(test).toMatchObject({ name: `${name}/test`, N: 100, D: 2, classes: 1, regression: true });
    expect(makeSynthetic(name, { n: 400, noise: 0, seed: 5 }).train.labels).toEqual(train.labels);
    expect(maxAbs(train)).toBeLessThanOrEqual(1);
    const t = labelsAsTargets(train.labels);
    expect(t.every(Number.isFinite)).toBe(true);
    // Targets that vary: a plane from −1.2 to 1.2, bumps of both signs up to about ±1.
    expect(Math.min(...t)).toBeLessThan(-0.5);
    expect(Math.max(...t)).toBeGreaterThan(0.5);
    expect(Math.max(...t.map(Math.abs))).toBeLessThanOrEqual(1.2);
  });

  it('jitters the points, not their targets, and keeps the targets through the input features', () => {
    const clean = makeSynthetic(name, { n: 200, noise: 0, seed: 6 });
    const noisy = makeSynthetic(name, { n: 200, noise: 0.1, seed: 6, features: ['x1', 'x2', 'x1x2'] });
    expect(noisy.train.X).not.toEqual(clean.train.X);
    expect(noisy.train.D).toBe(3);
    expect(noisy.train.labels).toEqual(clean.train.labels);
    expect(noisy.test!.regression).toBe(true);
  });
});

describe('the plane', () => {
  it('is t = 0.6 x₁ + 0.6 x₂ of each clean point, as Playground’s (x + y)/10 on its [−6, 6]²', () => {
    const { train } = makeSynthetic('plane', { n: 50, noise: 0, seed: 7 });
    const t = labelsAsTargets(train.labels);
    for (let i = 0; i < train.N; i++) expect(t[i]).toBeCloseTo(0.6 * train.X[2 * i]! + 0.6 * train.X[2 * i + 1]!, 6);
  });
});
