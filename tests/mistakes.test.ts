// The gallery of backprop mistakes in the float64 reference: against central differences of the
// true loss, each mistake flags exactly the tensors of MATH.md's catalogue (> 1e-2) and leaves the
// others right (< 1e-4); what no-batch-mean and update-sign do to training; the exercise's draw.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/base/rng';
import { checkAutoencoder, checkMlp } from '../src/reference/finite-differences';
import { MISTAKES, mistakeProblem, mistakesFor, wrongTensors, type Mistake } from '../src/reference/mistakes';
import { exerciseMistake } from '../src/train/exercise';
import { mlpTensorNames, mlpTensorShapes, type MlpParams, type MlpShape } from '../src/reference/mlp';
import { DEFAULT_OPTIMIZER } from '../src/reference/optimizer';
import { ReferenceTrainer } from '../src/reference/trainer';
import type { Dataset } from '../src/data/dataset';

function normals(rng: Rng, size: number, scale = 1): Float64Array {
  return Float64Array.from({ length: size }, () => scale * rng.normal());
}

/** Awkward sizes, B ≥ 3 (with one row, the batch mean and the first row are the sum). */
function mlpCase(seed: number, hidden: number[], activation?: MlpShape['activation']) {
  const rng = new Rng(seed);
  const B = 3 + rng.int(6);
  const shape: MlpShape = { D: 2 + rng.int(7), hidden, C: 2 + rng.int(4), ...(activation ? { activation } : {}) };
  const params: MlpParams = {};
  for (const [name, dims] of Object.entries(mlpTensorShapes(shape))) {
    params[name] = dims.length === 2 ? normals(rng, dims[0]! * dims[1]!, 1 / Math.sqrt(dims[1]!)) : normals(rng, dims[0]!, 0.5);
  }
  return { shape, params, X: normals(rng, B * shape.D), labels: Uint32Array.from({ length: B }, () => rng.int(shape.C)), B };
}

/** Flagged: > 1e-2 against finite differences; right: < 1e-4. */
function expectFlagged(errors: Record<string, number>, flagged: string[], at: string): void {
  for (const [name, e] of Object.entries(errors)) {
    if (flagged.includes(name)) expect(e, `${name} ${at}`).toBeGreaterThan(1e-2);
    else expect(e, `${name} ${at}`).toBeLessThan(1e-4);
  }
}

const MLP_MISTAKES = MISTAKES.filter((m) => mistakeProblem(m, 'mlp', 'swish') === null);

describe('each mistake breaks exactly the tensors of the catalogue', () => {
  it('names them for the two-layer MLP and the autoencoder as MATH.md does', () => {
    const names = ['W1', 'b1', 'W2', 'b2'];
    expect(wrongTensors('swish-prime', names)).toEqual(['W1', 'b1']);
    expect(wrongTensors('w2-layout', names)).toEqual(['W1', 'b1']);
    expect(wrongTensors('no-batch-mean', names)).toEqual(names);
    expect(wrongTensors('no-one-hot', names)).toEqual(names);
    expect(wrongTensors('bias-one-row', names)).toEqual(['b1', 'b2']);
    expect(wrongTensors('update-sign', names)).toEqual([]);
    expect(wrongTensors('ae-one-term', ['W'])).toEqual(['W']);
    expect(wrongTensors('none', names)).toEqual([]);
  });

  for (const mistake of MLP_MISTAKES) {
    it.each([3, 7, 11])(`${mistake}: the two-layer MLP (seed %i)`, (seed) => {
      const c = mlpCase(seed, [3 + (seed % 5)]);
      const errors = checkMlp(c.shape, c.params, c.X, c.labels, c.B, { mistake });
      expectFlagged(errors, wrongTensors(mistake, mlpTensorNames(c.shape)), `B=${c.B} ${JSON.stringify(c.shape)}`);
    });
  }

  for (const mistake of MLP_MISTAKES) {
    it(`${mistake}: a three-layer network`, () => {
      // swish-prime needs swish; the others are shown with tanh, whose derivative is right.
      const c = mlpCase(5, [6, 4, 5], mistake === 'swish-prime' ? undefined : 'tanh');
      const errors = checkMlp(c.shape, c.params, c.X, c.labels, c.B, { mistake });
      const flagged = wrongTensors(mistake, mlpTensorNames(c.shape));
      const all = ['W1', 'b1', 'W2', 'b2', 'W3', 'b3', 'W4', 'b4'];
      // The catalogue at depth 3, written out (the README's "where"), not taken from the code under test.
      const expected: Record<string, string[]> = {
        'swish-prime': all.slice(0, 6),
        'w2-layout': all.slice(0, 6),
        'no-batch-mean': all,
        'no-one-hot': all,
        'bias-one-row': ['b1', 'b2', 'b3', 'b4'],
        'update-sign': [],
        none: [],
      };
      expect(flagged).toEqual(expected[mistake]);
      expectFlagged(errors, flagged, JSON.stringify(c.shape));
    });
  }

  for (const mistake of ['none', 'ae-one-term', 'no-batch-mean', 'update-sign'] as const) {
    it(`${mistake}: the autoencoder`, () => {
      const rng = new Rng(9);
      const [n, m, B] = [7, 3, 5];
      const errors = checkAutoencoder({ n, m }, normals(rng, m * n, 0.4), normals(rng, B * n), B, undefined, mistake);
      expectFlagged(errors, wrongTensors(mistake, ['W']), mistake);
    });
  }

  it('refuses a mistake the model cannot make, with the reason', () => {
    expect(mistakeProblem('ae-one-term', 'mlp', 'swish')).toMatch(/autoencoder/);
    expect(mistakeProblem('w2-layout', 'autoencoder', null)).toMatch(/MLP/);
    expect(mistakeProblem('swish-prime', 'mlp', 'relu')).toMatch(/needs the swish activation, not relu/);
    const c = mlpCase(1, [4]);
    expect(() => checkMlp(c.shape, c.params, c.X, c.labels, c.B, { mistake: 'ae-one-term' })).toThrow(/autoencoder/);
    expect(mistakesFor('autoencoder', null)).toEqual(['none', 'no-batch-mean', 'ae-one-term', 'update-sign']);
    expect(mistakesFor('mlp', 'tanh')).not.toContain('swish-prime');
    // A regression has no one-hot, and its one output reads the same either way round.
    expect(mistakesFor('mlp', 'swish', 'regression')).toEqual(['none', 'swish-prime', 'no-batch-mean', 'bias-one-row', 'update-sign']);
    expect(mistakeProblem('no-one-hot', 'mlp', 'swish', 'regression')).toMatch(/a regression has none/);
  });
});

