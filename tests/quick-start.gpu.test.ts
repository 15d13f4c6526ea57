// A quick start (the page's first build): one matmul pipeline for every product, the step's own
// compiled (once a run goes on) and, on a GPU, timed in the background and swapped in between
// steps. The run is the one a full build trains, bit for bit; tuning apart from the step leaves the
// gradients it computed; a session destroyed meanwhile stops cleanly.
import { describe, expect, it, vi } from 'vitest';
import type { DataSplit } from '../src/data/dataset';
import type { Dispatch } from '../src/gpu/kernel';
import { forgetTuning } from '../src/gpu/tune';
import { isCpuAdapter } from '../src/kernels/matmul';
import type { StepMetrics } from '../src/kernels/metrics';
import { GpuModel } from '../src/models/model';
import { MlpNetwork } from '../src/models/mlp';
import { DEFAULT_OPTIMIZER } from '../src/reference/optimizer';
import type { GpuEngine } from '../src/train/gpu-engine';
import { GpuTrainer } from '../src/train/gpu-trainer';
import { Session, type SessionConfig } from '../src/train/session';
import { gpuDevice, randomArray, randomLabels, Rng, trackBuffers } from './gpu-context';
import { uploadDataset } from '../src/gpu/dataset-buffers';

function dataFor(spec: SessionConfig['spec'], N = 90): DataSplit {
  const rng = new Rng(3);
  const D = spec.kind === 'mlp' ? spec.shape.D : spec.shape.n;
  const C = spec.kind === 'mlp' ? spec.shape.C : 1;
  const labels = spec.kind === 'mlp' ? randomLabels(rng, N, C) : new Uint32Array(N);
  return { train: { name: 'random', X: randomArray(rng, N * D), labels, N, D, classes: C } };
}

const config = (spec: SessionConfig['spec']): SessionConfig => ({
  spec,
  batch: 16,
  optimizer: { ...DEFAULT_OPTIMIZER, kind: 'adam', lr: 0.02 },
  seed: 4,
  initScale: 1,
  engines: ['gpu'],
});

async function train(session: Session, steps: number, into: StepMetrics[]): Promise<void> {
  session.onMetrics = (_, metrics) => into.push(...metrics);
  session.run(steps);
  await session.flush();
}

const stepDispatches = (session: Session): Dispatch[] => (session.engine('gpu') as GpuEngine).model.passDispatches();
const onAnyVariant = (list: Dispatch[]) => list.filter((d) => d.pipeline.label.startsWith('matmul/any/')).length;

describe('a quick start', () => {
  for (const spec of [
    { kind: 'mlp', shape: { D: 5, hidden: [12, 7], C: 3, activation: 'gelu' } },
    { kind: 'autoencoder', shape: { n: 9, m: 3 } },
  ] as Array<SessionConfig['spec']>) {
    it(`trains the ${spec.kind} bit for bit as a full build does, with its kernels swapped mid-run`, async () => {
      const device = await gpuDevice();
      const data = dataFor(spec);
      const full = await Session.create(config(spec), data, device);
      const quick = await Session.create(config(spec), data, device, { quickStart: true });
      try {
        const matmuls = stepDispatches(quick).filter((d) => d.pipeline.label.startsWith('matmul/')).length;
        expect(matmuls).toBeGreaterThan(2);
        expect(onAnyVariant(stepDispatches(quick))).toBe(matmuls);
        expect(onAnyVariant(stepDispatches(full))).toBe(0);
        expect(quick.phases.tune).toBe(0);
        const expected: StepMetrics[] = [];
        await train(full, 30, expected);
        const got: StepMetrics[] = [];
        await train(quick, 7, got); // on the kernels for any variant
        await quick.improve();
        expect((quick.engine('gpu') as GpuEngine).improvedError).toBeNull();
        expect(onAnyVariant(stepDispatches(quick))).toBe(0);
        await train(quick, 23, got);
        expect(got.map((m) => m.loss)).toEqual(expected.map((m) => m.loss));
        const [a, b] = await Promise.all([quick.params(), full.params()]);
        for (const name of Object.keys(b)) expect(Array.from(a[name]!), name).toEqual(Array.from(b[name]!));
      } finally {
        full.destroy();
        quick.destroy();
      }
    });
  }

  it('on a CPU adapter, is a full build where the first evaluations are large (the pipeline for any variant would cost more than it saves)', async () => {
    const device = await gpuDevice();
    const cpuAdapter = isCpuAdapter((device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo);
    const small: SessionConfig['spec'] = { kind: 'autoencoder', shape: { n: 300, m: 16 } }; // 4,800 parameters
    // 2 flops × 4,800 parameters × 5,000 rows = 4.8e7: quick; × 6,000 rows = 5.8e7: full, on a CPU adapter.
    for (const [rows, quick] of [
      [5000, true],
      [6000, !cpuAdapter],
    ] as const) {
      const session = await Session.create(config(small), dataFor(small, rows), device, { quickStart: true });
      try {
        const matmuls = stepDispatches(session).filter((d) => d.pipeline.label.startsWith('matmul/')).length;
        expect(onAnyVariant(stepDispatches(session)), `${rows} rows`).toBe(quick ? matmuls : 0);
      } finally {
        session.destroy();
      }
    }
  });

  it('improves its kernels only for a run that goes on: a run half a second after the first, not the first alone', async () => {
    const device = await gpuDevice();
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 4, hidden: [6], C: 2 } };
    const session = await Session.create(config(spec), dataFor(spec), device, { quickStart: true });
    try {
      const matmuls = stepDispatches(session).filter((d) => d.pipeline.label.startsWith('matmul/')).length;
      // Each run at a moment of the clock of our choosing (run() reads it, synchronously), whatever SwiftShader's pace.
      const runAt = async (ms: number, steps: number) => {
        const clock = vi.spyOn(performance, 'now').mockReturnValue(ms);
        try {
          session.run(steps);
        } finally {
          clock.mockRestore();
        }
        await session.flush();
      };
      await runAt(10_000, 5); // one step pressed, or a few: the kernels for any variant serve them
      await runAt(10_499, 1); // more, just under half a second later
      expect(onAnyVariant(stepDispatches(session))).toBe(matmuls);
      await runAt(10_500, 1); // the run goes on: this one starts the improvement, which swaps the kernels by itself
      await expect.poll(() => onAnyVariant(stepDispatches(session)), { timeout: 30_000 }).toBe(0);
    } finally {
      session.destroy();
    }
  });

  it('stops cleanly when its session is destroyed while it improves the kernels', async () => {
    const device = await gpuDevice();
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 4, hidden: [9], C: 2 } };
    const session = await Session.create(config(spec), dataFor(spec), device, { quickStart: true });
    const improving = session.improve();
    session.destroy();
    await improving;
    expect((session.engine('gpu') as GpuEngine).improvedError).toBeNull();
    await device.queue.onSubmittedWorkDone(); // an uncaptured error here would fail the test (gpu-context)
  });
});

