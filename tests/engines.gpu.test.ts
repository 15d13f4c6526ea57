// Every engine (the GPU and the float64 reference) through the one Engine interface, by one suite:
// resume (k steps, a checkpoint through its JSON text, a fresh session, k more steps equal 2k steps
// bit for bit, mid-epoch), a live optimizer change, a weight set between steps, and one SGD step against central differences of
// the true loss. Runs in the browser, where the GPU engine has WebGPU (SwiftShader in CI).
import { describe, expect, it } from 'vitest';
import { rowsAsFloats, targetsAsLabels, type DataSplit, type Dataset } from '../src/data/dataset';
import type { StepMetrics } from '../src/kernels/metrics';
import { autoencoderLoss } from '../src/reference/autoencoder';
import { centralDifferences } from '../src/reference/finite-differences';
import { relativeError } from '../src/reference/linalg';
import { mlpLoss, mlpParamsFrom, mlpTargets, problemOf } from '../src/reference/mlp';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../src/reference/optimizer';
import { captureCheckpoint, restoreCheckpoint } from '../src/train/checkpoint';
import { serializeCheckpoint } from '../src/train/checkpoint-file';
import { parseCheckpoint } from '../src/train/checkpoint-reader';
import type { EngineId, EngineState } from '../src/train/engine';
import { Session, type SessionConfig } from '../src/train/session';
import { gpuDevice, randomArray, randomLabels, Rng } from './gpu-context';

const K = 73; // N = 90, B = 16: 5 steps per epoch, so step 73 is mid-epoch; 2K steps wrap the 64-slot metrics ring
const ENGINES: EngineId[] = ['gpu', 'cpu', 'reference'];
/** Norm-relative error an engine's gradient may have against central differences (float32 on the GPU). */
const GRADIENT_TOLERANCE: Record<EngineId, number> = { gpu: 1e-4, cpu: 1e-4, reference: 1e-6 };

const specs: Array<SessionConfig['spec']> = [
  { kind: 'mlp', shape: { D: 7, hidden: [12], C: 4 } },
  { kind: 'mlp', shape: { D: 5, hidden: [10, 6], C: 1, problem: 'regression' } },
  { kind: 'autoencoder', shape: { n: 9, m: 3 } },
];

/** What a spec is called in a test's name. */
function specName(spec: SessionConfig['spec']): string {
  return spec.kind === 'mlp' && problemOf(spec.shape) === 'regression' ? 'regression' : spec.kind;
}

/** N rows' labels for the spec: classes, a regression's real targets (as float32 bits), or none. */
function labelsFor(spec: SessionConfig['spec'], rng: Rng, N: number): Pick<Dataset, 'labels' | 'regression'> {
  if (spec.kind !== 'mlp') return { labels: new Uint32Array(N) };
  if (problemOf(spec.shape) === 'regression') return { labels: targetsAsLabels(randomArray(rng, N, 2)), regression: true };
  return { labels: randomLabels(rng, N, spec.shape.C) };
}
const optimizers: Array<Partial<OptimizerSettings>> = [
  { kind: 'adam', lr: 0.01, weightDecay: 1e-3 },
  { kind: 'momentum', lr: 0.05, momentum: 0.9, nesterov: true },
  { kind: 'sgd', lr: 0.1, l1: 1e-3 },
];

function dataFor(spec: SessionConfig['spec']): DataSplit {
  const rng = new Rng(5);
  const N = 90;
  const D = spec.kind === 'mlp' ? spec.shape.D : spec.shape.n;
  const C = spec.kind === 'mlp' ? spec.shape.C : 1;
  return { train: { name: 'random', X: randomArray(rng, N * D), ...labelsFor(spec, rng, N), N, D, classes: C } };
}

/**
 * Byte features (as MNIST's pixels) with a test set of more rows than one evaluation chunk (1024 on
 * the GPU), and the same data as the float32 values the bytes stand for.
 */
function byteDataFor(spec: SessionConfig['spec']): { bytes: DataSplit; floats: DataSplit } {
  const rng = new Rng(6);
  const D = spec.kind === 'mlp' ? spec.shape.D : spec.shape.n;
  const C = spec.kind === 'mlp' ? spec.shape.C : 1;
  const set = (name: string, N: number): Dataset => ({
    name,
    X: Uint8Array.from({ length: N * D }, () => (rng.next() < 0.5 ? 0 : rng.int(256))),
    ...labelsFor(spec, rng, N),
    N,
    D,
    classes: C,
  });
  const bytes = { train: set('bytes/train', 90), test: set('bytes/test', 1100) };
  const asFloats = (s: Dataset): Dataset => ({ ...s, X: rowsAsFloats(s, 0, s.N) });
  return { bytes, floats: { train: asFloats(bytes.train), test: asFloats(bytes.test) } };
}

