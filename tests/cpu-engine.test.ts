// The float32 WebAssembly CPU engine (src/train/cpu-engine.ts, wasm/engine.ts) against the float64
// reference on awkward sizes, for every activation and depth, every optimizer, the mistakes and the
// autoencoder; one thread against two threads bit for bit; evaluation, layer outputs, gradients
// and capture/restore. In Node, whose worker threads share memory without any header.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { targetsAsLabels, type DataSplit } from '../src/data/dataset';
import type { StepMetrics } from '../src/kernels/metrics';
import { ACTIVATIONS } from '../src/reference/activations';
import { problemOf } from '../src/reference/mlp';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../src/reference/optimizer';
import type { Mistake } from '../src/reference/mistakes';
import type { EngineId } from '../src/train/engine';
import { Session, type SessionConfig } from '../src/train/session';
import { randomArray, randomLabels, Rng } from './gpu-context';

function dataFor(spec: SessionConfig['spec'], N = 61): DataSplit {
  const rng = new Rng(5);
  const D = spec.kind === 'mlp' ? spec.shape.D : spec.shape.n;
  const C = spec.kind === 'mlp' ? spec.shape.C : 1;
  const regression = spec.kind === 'mlp' && problemOf(spec.shape) === 'regression';
  // A regression's targets are real numbers carried as float32 bits (Dataset.regression).
  const labelsFor = (n: number): Uint32Array =>
    regression ? targetsAsLabels(randomArray(rng, n, 2)) : spec.kind === 'mlp' ? randomLabels(rng, n, C) : new Uint32Array(n);
  const kind = regression ? { regression: true as const } : {};
  const test = { name: 'test', X: randomArray(rng, 37 * D), labels: labelsFor(37), N: 37, D, classes: C, ...kind };
  return { train: { name: 'random', X: randomArray(rng, N * D), labels: labelsFor(N), N, D, classes: C, ...kind }, test };
}

interface RunOptions {
  optimizer?: Partial<OptimizerSettings>;
  mistake?: Mistake;
  threads?: number;
  batch?: number;
  /** Training rows (61 unless said). */
  rows?: number;
}

async function session(engine: EngineId, spec: SessionConfig['spec'], data: DataSplit, o: RunOptions = {}): Promise<Session> {
  const config: SessionConfig = {
    spec,
    batch: o.batch ?? 13,
    optimizer: { ...DEFAULT_OPTIMIZER, ...o.optimizer },
    seed: 3,
    initScale: 1,
    engines: [engine],
    mistake: o.mistake,
    cpuThreads: o.threads,
  };
  return Session.create(config, data, null);
}

async function train(s: Session, steps: number): Promise<StepMetrics[]> {
  const got: StepMetrics[] = [];
  s.onMetrics = (_, m) => got.push(...m);
  s.run(steps, Infinity);
  await s.flush();
  return got;
}

/** Worst |a − b| / max(1, |b|) over two tensors' elements. */
function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return w;
}

async function compare(spec: SessionConfig['spec'], o: RunOptions, steps: number, tolerance = 1e-4): Promise<void> {
  const data = dataFor(spec, o.rows);
  const cpu = await session('cpu', spec, data, o);
  const ref = await session('reference', spec, data, o);
  try {
    const [a, b] = [await train(cpu, steps), await train(ref, steps)];
    expect(a.map((m) => m.step)).toEqual(b.map((m) => m.step));
    for (let i = 0; i < steps; i++) {
      expect(Math.abs(a[i]!.loss - b[i]!.loss) / Math.max(1, Math.abs(b[i]!.loss)), `loss at step ${i}`).toBeLessThan(tolerance);
      expect(a[i]!.accuracy).toBeCloseTo(b[i]!.accuracy, 9);
    }
    const [pa, pb] = [await cpu.params(), await ref.params()];
    for (const name of Object.keys(pb)) expect(worst(pa[name]!, pb[name]!), name).toBeLessThan(tolerance);
    const [ga, gb] = [await cpu.leader.readGrads(), await ref.leader.readGrads()];
    for (const name of Object.keys(gb!)) expect(worst(ga![name]!, gb![name]!), `d${name}`).toBeLessThan(tolerance);
    const [ea, eb] = [await cpu.leader.evaluate('test'), await ref.leader.evaluate('test')];
    expect(Math.abs(ea!.loss - eb!.loss) / Math.max(1, eb!.loss), 'test loss').toBeLessThan(tolerance);
    expect(ea!.accuracy === undefined, 'accuracy only for a classifier').toBe(eb!.accuracy === undefined);
  } finally {
    cpu.destroy();
    ref.destroy();
  }
}

