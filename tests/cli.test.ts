// The CLI's command line (tests/run-cli.ts; WebGPU through Dawn, SwiftShader without a GPU): grads
// against the reference, a clear one-line error for each kind of bad input, and the autoencoder
// trained to the PCA bound; and the CLI as a user starts it, bundled as `npm run build:cli` makes it
// and from its sources as `npm run cli -- ...` runs it, printing what the command line prints.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliFromSource, cliProcess, sharedDevice } from './run-cli';
import { writeNpy } from '../src/data/npy-write';
import { autoencoderGradient } from '../src/reference/autoencoder';
import { relativeError } from '../src/reference/linalg';
import { mlpGradients } from '../src/reference/mlp';
import { pcaBound } from '../src/reference/pca';
import { Rng } from '../src/base/rng';
import { parseCheckpoint } from '../src/train/checkpoint-reader';
import { readSettings } from '../src/ui/settings';

const dir = mkdtempSync(join(tmpdir(), 'cli-test-'));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const matrix = (rng: Rng, rows: number, cols: number) =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.round(rng.uniform(-1, 1) * 1e4) / 1e4));
const flat = (m: number[][]) => Float64Array.from(m.flat());

function mlpCase(seed: number) {
  const rng = new Rng(seed);
  const [B, D, H, C] = [7, 11, 13, 4];
  return {
    model: 'mlp',
    W1: matrix(rng, H, D),
    b1: matrix(rng, 1, H)[0]!,
    W2: matrix(rng, C, H),
    b2: matrix(rng, 1, C)[0]!,
    X: matrix(rng, B, D),
    labels: Array.from({ length: B }, () => rng.int(C)),
  };
}

