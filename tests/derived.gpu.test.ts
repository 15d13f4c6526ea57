// A student's derivation trained on the GPU (src/models/derived.ts): with a right derivation, 20
// steps give the built-in kernels' losses to float32 rounding (same seed, same batches); a wrong one
// trains differently; the page's build (with a step estimate) takes it; every assignment's lowered
// kernels compile; refusals are in words.
import { describe, expect, it } from 'vitest';
import { ASSIGNMENTS, assignmentProblem, checkDerivation, solutionText } from '../src/derive';
import { lowerDerivation } from '../src/derive/lower';
import type { DataSplit } from '../src/data/dataset';
import { Kernel } from '../src/gpu/kernel';
import type { StepMetrics } from '../src/kernels/metrics';
import { derivationFor } from '../src/models/derivation';
import { DEFAULT_OPTIMIZER } from '../src/reference/optimizer';
import { Session, type SessionConfig } from '../src/train/session';
import { gpuDevice, randomArray, randomLabels, Rng } from './gpu-context';

const SEED_LINES = `dZ  = (A - T) / B
dW2 = dZ.T @ Y1
db2 = sum(dZ, 0)
dY1 = dZ @ W2
dV1 = dY1 * sigmoid(V1) * (1 + V1 * (1 - sigmoid(V1)))
dW1 = dV1.T @ X
db1 = sum(dV1, 0)`;

const TWO_TANH = `dZ = (A - T) / B
dW3 = dZ.T @ Y2
db3 = sum(dZ, 0)
dV2 = (dZ @ W3) * (1 - Y2 * Y2)
dW2 = dV2.T @ Y1
db2 = mean(dV2, 0) * B
dV1 = (dV2 @ W2) * (1 - tanh(V1) ** 2)
G1 = X.T.T.T @ dV1
dW1 = G1.T
db1 = ones(1, B) @ dV1`;

const AUTOENCODER = `dV = V / B
dW = (W @ dV.T) @ X + Z.T @ dV`;

function data(D: number, classes: number): DataSplit {
  const rng = new Rng(5);
  const set = (name: string, N: number) => ({ name, X: randomArray(rng, N * D), labels: randomLabels(rng, N, classes), N, D, classes });
  return { train: set('train', 61), test: set('test', 20) };
}

/** The GPU engine's losses over `steps` steps, with the built-in backward or a derivation's. */
async function losses(spec: SessionConfig['spec'], derivation: string | undefined, steps = 20): Promise<number[]> {
  const classes = spec.kind === 'mlp' ? spec.shape.C : 1;
  const D = spec.kind === 'mlp' ? spec.shape.D : spec.shape.n;
  const config: SessionConfig = {
    spec,
    batch: 9,
    optimizer: { ...DEFAULT_OPTIMIZER, kind: 'adam', lr: 0.02 },
    seed: 4,
    initScale: 1,
    engines: ['gpu'],
    ...(derivation === undefined ? {} : { derivation }),
  };
  const session = await Session.create(config, data(D, classes), await gpuDevice());
  const got: StepMetrics[] = [];
  session.onMetrics = (_, m) => got.push(...m);
  session.run(steps, Infinity);
  await session.flush();
  await session.close();
  expect(got.map((m) => m.step)).toEqual(Array.from({ length: steps }, (_, i) => i));
  return got.map((m) => m.loss);
}

function expectSameLosses(a: number[], b: number[]): void {
  for (const [i, x] of a.entries()) expect(Math.abs(x - b[i]!), `step ${i + 1}: ${x} vs ${b[i]}`).toBeLessThan(1e-5);
}

describe('training with a derivation on the GPU', () => {
  it("the seed's seven lines train the two-layer swish MLP as the built-in kernels do, step for step", async () => {
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 4, hidden: [7], C: 3 } };
    expectSameLosses(await losses(spec, SEED_LINES), await losses(spec, undefined));
  });

  it('a two-hidden-layer tanh network, written with transposes, a mean, ones and a helper line read back', async () => {
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 5, hidden: [6, 4], C: 3, activation: 'tanh' } };
    expectSameLosses(await losses(spec, TWO_TANH), await losses(spec, undefined));
  });

  it('the autoencoder with both terms of dW', async () => {
    const spec: SessionConfig['spec'] = { kind: 'autoencoder', shape: { n: 6, m: 2 } };
    expectSameLosses(await losses(spec, AUTOENCODER), await losses(spec, undefined));
  });

  it("the seed's wrong swish′ trains, and differently", async () => {
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 4, hidden: [7], C: 3 } };
    const wrong = SEED_LINES.replace('(1 + V1 * (1 - sigmoid(V1)))', '(2 - sigmoid(V1))');
    const right = await losses(spec, undefined);
    const mistaken = await losses(spec, wrong);
    expect(mistaken[0]).toBeCloseTo(right[0]!, 5); // the same first forward pass
    expect(mistaken.some((x, i) => Math.abs(x - right[i]!) > 1e-4)).toBe(true);
  });

  it('builds as the page builds it: the step estimate times the whole batch, which alone the derivation was lowered for', async () => {
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 4, hidden: [7], C: 3 } };
    const config: SessionConfig = { spec, batch: 9, optimizer: { ...DEFAULT_OPTIMIZER }, seed: 1, initScale: 1, engines: ['gpu'], derivation: SEED_LINES };
    const session = await Session.create(config, data(4, 3), await gpuDevice(), { estimate: true, quickStart: true });
    try {
      expect(session.stepEstimate).toMatchObject({ rows: 9, batch: 9 });
      expect(session.stepEstimate!.ms).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  });

  it('refuses a derivation with an error, a missing gradient, or other engines, in words', async () => {
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 4, hidden: [7], C: 3 } };
    expect(() => derivationFor(SEED_LINES.replace('dZ.T @ Y1', 'dZ @ Y1'), spec, 9)).toThrow(/Cannot train with this derivation: fix the line in error first/);
    expect(() => derivationFor('dZ = (A - T) / B', spec, 9)).toThrow(/define dW2, db2, dW1, db1 first|define .*dW1/);
    const config: SessionConfig = {
      spec,
      batch: 9,
      optimizer: { ...DEFAULT_OPTIMIZER },
      seed: 1,
      initScale: 1,
      engines: ['gpu', 'cpu'],
      derivation: SEED_LINES,
    };
    await expect(Session.create(config, data(4, 3), await gpuDevice())).rejects.toThrow(/GPU engine alone/);
  });

  it("every assignment's solution lowers to kernels that compile", async () => {
    const device = await gpuDevice();
    for (const a of ASSIGNMENTS) {
      const report = checkDerivation(solutionText(a), assignmentProblem(a, 1), { required: a.required });
      expect(report.summary.allRight, a.id).toBe(true);
      const program = lowerDerivation(report);
      expect(program.steps.length).toBeGreaterThan(0);
      for (const [i, step] of program.steps.entries()) {
        if (step.kind !== 'entrywise') continue;
        await expect(Kernel.create(device, { label: `derive/${a.id}/${i}`, code: step.code, inputs: step.inputs.length, outputs: 1 })).resolves.toBeInstanceOf(
          Kernel,
        );
      }
    }
  });
});
