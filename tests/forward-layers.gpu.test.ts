// The network diagram's forward pass: every layer's output on the GPU (the training step's own
// kernels, over more rows than one chunk) against the float64 reference's, on awkward sizes and
// every activation; and the last step's gradients as both engines report them.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Activation } from '../src/reference/activations';
import { DEFAULT_OPTIMIZER } from '../src/reference/optimizer';
import type { EngineId } from '../src/train/engine';
import { Session, type SessionConfig } from '../src/train/session';
import { gpuDevice, randomArray, randomLabels, Rng } from './gpu-context';

const D = 3;
const C = 5;
const ROWS = 1100; // more than EVAL_ROWS (1024): two chunks

/** The largest |a − b| over two arrays of the same length. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

async function twin(hidden: number[], activation: Activation, engines: EngineId[]): Promise<Session> {
  const rng = new Rng(3);
  const N = 40;
  const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D, hidden, C, activation } };
  const config: SessionConfig = { spec, batch: 8, optimizer: { ...DEFAULT_OPTIMIZER, kind: 'sgd', lr: 0.1 }, seed: 9, initScale: 1, engines };
  return Session.create(
    config,
    { train: { name: 'random', X: randomArray(rng, N * D), labels: randomLabels(rng, N, C), N, D, classes: C } },
    await gpuDevice(),
  );
}

describe('forwardLayers', () => {
  for (const activation of ACTIVATIONS) {
    it(`GPU and reference agree on every layer (${activation}, hidden 5-7)`, async () => {
      const session = await twin([5, 7], activation, ['gpu', 'reference']);
      try {
        session.run(3, Infinity);
        await session.flush();
        const X = randomArray(new Rng(17), ROWS * D, 2);
        const gpu = await session.engine('gpu')!.forwardLayers(X, ROWS);
        const ref = await session.engine('reference')!.forwardLayers(X, ROWS);
        expect(gpu && ref).toBeTruthy();
        expect(gpu!.hidden.map((h) => h.length)).toEqual([ROWS * 5, ROWS * 7]);
        expect(gpu!.output.length).toBe(ROWS * C);
        for (let l = 0; l < 2; l++) expect(maxAbsDiff(gpu!.hidden[l]!, ref!.hidden[l]!)).toBeLessThan(1e-4);
        expect(maxAbsDiff(gpu!.output, ref!.output)).toBeLessThan(1e-4);
        expect(gpu!.output.every(Number.isFinite)).toBe(true);
        // Again after more steps, at another row count and back: the kept passes follow the parameters.
        session.run(2, Infinity);
        await session.flush();
        for (const rows of [7, ROWS]) {
          const [g, r] = await Promise.all([session.engine('gpu')!.forwardLayers(X, rows), session.engine('reference')!.forwardLayers(X, rows)]);
          expect(maxAbsDiff(g!.output, r!.output)).toBeLessThan(1e-4);
          expect(maxAbsDiff(g!.hidden[1]!, r!.hidden[1]!)).toBeLessThan(1e-4);
        }
      } finally {
        session.destroy();
      }
    });
  }

  it('gives the last step gradients, null before the first step, for both engines', async () => {
    const session = await twin([6], 'swish', ['gpu', 'reference']);
    try {
      expect(await session.engine('gpu')!.readGrads()).toBeNull();
      expect(await session.engine('reference')!.readGrads()).toBeNull();
      session.run(2, Infinity);
      await session.flush();
      const gpu = (await session.engine('gpu')!.readGrads())!;
      const ref = (await session.engine('reference')!.readGrads())!;
      expect(Object.keys(gpu).sort()).toEqual(['W1', 'W2', 'b1', 'b2']);
      for (const name of Object.keys(gpu)) expect(maxAbsDiff(gpu[name]!, ref[name]!)).toBeLessThan(1e-4);
    } finally {
      session.destroy();
    }
  });

  it('is null for the autoencoder', async () => {
    const rng = new Rng(1);
    const config: SessionConfig = {
      spec: { kind: 'autoencoder', shape: { n: 4, m: 2 } },
      batch: 4,
      optimizer: DEFAULT_OPTIMIZER,
      seed: 1,
      initScale: 1,
      engines: ['gpu', 'reference'],
    };
    const session = await Session.create(
      config,
      { train: { name: 'r', X: randomArray(rng, 32), labels: new Uint32Array(8), N: 8, D: 4, classes: 1 } },
      await gpuDevice(),
    );
    try {
      for (const e of session.engines) expect(await e.forwardLayers(new Float32Array(8), 2)).toBeNull();
    } finally {
      session.destroy();
    }
  });
});