async function sessionOn(engine: EngineId, spec: SessionConfig['spec'], optimizer: Partial<OptimizerSettings>, data = dataFor(spec)): Promise<Session> {
  const config: SessionConfig = { spec, batch: 16, optimizer: { ...DEFAULT_OPTIMIZER, ...optimizer }, seed: 11, initScale: 1, engines: [engine] };
  return Session.create(config, data, engine === 'gpu' ? await gpuDevice() : null);
}

/** Runs `steps` steps and returns their metrics once they have all arrived. */
async function train(session: Session, steps: number): Promise<StepMetrics[]> {
  const got: StepMetrics[] = [];
  session.onMetrics = (_, metrics) => got.push(...metrics);
  session.run(steps, Infinity);
  await session.flush();
  session.onMetrics = null;
  return got;
}

/** Tensors compared as bytes: the first difference, or null. */
function firstDifference(a: EngineState['params'], b: EngineState['params']): string | null {
  for (const name of Object.keys(a)) {
    const [x, y] = [a[name]!, b[name]!];
    const [bx, by] = [new Uint8Array(x.buffer, x.byteOffset, x.byteLength), new Uint8Array(y.buffer, y.byteOffset, y.byteLength)];
    if (bx.length !== by.length) return `${name}: ${x.length} against ${y.length} values`;
    for (let i = 0; i < bx.length; i++)
      if (bx[i] !== by[i])
        return `${name}[${Math.floor(i / x.BYTES_PER_ELEMENT)}]: ${x[Math.floor(i / x.BYTES_PER_ELEMENT)]} against ${y[Math.floor(i / y.BYTES_PER_ELEMENT)]}`;
  }
  return null;
}

function expectSameState(a: EngineState, b: EngineState): void {
  expect(a.step).toBe(b.step);
  expect(a.optimizerStep).toBe(b.optimizerStep);
  expect(firstDifference(a.params, b.params)).toBeNull();
  expect(firstDifference(a.m, b.m)).toBeNull();
  expect(firstDifference(a.v, b.v)).toBeNull();
}