/** A small labelled set for the trainer. */
function dataset(seed: number, N: number, D: number, C: number): Dataset {
  const rng = new Rng(seed);
  const X = Float32Array.from({ length: N * D }, () => rng.normal());
  const labels = Uint32Array.from({ length: N }, (_, i) => (X[i * D]! > 0 ? 1 : 0) % C);
  return { name: 'test', X, labels, N, D, classes: C };
}

describe('what the mistakes do to training', () => {
  const shape: MlpShape = { D: 3, hidden: [5], C: 2 };
  const data = dataset(4, 40, 3, 2);
  const initial = () => {
    const rng = new Rng(2);
    const p: Record<string, Float64Array> = {};
    for (const [name, dims] of Object.entries(mlpTensorShapes(shape)))
      p[name] = normals(
        rng,
        dims.reduce((a, b) => a * b, 1),
        0.5,
      );
    return p;
  };
  const train = (mistake: Mistake, lr: number, steps: number, B = 8) => {
    const t = new ReferenceTrainer({ kind: 'mlp', shape }, initial(), data, 1, B, { ...DEFAULT_OPTIMIZER, kind: 'sgd', lr }, mistake);
    const losses = Array.from({ length: steps }, () => t.trainStep().loss);
    return { params: t.params, losses };
  };

  it('no-batch-mean at learning rate η is the correct run at η·B, step for step', () => {
    const B = 8;
    const wrong = train('no-batch-mean', 0.05, 15, B);
    const scaled = train('none', 0.05 * B, 15, B);
    const correct = train('none', 0.05, 15, B);
    for (const name of Object.keys(wrong.params)) {
      for (let i = 0; i < wrong.params[name]!.length; i++) expect(wrong.params[name]![i]).toBeCloseTo(scaled.params[name]![i]!, 9);
    }
    // …and not the correct run at η.
    expect(Math.abs(wrong.losses.at(-1)! - correct.losses.at(-1)!)).toBeGreaterThan(1e-3);
  });

  it('update-sign makes the loss rise while the correct run’s falls', () => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const up = train('update-sign', 0.2, 40).losses;
    const down = train('none', 0.2, 40).losses;
    expect(mean(up.slice(-10))).toBeGreaterThan(mean(up.slice(0, 10)));
    expect(mean(down.slice(-10))).toBeLessThan(mean(down.slice(0, 10)));
  });
});

describe('the find-the-bug exercise', () => {
  it('draws the same hidden mistake from the same seed in every release, one the model can make, and every one across seeds', () => {
    // Pinned: a teacher's link must keep its mistake (a change here gives old links other ones).
    expect([1, 2, 3, 7, 12, 42].map((s) => exerciseMistake(s, 'mlp', 'swish'))).toEqual([
      'bias-one-row',
      'no-one-hot',
      'w2-layout',
      'swish-prime',
      'swish-prime',
      'bias-one-row',
    ]);
    expect([1, 2, 3, 7].map((s) => exerciseMistake(s, 'mlp', 'relu'))).toEqual(['no-one-hot', 'w2-layout', 'bias-one-row', 'bias-one-row']);
    expect([1, 2, 3].map((s) => exerciseMistake(s, 'autoencoder', null))).toEqual(['ae-one-term', 'no-batch-mean', 'ae-one-term']);
    for (const seed of [1, 2, 3, 42, 2 ** 31 - 1]) {
      expect(exerciseMistake(seed, 'mlp', 'relu')).not.toBe('swish-prime');
      expect(['no-batch-mean', 'ae-one-term', 'update-sign']).toContain(exerciseMistake(seed, 'autoencoder', null));
    }
    const drawn = new Set(Array.from({ length: 200 }, (_, i) => exerciseMistake(i + 1, 'mlp', 'swish')));
    expect([...drawn].sort()).toEqual(MLP_MISTAKES.filter((m) => m !== 'none').sort());
  });
});