describe('the CPU engine against the float64 reference', () => {
  for (const activation of ACTIVATIONS) {
    it(`${activation}, two hidden layers of awkward widths`, async () => {
      await compare({ kind: 'mlp', shape: { D: 11, hidden: [9, 6], C: 5, activation } }, { optimizer: { lr: 0.2 } }, 6);
    });
  }
  it('one to four hidden layers, 1 and 3 threads', async () => {
    for (const hidden of [[17], [5, 8, 3], [10, 7, 9, 13]]) {
      for (const threads of [1, 3]) await compare({ kind: 'mlp', shape: { D: 19, hidden, C: 3 } }, { threads }, 5);
    }
  });
  it('a regression (one linear output, squared error) at depths 1 to 4, every activation, 1 and 2 threads', async () => {
    for (const hidden of [[9], [7, 5], [6, 8, 3], [5, 4, 6, 7]]) {
      for (const threads of [1, 2])
        await compare({ kind: 'mlp', shape: { D: 3, hidden, C: 1, problem: 'regression' } }, { threads, optimizer: { lr: 0.1 } }, 6);
    }
    for (const activation of ACTIVATIONS) {
      await compare({ kind: 'mlp', shape: { D: 5, hidden: [7, 4], C: 1, activation, problem: 'regression' } }, { optimizer: { kind: 'sgd', lr: 0.2 } }, 5);
    }
    for (const mistake of ['swish-prime', 'no-batch-mean', 'bias-one-row', 'update-sign'] as const) {
      await compare({ kind: 'mlp', shape: { D: 4, hidden: [6], C: 1, problem: 'regression' } }, { mistake, optimizer: { lr: 0.05 } }, 4);
    }
  });
  it('momentum (Nesterov) and Adam with weight decay and L1', async () => {
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 6, hidden: [14], C: 4 } };
    await compare(spec, { optimizer: { kind: 'momentum', lr: 0.05, nesterov: true, weightDecay: 1e-3 } }, 8);
    await compare(spec, { optimizer: { kind: 'adam', lr: 0.01, l1: 1e-3 } }, 8);
  });
  it('every mistake of the MLP and of the autoencoder', async () => {
    for (const mistake of ['swish-prime', 'w2-layout', 'no-batch-mean', 'no-one-hot', 'bias-one-row', 'update-sign'] as const) {
      await compare({ kind: 'mlp', shape: { D: 7, hidden: [6, 5], C: 3 } }, { mistake, optimizer: { lr: 0.05 } }, 4);
    }
    for (const mistake of ['none', 'no-batch-mean', 'ae-one-term', 'update-sign'] as const) {
      await compare({ kind: 'autoencoder', shape: { n: 13, m: 3 } }, { mistake, optimizer: { lr: 0.01 } }, 4);
    }
  });
});