describe.each(ENGINES)('the %s engine', (engine) => {
  for (const spec of specs) {
    for (const overrides of optimizers) {
      it(`resumes ${specName(spec)} with ${overrides.kind}: ${K} + ${K} steps equal ${2 * K} steps bit for bit`, async () => {
        const straight = await sessionOn(engine, spec, overrides);
        const straightMetrics = await train(straight, 2 * K);
        const straightState = (await captureCheckpoint(straight, {})).engines[engine]!;
        straight.destroy();

        const first = await sessionOn(engine, spec, overrides);
        await train(first, K);
        const text = serializeCheckpoint(await captureCheckpoint(first, { seed: 11, note: 'test' }));
        first.destroy();

        const resumed = await sessionOn(engine, spec, overrides);
        const checkpoint = parseCheckpoint(text, 'run.json');
        expect(checkpoint.engines[engine]!.step).toBe(K);
        await restoreCheckpoint(resumed, checkpoint);
        expect(resumed.step).toBe(K);
        const resumedMetrics = await train(resumed, K);
        const resumedState = (await captureCheckpoint(resumed, {})).engines[engine]!;
        resumed.destroy();

        expect(resumedMetrics.map((m) => m.step)).toEqual(straightMetrics.slice(K).map((m) => m.step));
        expect(resumedMetrics).toEqual(straightMetrics.slice(K)); // the losses, exactly
        expectSameState(resumedState, straightState);
        expect(straightMetrics.at(-1)!.loss).toBeLessThan(straightMetrics[0]!.loss); // it trained
      });
    }
  }

  for (const spec of specs) {
    it(`trains and evaluates ${specName(spec)} on byte features exactly as on the float32 values they stand for`, async () => {
      const { bytes, floats } = byteDataFor(spec);
      const results = [];
      for (const data of [bytes, floats]) {
        const session = await sessionOn(engine, spec, optimizers[0]!, data);
        const metrics = await train(session, 14); // across epochs
        const state = (await captureCheckpoint(session, {})).engines[engine]!;
        const test = await session.engine(engine)!.evaluate('test', { predictions: true });
        session.destroy();
        results.push({ metrics, state, test });
      }
      const [fromBytes, fromFloats] = results as [(typeof results)[0], (typeof results)[0]];
      expect(fromBytes.metrics).toEqual(fromFloats.metrics);
      expectSameState(fromBytes.state, fromFloats.state);
      expect(fromBytes.test).toEqual(fromFloats.test);
      expect(fromBytes.test!.rows).toBe(1100);
    });
  }

  it('applies a learning-rate change at the next step, keeping the moments; a new kind clears them', async () => {
    const spec = specs[0]!;
    const adam: OptimizerSettings = { ...DEFAULT_OPTIMIZER, kind: 'adam', lr: 0.01 };
    const faster: OptimizerSettings = { ...adam, lr: 0.03 };
    const live = await sessionOn(engine, spec, adam);
    const before = await train(live, K);
    await live.setOptimizer(faster);
    expect(live.optimizer.lr).toBe(0.03);
    const after = await train(live, 10);
    const liveState = (await captureCheckpoint(live, {})).engines[engine]!;

    const unchanged = await sessionOn(engine, spec, adam);
    const unchangedMetrics = await train(unchanged, K + 10);
    expect(unchangedMetrics.slice(0, K)).toEqual(before);
    expect(after[0]).toEqual(unchangedMetrics[K]); // step K's loss is taken before its update
    expect(after[1]!.loss).not.toBe(unchangedMetrics[K + 1]!.loss); // the new rate moved step K

    // The same as stopping at step K and going on with the new rate and the moments kept.
    const stopped = await sessionOn(engine, spec, adam);
    await train(stopped, K);
    const cp = await captureCheckpoint(stopped, {});
    const restarted = await sessionOn(engine, spec, adam);
    await restoreCheckpoint(restarted, { ...cp, optimizer: faster });
    await train(restarted, 10);
    expectSameState((await captureCheckpoint(restarted, {})).engines[engine]!, liveState);

    await live.setOptimizer({ ...DEFAULT_OPTIMIZER, kind: 'momentum', lr: 0.01 });
    const cleared = (await captureCheckpoint(live, {})).engines[engine]!;
    expect(cleared.optimizerStep).toBe(0);
    for (const part of [cleared.m, cleared.v]) for (const values of Object.values(part)) expect(values.every((x) => x === 0)).toBe(true);
    for (const s of [live, unchanged, stopped, restarted]) s.destroy();
  });

  it('takes a weight set between steps from the next step on, exactly as a run restored with it', async () => {
    const spec = specs[0]!;
    const adam = optimizers[0]!;
    const [tensor, index, value] = ['W1', 5, 2.345678901]; // not a float32: every engine takes its float32 rounding
    const edited = await sessionOn(engine, spec, adam);
    await train(edited, K);
    edited.run(3, Infinity); // steps in flight (queued jobs on the CPU engine): the entry waits for them
    await edited.setParamEntry(tensor, index, value);
    const atEdit = await edited.params();
    expect(atEdit[tensor]![index]).toBe(Math.fround(value));
    const after = (await train(edited, 10)).filter((m) => m.step >= K + 3); // the GPU's metrics of the 3 come with these
    const editedState = (await captureCheckpoint(edited, {})).engines[engine]!;

    // The same as stopping at step K + 3, changing that entry in the saved state and going on.
    const stopped = await sessionOn(engine, spec, adam);
    await train(stopped, K + 3);
    const cp = await captureCheckpoint(stopped, {});
    const state = cp.engines[engine]!;
    const params = Object.fromEntries(Object.entries(state.params).map(([name, p]) => [name, p.slice()]));
    params[tensor]![index] = Math.fround(value);
    const restarted = await sessionOn(engine, spec, adam);
    await restoreCheckpoint(restarted, { ...cp, engines: { [engine]: { ...state, params } } });
    const restartedMetrics = await train(restarted, 10);
    expect(after).toEqual(restartedMetrics); // the losses, exactly: step K + 3's forward pass already has the entry
    expectSameState((await captureCheckpoint(restarted, {})).engines[engine]!, editedState);

    const unchanged = await train(stopped, 1);
    expect(after[0]!.step).toBe(K + 3);
    expect(after[0]!.loss).not.toBe(unchanged[0]!.loss); // and the entry changed that forward pass
    await expect(edited.setParamEntry(tensor, 1e6, 1)).rejects.toThrow(/has no entry/);
    await expect(edited.setParamEntry('W9', 0, 1)).rejects.toThrow(/no tensor W9/);
    for (const s of [edited, stopped, restarted]) s.destroy();
  });

  for (const spec of specs) {
    it(`takes one SGD step along the gradient of the true loss (${specName(spec)}, central differences)`, async () => {
      const session = await sessionOn(engine, spec, { kind: 'sgd', lr: 1 });
      const before = await session.params();
      const { X, labels, B } = session.batchAt(0);
      await train(session, 1);
      const after = await session.params();
      const X64 = Float64Array.from(X);
      for (const name of Object.keys(before)) {
        const p0 = Float64Array.from(before[name]!);
        const loss = (x: Float64Array): number => {
          if (spec.kind === 'autoencoder') return autoencoderLoss(spec.shape, x, X64, B);
          const params = mlpParamsFrom(spec.shape, { ...before, [name]: x });
          return mlpLoss(spec.shape, params, X64, mlpTargets(spec.shape, labels), B);
        };
        const expected = centralDifferences(loss, p0);
        // With lr = 1 and no decay, the step is the gradient: p0 − p1.
        const step = p0.map((p, i) => p - after[name]![i]!);
        expect(relativeError(step, expected), name).toBeLessThan(GRADIENT_TOLERANCE[engine]);
      }
      session.destroy();
    });
  }
});