describe('cli grads', () => {
  it('prints the loss and MLP gradients of the WGSL kernels, matching the float64 reference', async () => {
    const c = mlpCase(1);
    const { code, stdout, stderr } = await cli('grads', '--case', file('mlp.json', JSON.stringify(c)));
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout) as { loss: number; grads: Record<string, number[] | number[][]> };
    const ref = mlpGradients(
      { D: 11, hidden: [13], C: 4 },
      {
        W1: flat(c.W1),
        b1: Float64Array.from(c.b1),
        W2: flat(c.W2),
        b2: Float64Array.from(c.b2),
      },
      flat(c.X),
      Uint32Array.from(c.labels),
      7,
    );
    expect(Math.abs(out.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
    expect(out.grads.W1).toHaveLength(13);
    expect((out.grads.W1 as number[][])[0]).toHaveLength(11);
    for (const name of ['W1', 'b1', 'W2', 'b2'] as const) {
      expect(relativeError((out.grads[name] as number[]).flat(), ref.grads[name]!), name).toBeLessThan(1e-4);
    }
  });

  it('takes a deep case (W1 … W4, b1 … b4, tanh) and prints the gradients of every layer under the same names', async () => {
    const rng = new Rng(9);
    const [B, widths] = [5, [6, 7, 5, 4, 3]];
    const c: Record<string, unknown> = { model: 'mlp', activation: 'tanh', X: matrix(rng, B, 6), labels: Array.from({ length: B }, () => rng.int(3)) };
    const params: Record<string, Float64Array> = {};
    for (let l = 1; l < widths.length; l++) {
      const W = matrix(rng, widths[l]!, widths[l - 1]!);
      const b = matrix(rng, 1, widths[l]!)[0]!;
      Object.assign(c, { [`W${l}`]: W, [`b${l}`]: b });
      params[`W${l}`] = flat(W);
      params[`b${l}`] = Float64Array.from(b);
    }
    const { code, stdout, stderr } = await cli('grads', '--case', file('deep.json', JSON.stringify(c)));
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout) as { loss: number; grads: Record<string, number[] | number[][]> };
    const shape = { D: 6, hidden: [7, 5, 4], C: 3, activation: 'tanh' as const };
    const ref = mlpGradients(shape, params, flat(c.X as number[][]), Uint32Array.from(c.labels as number[]), B);
    expect(Object.keys(out.grads)).toEqual(['W1', 'b1', 'W2', 'b2', 'W3', 'b3', 'W4', 'b4']);
    expect(Math.abs(out.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
    for (const [name, g] of Object.entries(out.grads)) expect(relativeError(g.flat(), ref.grads[name]!), name).toBeLessThan(1e-4);
  });

  it('prints the autoencoder gradient, matching the float64 reference', async () => {
    const rng = new Rng(2);
    const c = { model: 'autoencoder', W: matrix(rng, 3, 9), X: matrix(rng, 10, 9) };
    const { code, stdout, stderr } = await cli('grads', '--case', file('ae.json', JSON.stringify(c)));
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout) as { loss: number; grads: { W: number[][] } };
    const ref = autoencoderGradient({ n: 9, m: 3 }, flat(c.W), flat(c.X), 10);
    expect(Math.abs(out.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
    expect(relativeError(out.grads.W.flat(), ref.dW)).toBeLessThan(1e-4);
  });
});

describe('cli grads on the shared worked examples', () => {
  for (const name of ['mlp-small', 'autoencoder-small']) {
    it(`${name} matches its expected float64 output`, async () => {
      const { code, stdout, stderr } = await cli('grads', '--case', `tests/cases/${name}.json`);
      expect(code, stderr).toBe(0);
      const out = JSON.parse(stdout) as { loss: number; grads: Record<string, number[] | number[][]> };
      const expected = JSON.parse(readFileSync(`tests/cases/${name}.expected.json`, 'utf8')) as typeof out;
      expect(Math.abs(out.loss - expected.loss) / expected.loss).toBeLessThan(1e-6);
      expect(Object.keys(out.grads).sort()).toEqual(Object.keys(expected.grads).sort());
      for (const [tensor, values] of Object.entries(expected.grads)) {
        expect(relativeError((out.grads[tensor] as number[]).flat(), (values as number[]).flat()), tensor).toBeLessThan(1e-5);
      }
    });
  }
});

describe('the CLI as a process', () => {
  it('`npm run cli` (vite-node on src/cli/main.ts) prints what the bundled CLI prints', async () => {
    const args = ['grads', '--case', 'tests/cases/mlp-small.json'];
    const fromSource = await cliFromSource(...args);
    const bundled = await cliProcess(...args);
    expect(fromSource.code, fromSource.stderr).toBe(0);
    expect(bundled.code, bundled.stderr).toBe(0);
    expect(fromSource.stdout).toBe(bundled.stdout);
  });

  // The other tests run the command line in their own process (tests/run-cli.ts): the bundle in a Node
  // of its own exits with the same status and prints the same, for each way a command ends.
  it.each<[string, string[]]>([
    ['--help (exit 0)', ['--help']],
    ['no command (exit 2, the usage)', []],
    ['a bad flag (exit 2, one line)', ['train', '--lr', 'fast']],
    ['an unknown command (exit 2)', ['fit']],
    ['grads on the GPU (exit 0, JSON)', ['grads', '--case', 'tests/cases/mlp-deep-tanh.json']],
    ['a gradient check on the GPU (exit 0, a table)', ['check', '--hidden', '6', '--batch', '5']],
    ['a derivation without its 1/B (exit 1)', ['derive', file('no-mean.txt', 'dZ = A - T\n')]],
  ])('the bundle in a process of its own exits and prints as the command line in this one: %s', async (_, args) => {
    const [own, here] = [await cliProcess(...args), await cli(...args)];
    expect(own).toEqual(here);
  });
});

describe('the command line in this process (tests/run-cli.ts)', () => {
  it('opens a new device for the next command where the last was lost, so that one broken device fails one test', async () => {
    const args = ['grads', '--case', 'tests/cases/mlp-small.json'];
    const before = await cli(...args);
    const lost = await sharedDevice();
    lost.device.destroy();
    await lost.device.lost;
    const after = await cli(...args);
    expect(after).toEqual(before);
    expect((await sharedDevice()).device).not.toBe(lost.device);
  });
});

describe('cli refuses bad input with one clear line and no stack trace', () => {
  const good = mlpCase(3);
  const cases: Array<[string, () => string[], RegExp]> = [
    ['a missing file', () => ['grads', '--case', join(dir, 'nope.json')], /cannot read .*nope\.json: no such file/],
    ['malformed JSON', () => ['grads', '--case', file('bad.json', '{"model": "mlp", "W1": [[1,')], /malformed JSON/],
    ['NaN in a case', () => ['grads', '--case', file('nan.json', JSON.stringify(good).replace('"X":[[', '"X":[[NaN,'))], /NaN or Infinity/],
    ['a non-number', () => ['grads', '--case', file('str.json', JSON.stringify({ ...good, b2: [1, 'two', 3, 4] }))], /b2\[1\] is "two", not a finite number/],
    ['wrong shapes', () => ['grads', '--case', file('shape.json', JSON.stringify({ ...good, b1: [1, 2] }))], /b1 has 2 entries, expected 13/],
    ['ragged rows', () => ['grads', '--case', file('ragged.json', JSON.stringify({ ...good, X: [[1, 2], [3]] }))], /X row 1 has 1 entries, row 0 has 2/],
    [
      'a label out of range',
      () => ['grads', '--case', file('label.json', JSON.stringify({ ...good, labels: [0, 1, 2, 3, 4, 0, 0] }))],
      /labels\[4\] is 4: labels must be integers from 0 to 3/,
    ],
    [
      'a missing layer',
      () => ['grads', '--case', file('gap.json', JSON.stringify({ ...good, W4: [[1]], b4: [1] }))],
      /W3 is missing \(a case with W4 needs W1 … W4 and b1 … b4\)/,
    ],
    [
      'layers that do not chain',
      () => ['grads', '--case', file('chain.json', JSON.stringify({ ...good, W3: good.W2, b3: good.b2 }))],
      /W3 has 13 columns, expected 4 \(the rows of W2\)/,
    ],
    ['more than 4 hidden layers', () => ['grads', '--case', file('deep6.json', JSON.stringify({ ...good, W6: [[1]] }))], /W6 makes 5 hidden layers; at most 4/],
    [
      'a plane-only flag with MNIST',
      () => ['train', '--dataset', 'mnist', '--features', 'x1sq'],
      /--features is for the 2-D sets \(spiral, circles, xor, blobs, plane, gauss-mix\), not MNIST/,
    ],
    [
      'an unknown feature',
      () => ['train', '--features', 'x1,x3'],
      /--features must be 1 to 7 comma-separated entries, each of which must be one of x1, x2, x1sq/,
    ],
    ['too many hidden layers for train', () => ['train', '--hidden', '8,8,8,8,8'], /--hidden must be 1 to 4 comma-separated entries \(got 5\)/],
    ['a bad hidden width for check', () => ['check', '--hidden', '16,x'], /--hidden must be 1 to 4 comma-separated integers from 1 to 4096/],
    ['an unknown model', () => ['grads', '--case', file('model.json', JSON.stringify({ ...good, model: 'cnn' }))], /unknown model "cnn"/],
    ['an unknown --model flag', () => ['train', '--model', 'cnn'], /unknown --model 'cnn'/],
    ['an unknown command', () => ['fly'], /unknown command 'fly'/],
    ['an unknown flag', () => ['train', '--speed', '3'], /Unknown option '--speed'/],
    ['a bad number', () => ['train', '--lr', 'fast'], /--lr must be a number/],
    [
      'the wrong swish′ with another activation',
      () => ['train', '--activation', 'tanh', '--wrong-derivative'],
      /--wrong-derivative: the mistake swish-prime .* needs the swish activation, not tanh/,
    ],
    [
      'an unknown mistake',
      () => ['train', '--mistake', 'typo'],
      /^error: unknown --mistake 'typo' \(expected none, swish-prime, w2-layout, no-batch-mean, no-one-hot, bias-one-row, ae-one-term, update-sign\)$/,
    ],
    [
      'a mistake of the other model',
      () => ['train', '--model', 'autoencoder', '--mistake', 'w2-layout'],
      /--mistake: the mistake w2-layout is one of the MLP, not of the autoencoder/,
    ],
    [
      'an unknown activation',
      () => ['train', '--activation', 'softplus'],
      /unknown --activation 'softplus' \(expected swish, relu, tanh, sigmoid, gelu, linear\)/,
    ],
    [
      'a regression on a set of classes',
      () => ['train', '--problem', 'regression', '--dataset', 'spiral'],
      /^error: --dataset spiral: a regression needs real targets, and spiral has classes \(choose plane, gauss-mix, file\)$/,
    ],
    [
      'classes on a regression set',
      () => ['train', '--dataset', 'plane'],
      /^error: --dataset plane: plane has real targets, not classes: train it with --problem regression$/,
    ],
    ['an unknown problem', () => ['train', '--problem', 'ranking'], /unknown --problem 'ranking' \(expected classification, regression\)/],
    [
      'a mistake a regression cannot make',
      () => ['train', '--problem', 'regression', '--dataset', 'plane', '--mistake', 'no-one-hot'],
      /--mistake: the mistake no-one-hot forgets the one-hot of the softmax: a regression has none/,
    ],
    ['a malformed .npy', () => ['train', '--data', file('bad.npy', 'not numpy at all')], /bad\.npy/],
    ['a malformed .csv', () => ['train', '--data', file('bad.csv', '1,2,0\n3,x,1\n')], /bad\.csv line 2/],
    ['NaN in a .csv', () => ['train', '--data', file('nan.csv', '1,2,0\nNaN,4,1\n')], /nan\.csv/],
    ['a negative number after its flag (--lr -1)', () => ['train', '--lr', '-1'], /--lr must be a number from .* got '-1'/],
    ['a negative seed', () => ['train', '--seed', '-5'], /--seed must be an integer from 0 to \d+, got '-5'/],
    ['--epochs 0', () => ['train', '--epochs', '0'], /--epochs must be an integer from 1 to 100000, got '0'/],
    ['--steps 0', () => ['train', '--steps', '0'], /--steps must be an integer from 1 to \d+, got '0'/],
    ['--save to a folder', () => ['train', '--steps', '5', '--save', dir], /--save .*: is a folder, give a file name; nothing was trained/],
    [
      '--checkpoint in a folder that does not exist',
      () => ['train', '--steps', '5', '--checkpoint', join(dir, 'no-such-folder', 'x.json')],
      /--checkpoint .*x\.json: the folder .*no-such-folder does not exist; nothing was trained/,
    ],
    ['a size beyond the adapter limits', () => ['train', '--dataset', 'xor', '--samples', '64', '--hidden', '2000000000', '--steps', '1'], /this GPU allows/],
  ];
  it.each(cases)('%s', async (_, args, message) => {
    const { code, stdout, stderr } = await cli(...args());
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    const ours = stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(ours, stderr).toHaveLength(1);
    expect(ours[0]).toMatch(message);
    expect(stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(stderr).not.toMatch(/^(step|done:) /m); // refused before any training
  });
});

describe('cli train', () => {
  it('exits 1 with one line when the run ends non-finite, after its JSON (finalLoss null)', async () => {
    const { code, stdout, stderr } = await cli(
      'train',
      '--model',
      'autoencoder',
      '--dataset',
      'blobs',
      '--code',
      '1',
      '--optimizer',
      'sgd',
      '--lr',
      '10',
      '--steps',
      '100',
      '--json',
    );
    expect(code).toBe(1);
    expect(JSON.parse(stdout).finalLoss).toBeNull();
    const ours = stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(ours).toEqual(['error: the run ended with a loss over the training set of NaN, not a finite number: try a lower --lr']);
  });

  it('trains the autoencoder on a small synthetic set to within 1% of the PCA bound', async () => {
    // Gaussian data with a clear spectrum (standard deviations 3, 2.5, 2, 1, 0.8, 0.6, 0.4, 0.2), rotated.
    const [N, n, m] = [500, 8, 3];
    const rng = new Rng(11);
    const scales = [3, 2.5, 2, 1, 0.8, 0.6, 0.4, 0.2];
    const Q = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
    for (let i = 0; i < n; i++) {
      // Gram–Schmidt: the rows of Q become an orthonormal basis.
      for (let j = 0; j < i; j++) {
        const dot = Q[i]!.reduce((s, v, k) => s + v * Q[j]![k]!, 0);
        Q[i] = Q[i]!.map((v, k) => v - dot * Q[j]![k]!);
      }
      const norm = Math.hypot(...Q[i]!);
      Q[i] = Q[i]!.map((v) => v / norm);
    }
    const X = new Float32Array(N * n);
    for (let r = 0; r < N; r++) {
      const z = scales.map((s) => s * rng.normal());
      for (let k = 0; k < n; k++) X[r * n + k] = z.reduce((s, zj, j) => s + zj * Q[j]![k]!, 0);
    }
    const path = file('pca.npy', writeNpy(X, [N, n]));
    const save = join(dir, 'ae-params.json');
    const { code, stdout, stderr } = await cli(
      'train',
      '--model',
      'autoencoder',
      '--data',
      path,
      '--code',
      '3',
      '--batch',
      '50',
      '--optimizer',
      'momentum',
      '--lr',
      '0.005',
      '--epochs',
      '60',
      '--seed',
      '3',
      '--test-share',
      '0', // every row trains: the bound is the whole file's
      '--json',
      '--save',
      save,
    );
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/step \d+\/600/); // progress on stderr
    const out = JSON.parse(stdout) as Record<string, number>;
    const bound = pcaBound(X, N, n, m);
    expect(out.pcaBound).toBeCloseTo(bound, 6);
    expect(out.steps).toBe(600);
    expect(out.seconds).toBeGreaterThan(0);
    expect(out.finalLoss).toBeGreaterThanOrEqual(bound * (1 - 1e-4));
    expect(out.finalLoss).toBeLessThan(bound * 1.01);
    const saved = JSON.parse(readFileSync(save, 'utf8')) as { model: string; W: number[][] };
    expect(saved.model).toBe('autoencoder');
    expect(saved.W).toHaveLength(3);
    expect(saved.W[0]).toHaveLength(8);
  });

  it('trains the MLP on a 2-D set and reports test accuracy', async () => {
    const { code, stdout, stderr } = await cli(
      'train',
      '--dataset',
      'blobs',
      '--samples',
      '600',
      '--hidden',
      '16,8',
      '--activation',
      'relu',
      '--batch',
      '32',
      '--optimizer',
      'adam',
      '--lr',
      '0.02',
      '--epochs',
      '8',
      '--json',
    );
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout) as Record<string, number>;
    expect(out.hidden).toEqual([16, 8]);
    expect(out.activation).toBe('relu');
    expect(out.steps).toBe(8 * Math.floor(600 / 32));
    expect(out.testAccuracy).toBeGreaterThan(0.8);
    expect(out.finalLoss).toBeLessThan(0.6);
  });

  it('trains on chosen input features with the test share chosen', async () => {
    const { code, stdout, stderr } = await cli(
      'train',
      '--dataset',
      'circles',
      '--samples',
      '400',
      '--features',
      'x1sq,x2sq',
      '--test-share',
      '0.5',
      '--hidden',
      '2',
      '--activation',
      'linear',
      '--lr',
      '0.05',
      '--epochs',
      '20',
      '--json',
    );
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout) as Record<string, number>;
    expect(out.steps).toBe(20 * Math.floor(400 / 32));
    expect(out.testAccuracy).toBeGreaterThan(0.9); // x₁² and x₂² make the rings linearly separable
  });

  it('trains with a mistake of the gallery: update-sign ends above where it started, the correct run below', async () => {
    const run = ['train', '--dataset', 'blobs', '--samples', '200', '--hidden', '8', '--optimizer', 'sgd', '--lr', '0.1', '--steps', '60', '--json'];
    const [correct, wrong, start] = await Promise.all([
      cli(...run),
      cli(...run, '--mistake', 'update-sign'),
      cli(...run.slice(0, -3), '--steps', '1', '--json'),
    ]);
    for (const r of [correct, wrong, start]) expect(r.code, r.stderr).toBe(0);
    const [c, w, s] = [correct, wrong, start].map((r) => JSON.parse(r.stdout) as { finalLoss: number; mistake?: string });
    expect(w!.mistake).toBe('update-sign');
    expect(c!.mistake).toBeUndefined();
    expect(w!.finalLoss).toBeGreaterThan(s!.finalLoss);
    expect(c!.finalLoss).toBeLessThan(s!.finalLoss);
  });
});

describe('cli train --checkpoint and --resume', () => {
  const run = ['--dataset', 'spiral', '--samples', '200', '--hidden', '8', '--batch', '16', '--optimizer', 'adam', '--lr', '0.01', '--seed', '4'];

  it('a run stopped mid-epoch and resumed ends bit for bit where an unbroken run ends, its loss history too, and the page can read the file', async () => {
    const [whole, part, rest] = ['whole.json', 'part.json', 'rest.json'].map((n) => join(dir, n));
    const a = await cli('train', ...run, '--steps', '30', '--checkpoint', whole!, '--json');
    expect(a.code, a.stderr).toBe(0);
    const b = await cli('train', ...run, '--steps', '13', '--checkpoint', part!);
    expect(b.code, b.stderr).toBe(0);
    const c = await cli('train', '--resume', part!, '--steps', '17', '--checkpoint', rest!, '--json');
    expect(c.code, c.stderr).toBe(0);
    const outA = JSON.parse(a.stdout) as Record<string, unknown>;
    const outC = JSON.parse(c.stdout) as Record<string, unknown>;
    expect(outC.resumedFrom).toBe(13);
    expect(outC.steps).toBe(17);
    expect(c.stderr).toMatch(/step 30\/30/);
    expect(outC.finalLoss).toBe(outA.finalLoss);
    const [cpA, cpC] = [whole!, rest!].map((path) => parseCheckpoint(new Uint8Array(readFileSync(path)), path));
    expect(cpC!.engines.gpu!.step).toBe(30);
    for (const name of ['W1', 'b1', 'W2', 'b2']) {
      expect(Array.from(cpC!.engines.gpu!.params[name]!), name).toEqual(Array.from(cpA!.engines.gpu!.params[name]!));
      expect(Array.from(cpC!.engines.gpu!.m[name]!), name).toEqual(Array.from(cpA!.engines.gpu!.m[name]!));
    }
    // The loss history goes on through the resume as if the run had never stopped.
    expect(cpA!.history!.gpu!.map((m) => m.step)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(cpC!.history).toEqual(cpA!.history);
    // The settings are in the page's vocabulary and within its ranges: "Resume from file" takes it.
    const read = readSettings(Object.entries(cpA!.settings).map(([k, v]) => [k, String(v)]));
    expect(read.problems).toEqual([]);
    expect(read.settings).toMatchObject({ model: 'mlp', dataset: 'spiral', samples: 200, hidden: [8], batch: 16, optimizer: 'adam', lr: 0.01, seed: 4 });
  });

  it('refuses a resume with run-defining flags, a missing file, and a run on a user file without --data', async () => {
    const part = join(dir, 'part.json');
    const cases: Array<[string[], RegExp]> = [
      [['--resume', part, '--hidden', '9'], /--resume takes the run's settings from .*part\.json: drop --hidden/],
      [['--resume', join(dir, 'nope.json')], /cannot read .*nope\.json: no such file/],
    ];
    const csv = file('points.csv', Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 5},${i % 2}`).join('\n'));
    const onFile = join(dir, 'on-file.json');
    const saved = await cli('train', '--data', csv, '--hidden', '4', '--batch', '8', '--steps', '3', '--checkpoint', onFile);
    expect(saved.code, saved.stderr).toBe(0);
    cases.push([['--resume', onFile], /was trained on a file of yours \(points\.csv\): give it with --data/]);
    for (const [flags, message] of cases) {
      const { code, stderr } = await cli('train', ...flags);
      expect(code, stderr).toBe(2);
      expect(stderr.trim()).toMatch(message);
    }
    const resumed = await cli('train', '--resume', onFile, '--data', csv, '--steps', '2', '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).resumedFrom).toBe(3);
    // The file's test share held out, as the page holds it out: a test accuracy, and a share of one's choosing.
    expect(JSON.parse(resumed.stdout).testAccuracy).toEqual(expect.any(Number));
    const half = await cli('train', '--data', csv, '--test-share', '0.5', '--batch', '4', '--epochs', '1', '--json');
    expect(half.code, half.stderr).toBe(0);
    expect(JSON.parse(half.stdout)).toMatchObject({ steps: 5, testAccuracy: expect.any(Number) });
  });

  it('goes on with the wrong swish′ of a page run that used it, and says before a run when the page will not take its file', async () => {
    const small = join(dir, 'small.json');
    const first = await cli('train', '--dataset', 'xor', '--samples', '30', '--hidden', '4', '--batch', '8', '--steps', '2', '--checkpoint', small);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/note: the page will not resume .*small\.json \(samples must be .*\); this CLI will/);
    // A page run saved before the gallery named its one mistake wrongDerivative.
    const text = readFileSync(small, 'utf8').replace(/"settings": ?\{/, '"settings": { "wrongDerivative": true,');
    expect(text).toMatch(/"wrongDerivative": true/);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, text);
    const resumed = await cli('train', '--resume', wrong, '--steps', '2', '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).mistake).toBe('swish-prime');
  });
});

describe('cli train --problem regression', () => {
  it('fits the plane to a test R² of at least 0.99, printing testRMSE and testR2 (and no accuracy)', async () => {
    const { code, stdout, stderr } = await cli(
      'train',
      '--problem',
      'regression',
      '--dataset',
      'plane',
      '--hidden',
      '8',
      '--lr',
      '0.02',
      '--epochs',
      '30',
      '--json',
    );
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.problem).toBe('regression');
    expect(out.testR2).toBeGreaterThanOrEqual(0.99);
    expect(out.testRMSE).toBeLessThan(0.05);
    // RMSE is √(2 L) of the mean loss L = ½ mean((z − t)²).
    expect(out.testRMSE as number).toBeCloseTo(Math.sqrt(2 * (out.testLoss as number)), 12);
    expect(out.trainR2).toBeGreaterThanOrEqual(0.99);
    for (const key of ['testAccuracy', 'trainAccuracy']) expect(out).not.toHaveProperty(key);
  });

  it('fits the mixture of Gaussians better than its mean, and a file whose last column is a real target', async () => {
    const mix = await cli(
      'train',
      '--problem',
      'regression',
      '--dataset',
      'gauss-mix',
      '--hidden',
      '16,16',
      '--activation',
      'tanh',
      '--lr',
      '0.02',
      '--epochs',
      '20',
      '--json',
    );
    expect(mix.code, mix.stderr).toBe(0);
    expect(JSON.parse(mix.stdout).testR2).toBeGreaterThan(0.2);
    // t = 2 x₁ − x₂ + 0.5 on a grid: a real-valued last column, trained as a regression.
    const rows = Array.from({ length: 200 }, (_, i) => {
      const [x1, x2] = [((i % 20) - 10) / 10, (Math.floor(i / 20) - 5) / 5];
      return `${x1},${x2},${2 * x1 - x2 + 0.5}`;
    });
    const csv = file('real-target.csv', rows.join('\n'));
    const own = await cli(
      'train',
      '--problem',
      'regression',
      '--data',
      csv,
      '--hidden',
      '8',
      '--activation',
      'linear',
      '--lr',
      '0.02',
      '--epochs',
      '40',
      '--json',
    );
    expect(own.code, own.stderr).toBe(0);
    expect(JSON.parse(own.stdout)).toMatchObject({ problem: 'regression', testR2: expect.any(Number) });
    expect(JSON.parse(own.stdout).testR2).toBeGreaterThan(0.99);
  });

  it('saves a run file that carries the problem, and resumes it bit for bit', async () => {
    const run = ['--problem', 'regression', '--dataset', 'plane', '--samples', '200', '--hidden', '6', '--batch', '16', '--seed', '3'];
    const [whole, part] = ['reg-whole.json', 'reg-part.json'].map((n) => join(dir, n));
    const a = await cli('train', ...run, '--steps', '20', '--checkpoint', whole!, '--json');
    expect(a.code, a.stderr).toBe(0);
    const b = await cli('train', ...run, '--steps', '7', '--checkpoint', part!);
    expect(b.code, b.stderr).toBe(0);
    const cp = parseCheckpoint(new Uint8Array(readFileSync(part!)), part!);
    expect(cp.spec).toEqual({ kind: 'mlp', shape: { D: 2, hidden: [6], C: 1, problem: 'regression' } });
    expect(cp.settings).toMatchObject({ problem: 'regression', dataset: 'plane' });
    const c = await cli('train', '--resume', part!, '--steps', '13', '--json');
    expect(c.code, c.stderr).toBe(0);
    const [outA, outC] = [JSON.parse(a.stdout), JSON.parse(c.stdout)];
    expect(outC.resumedFrom).toBe(7);
    expect(outC.finalLoss).toBe(outA.finalLoss);
    expect(outC.testR2).toBe(outA.testR2);
  });
});
