// A build's progress and its estimate of the step's time, on the browser's adapter: the phases are
// reported as they start, in order; the estimate times the whole batch of a small model and a slice
// of a larger one's, leaves the parameters and the step count as they were, frees what it made, and
// is within a factor of 4 of the steps that follow.
import { describe, expect, it } from 'vitest';
import type { DataSplit, Dataset } from '../src/data/dataset';
import { Rng } from '../src/base/rng';
import { DEFAULT_OPTIMIZER } from '../src/reference/optimizer';
import { estimateStep } from '../src/models/step-estimate';
import type { GpuEngine, BuildProgress } from '../src/train/gpu-engine';
import { Session, type SessionConfig } from '../src/train/session';
import { gpuDevice, randomArray, randomLabels, trackBuffers } from './gpu-context';

function dataset(N: number, D: number, C: number, seed: number): DataSplit {
  const rng = new Rng(seed);
  const train: Dataset = { name: 'random', X: randomArray(rng, N * D), labels: randomLabels(rng, N, C), N, D, classes: C };
  return { train };
}

const config = (data: DataSplit, hidden: number[], batch: number): SessionConfig => ({
  spec: { kind: 'mlp', shape: { D: data.train.D, hidden, C: data.train.classes } },
  batch,
  optimizer: { ...DEFAULT_OPTIMIZER, kind: 'sgd', lr: 0.1 },
  seed: 1,
  initScale: 1,
  engines: ['gpu'],
});

describe('a build reports its phases and estimates the step', () => {
  it('reports compile, tune, upload and estimate as they start; a small model is timed on its whole batch', async () => {
    const device = await gpuDevice();
    const data = dataset(40, 5, 3, 1);
    const seen: BuildProgress[] = [];
    const session = await Session.create(config(data, [6, 4], 16), data, device, { estimate: true, onProgress: (p) => seen.push(p) });
    try {
      // The tuner's per-product progress comes between 'tune' and 'upload' where it times anything (not on SwiftShader).
      const phases = seen.filter((p) => p.current === undefined).map((p) => p.phase);
      expect(phases).toEqual(['compile', 'tune', 'upload', 'estimate']);
      for (const p of seen.filter((q) => q.current !== undefined)) {
        expect(p.phase).toBe('tune');
        expect(p.current! >= 1 && p.current! <= p.total!, JSON.stringify(p)).toBe(true);
      }
      const e = session.stepEstimate!;
      expect(e.rows).toBe(16);
      expect(e.batch).toBe(16);
      expect(e.ms > 0 && Number.isFinite(e.ms), JSON.stringify(e)).toBe(true);
      expect(session.phases.estimate).toBeGreaterThan(0);
      expect(session.step).toBe(0);
    } finally {
      session.destroy();
    }
  });

  it('times a slice of a larger batch, changes no parameter, frees its buffers, and is near the steps that follow', { timeout: 60_000 }, async () => {
    const device = await gpuDevice();
    const data = dataset(1024, 128, 10, 2);
    const session = await Session.create(config(data, [512], 1024), data, device);
    const model = (session.engine('gpu') as GpuEngine).model;
    try {
      const before = await session.params();
      const tracker = trackBuffers(device);
      // maxWholeMs 0: a slice, on any device (SwiftShader slices this one anyway: a whole pass takes some 200 ms).
      const e = await estimateStep(model, { maxWholeMs: 0 });
      tracker.stop();
      expect(tracker.labels()).toEqual({}); // every buffer it made is destroyed
      expect(e.rows).toBeGreaterThanOrEqual(64);
      expect(e.rows).toBeLessThan(1024);
      expect(e.batch).toBe(1024);
      expect(e.ms > 0 && Number.isFinite(e.ms), JSON.stringify(e)).toBe(true);
      const after = await session.params();
      for (const name of Object.keys(before)) expect(after[name], name).toEqual(before[name]);
      expect(session.step).toBe(0);
      // Three steps, timed: the estimate is of the same order (a factor of 30 either way). Not a speed
      // test: it catches a wrong unit or a slice scaled wrongly, and tolerates a CI machine whose other
      // test files load the same cores while one side is timed (7× was seen there).
      session.run(1);
      await session.flush();
      const started = performance.now();
      session.run(3);
      await session.flush();
      const stepMs = (performance.now() - started) / 3;
      expect(e.ms / stepMs, `estimate ${e.ms} ms, steps ${stepMs} ms`).toBeGreaterThan(1 / 30);
      expect(e.ms / stepMs, `estimate ${e.ms} ms, steps ${stepMs} ms`).toBeLessThan(30);
    } finally {
      session.destroy();
    }
  });

  it('estimates the autoencoder too, and a session built without asking has no estimate', async () => {
    const device = await gpuDevice();
    const data = dataset(64, 12, 1, 3);
    const ae: SessionConfig = { ...config(data, [4], 32), spec: { kind: 'autoencoder', shape: { n: 12, m: 3 } } };
    const session = await Session.create(ae, data, device, { estimate: true });
    const plain = await Session.create(ae, data, device);
    try {
      expect(session.stepEstimate!.ms).toBeGreaterThan(0);
      expect(plain.stepEstimate).toBeNull();
      expect(plain.phases.estimate).toBe(0);
    } finally {
      session.destroy();
      plain.destroy();
    }
  });
});