describe('tuning apart from the step', () => {
  it('times its own pass, moves the step onto the choices, and leaves the gradients and the run as they were', async () => {
    const device = await gpuDevice();
    forgetTuning(device);
    const shape = { D: 6, hidden: [20], C: 3 };
    const B = 16;
    const data = dataFor({ kind: 'mlp', shape }).train;
    // Two entry points compiled: SwiftShader then has alternatives to time, as a GPU does.
    const network = await MlpNetwork.create(device, shape, { matmulPaths: ['small', 'block'] });
    const make = async () => {
      const model = await GpuModel.create(device, network, { batch: B, optimizer: DEFAULT_OPTIMIZER, tune: false });
      model.setParams(Object.fromEntries(network.layout.slots.map((s) => [s.name, randomArray(new Rng(s.offset + 1), s.count, 0.5)])));
      const set = uploadDataset(device, data);
      model.setData(set);
      const trainer = new GpuTrainer(model, data.N, 2);
      const losses: number[] = [];
      trainer.onMetrics = (m) => losses.push(...m.map((x) => x.loss));
      return { model, set, trainer, losses };
    };
    const tuned = await make();
    const plain = await make();
    try {
      for (const t of [tuned, plain]) {
        t.trainer.run(5);
        await t.trainer.flush();
      }
      const grads = await tuned.model.readGrads();
      const before = tuned.model.stepPaths();
      const tracker = trackBuffers(device);
      try {
        await tuned.model.tune(undefined, { apart: true });
      } finally {
        tracker.stop(); // the tier's files share the device: its createBuffer goes back whatever happens
      }
      expect(tuned.model.tuning.length).toBeGreaterThan(0);
      expect(tuned.model.tuning.every((r) => r.label.startsWith('mlp/train/'))).toBe(true);
      expect(tuned.model.tuning.some((r) => Object.keys(r.ms).length > 1)).toBe(true);
      const chosen = Object.fromEntries(tuned.model.tuning.map((r) => [r.label.split('/').pop(), r.chosen]));
      expect(tuned.model.stepPaths()).toEqual({ ...before, ...chosen });
      // Only the moved dispatches' uniform blocks remain of what it made.
      expect(Object.keys(tracker.labels()).every((l) => l.startsWith('mlp/train/'))).toBe(true);
      const after = await tuned.model.readGrads();
      for (const name of Object.keys(grads)) expect(Array.from(after[name]!), name).toEqual(Array.from(grads[name]!));
      for (const t of [tuned, plain]) {
        t.trainer.run(10);
        await t.trainer.flush();
      }
      expect(tuned.losses).toEqual(plain.losses);
    } finally {
      for (const t of [tuned, plain]) {
        t.trainer.destroy();
        t.model.destroy();
        t.set.destroy();
      }
      forgetTuning(device);
    }
  });
});