describe('the CPU engine on its own', () => {
  /** The bytes of every parameter and moment, after `steps` steps on `threads` threads. */
  async function stateBytes(spec: SessionConfig['spec'], data: DataSplit, o: RunOptions, steps: number): Promise<{ losses: number[]; bytes: Uint8Array[] }> {
    const s = await session('cpu', spec, data, o);
    try {
      const losses = (await train(s, steps)).map((m) => m.loss);
      const state = await s.leader.capture();
      const bytes = [state.params, state.m, state.v].flatMap((part) =>
        Object.keys(part)
          .sort()
          .map((k) => new Uint8Array(part[k]!.buffer.slice(0))),
      );
      return { losses, bytes };
    } finally {
      s.destroy();
    }
  }

  it('gives the same bits on 1, 2 and 3 threads (its sums keep one order)', async () => {
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 23, hidden: [19, 7], C: 6, activation: 'gelu' } };
    const data = dataFor(spec, 97);
    const o: RunOptions = { batch: 29, optimizer: { kind: 'adam', lr: 0.01, weightDecay: 1e-3 } };
    const one = await stateBytes(spec, data, { ...o, threads: 1 }, 70); // more than one job of 64 steps
    for (const threads of [2, 3]) {
      const many = await stateBytes(spec, data, { ...o, threads }, 70);
      expect(many.losses, `${threads} threads`).toEqual(one.losses);
      expect(many.bytes, `${threads} threads`).toEqual(one.bytes);
    }
  });

  it('splits its products into cache panels with no change to any sum: large sizes, against the reference and across threads', async () => {
    // D·H above the 128 Ki floats of a forward panel and B above the 512 k's of a dW block (wasm/gemm.ts),
    // so both products are cut; 1100 units on 2 threads leave rows, and D = 130 columns, past the blocks.
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 130, hidden: [1100], C: 10 } };
    const data = dataFor(spec, 1030);
    await compare(spec, { batch: 1030, rows: 1030, threads: 2, optimizer: { lr: 0.05 } }, 2);
    const [one, two] = [await stateBytes(spec, data, { batch: 1030, threads: 1 }, 2), await stateBytes(spec, data, { batch: 1030, threads: 2 }, 2)];
    expect(two.bytes).toEqual(one.bytes);
  });

  it('keeps the heap flat over 10,000 steps (nothing it allocates per step outlives the step)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 6, hidden: [12, 7], C: 3 } };
    for (const threads of [1, 2]) {
      const s = await session('cpu', spec, dataFor(spec), { threads, optimizer: { kind: 'adam', lr: 0.001 } });
      try {
        let last = 0;
        s.onMetrics = (_, m) => (last = m.at(-1)!.loss);
        s.run(500, Infinity);
        await s.flush();
        gc();
        const before = process.memoryUsage().heapUsed;
        for (let i = 0; i < 10; i++) {
          s.run(1000, Infinity);
          await s.flush();
        }
        gc();
        const grown = process.memoryUsage().heapUsed - before;
        expect(s.step).toBe(10_500);
        expect(Number.isFinite(last)).toBe(true);
        expect(grown, `${threads} thread(s): ${grown} bytes`).toBeLessThan(512 * 1024);
      } finally {
        s.destroy();
      }
    }
  });

  it('on one thread keeps to its budget, counting only the steps it ran', async () => {
    // 64 steps of this size are over 100 MFLOP, far more than the 1 ms budget on any CPU.
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 100, hidden: [100], C: 3 } };
    const s = await session('cpu', spec, dataFor(spec, 64), { threads: 1, batch: 32 });
    try {
      s.run(256, 1); // one job of a quarter of the steps, then the budget is spent and it yields
      await s.flush();
      expect(s.step).toBe(64);
      s.run(100, Infinity);
      await s.flush();
      expect(s.step).toBe(164);
    } finally {
      s.destroy();
    }
  });

  it('reads and changes its state between jobs, while more steps are queued (as in a race)', async () => {
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 8, hidden: [10], C: 4 } };
    const data = dataFor(spec);
    const o: RunOptions = { threads: 2, optimizer: { kind: 'adam', lr: 0.01 } };
    const racing = await session('cpu', spec, data, o);
    const plain = await session('cpu', spec, data, o);
    try {
      racing.run(10, Infinity);
      const captured = racing.leader.capture(); // asked for with 10 steps queued, before 10 more
      const params = racing.params();
      const changed = racing.setOptimizer({ ...racing.optimizer, lr: 0.001 });
      racing.run(10, Infinity);
      await train(plain, 10);
      const state = await captured;
      expect(state.step).toBe(10);
      expect(state.optimizerStep).toBe(10);
      expect(state.params).toEqual(await plain.leader.capture().then((p) => p.params));
      expect(await params).toEqual(await plain.params());
      await changed;
      await plain.setOptimizer({ ...plain.optimizer, lr: 0.001 });
      await racing.flush();
      await train(plain, 10);
      expect(await racing.params()).toEqual(await plain.params()); // the new rate from step 10 on, in both
    } finally {
      racing.destroy();
      plain.destroy();
    }
  });

  it('ends a job in flight when it is destroyed, with an error instead of a wait for ever', async () => {
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 64, hidden: [256], C: 10 } };
    const s = await session('cpu', spec, dataFor(spec, 128), { threads: 2, batch: 128 });
    s.run(64, Infinity);
    await new Promise((r) => setTimeout(r, 5));
    const engine = s.engines[0]!;
    s.destroy();
    await expect(engine.flush()).rejects.toThrow(/stopped/);
    // The session itself refuses new work in words of its own.
    await expect(s.flush()).rejects.toThrow(/replaced/);
  });

  it('evaluates a set larger than one forward job, and its layer outputs are the reference’s', async () => {
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 5, hidden: [6, 4], C: 3, activation: 'tanh' } };
    const rng = new Rng(9);
    const N = 2000; // two forward jobs of 1024 rows or fewer (the reference evaluates up to 2000 rows)
    const train = { name: 'train', X: randomArray(rng, 40 * 5), labels: randomLabels(rng, 40, 3), N: 40, D: 5, classes: 3 };
    const test = { name: 'test', X: randomArray(rng, N * 5), labels: randomLabels(rng, N, 3), N, D: 5, classes: 3 };
    const data: DataSplit = { train, test };
    const cpu = await session('cpu', spec, data, { threads: 2 });
    const ref = await session('reference', spec, data);
    try {
      const [a, b] = [await cpu.leader.evaluate('test', { predictions: true }), await ref.leader.evaluate('test', { predictions: true })];
      expect(a!.rows).toBe(N);
      expect(Math.abs(a!.loss - b!.loss) / b!.loss).toBeLessThan(1e-5);
      expect(a!.accuracy).toBeCloseTo(b!.accuracy!, 2); // a tie between classes may break the other way
      let same = 0;
      for (let i = 0; i < N; i++) if (a!.predicted![i] === b!.predicted![i]) same++;
      expect(same / N).toBeGreaterThan(0.99);
      const rows = 1100;
      const [la, lb] = [await cpu.leader.forwardLayers(test.X.subarray(0, rows * 5), rows), await ref.leader.forwardLayers(test.X.subarray(0, rows * 5), rows)];
      la!.hidden.forEach((h, l) => expect(worst(h, lb!.hidden[l]!), `layer ${l + 1}`).toBeLessThan(1e-5));
      expect(worst(la!.output, lb!.output), 'output').toBeLessThan(1e-5);
    } finally {
      cpu.destroy();
      ref.destroy();
    }
  });

  it('continues from a captured state bit for bit, and a changed optimizer kind clears its moments', async () => {
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 8, hidden: [10], C: 4 } };
    const data = dataFor(spec);
    const o: RunOptions = { threads: 2, optimizer: { kind: 'momentum', lr: 0.05 } };
    const whole = await session('cpu', spec, data, o);
    const half = await session('cpu', spec, data, o);
    const resumed = await session('cpu', spec, data, o);
    try {
      const all = await train(whole, 12);
      await train(half, 6);
      await resumed.leader.restore(await half.leader.capture(), whole.optimizer);
      expect(resumed.step).toBe(6);
      const rest = await train(resumed, 6);
      expect(rest.map((m) => [m.step, m.loss])).toEqual(all.slice(6).map((m) => [m.step, m.loss]));
      expect(await resumed.params()).toEqual(await whole.params());
      await resumed.setOptimizer({ ...whole.optimizer, kind: 'adam', lr: 0.01 });
      const state = await resumed.leader.capture();
      expect(state.optimizerStep).toBe(0);
      for (const m of Object.values(state.m)) expect(m.every((x) => x === 0)).toBe(true);
    } finally {
      for (const s of [whole, half, resumed]) s.destroy();
    }
  });
});
