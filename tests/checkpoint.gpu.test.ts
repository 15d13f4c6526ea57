// Save and resume on the GPU: k steps, a checkpoint through its JSON text, a fresh session restored
// from it, k more steps; the losses, parameters and moments must equal an uninterrupted 2k-step run
// bit for bit. k is not a multiple of the epoch, so the restore lands mid-epoch.
import { describe, expect, it } from 'vitest';
import type { DataSplit } from '../src/data/dataset';
import type { StepMetrics } from '../src/kernels/metrics';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../src/reference/optimizer';
import { captureCheckpoint, parseCheckpoint, restoreCheckpoint, serializeCheckpoint } from '../src/train/checkpoint';
import { Session, type SessionConfig } from '../src/train/session';
import { gpuDevice, randomArray, randomLabels, Rng } from './gpu-context';

const K = 73; // N = 90, B = 16: 5 steps per epoch, so step 73 is mid-epoch; 2K steps wrap the 64-slot metrics ring

function dataFor(config: SessionConfig): DataSplit {
  const rng = new Rng(5);
  const N = 90;
  if (config.spec.kind === 'mlp') {
    const { D, C } = config.spec.shape;
    return { train: { name: 'random', X: randomArray(rng, N * D), labels: randomLabels(rng, N, C), N, D, classes: C } };
  }
  const { n } = config.spec.shape;
  return { train: { name: 'random', X: randomArray(rng, N * n), labels: new Uint32Array(N), N, D: n, classes: 1 } };
}

async function train(session: Session, steps: number): Promise<StepMetrics[]> {
  const trainer = session.gpu!.trainer;
  const from = trainer.history.length;
  trainer.run(steps);
  await trainer.flush();
  return trainer.history.slice(from);
}

/** Float32 tensors compared as bits: the index and values of the first difference, or null. */
function firstDifference(a: Record<string, Float32Array>, b: Record<string, Float32Array>): string | null {
  for (const name of Object.keys(a)) {
    const x = new Uint32Array(a[name]!.buffer, a[name]!.byteOffset, a[name]!.length);
    const y = new Uint32Array(b[name]!.buffer, b[name]!.byteOffset, b[name]!.length);
    if (x.length !== y.length) return `${name}: ${x.length} against ${y.length} values`;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return `${name}[${i}]: ${a[name]![i]} against ${b[name]![i]}`;
  }
  return null;
}

const optimizers: Array<Partial<OptimizerSettings>> = [
  { kind: 'adam', lr: 0.01, weightDecay: 1e-3 },
  { kind: 'momentum', lr: 0.05, momentum: 0.9, nesterov: true },
];
const specs: Array<SessionConfig['spec']> = [
  { kind: 'mlp', shape: { D: 7, H: 12, C: 4 } },
  { kind: 'autoencoder', shape: { n: 9, m: 3 } },
];

describe('checkpoint on the GPU: save, restore into a fresh session, continue', () => {
  for (const spec of specs) {
    for (const overrides of optimizers) {
      it(`${spec.kind} with ${overrides.kind}: ${K} + ${K} steps equal ${2 * K} steps bit for bit`, async () => {
        const started = performance.now();
        const device = await gpuDevice();
        const config: SessionConfig = {
          spec, batch: 16, optimizer: { ...DEFAULT_OPTIMIZER, ...overrides }, seed: 11, initScale: 1, engines: ['gpu'],
        };
        const data = dataFor(config);

        const straight = await Session.create(config, data, device);
        const straightMetrics = await train(straight, 2 * K);
        const straightParams = await straight.gpu!.model.readParams();
        const straightOpt = await straight.gpu!.model.readOptimizerState();
        straight.destroy();

        const first = await Session.create(config, data, device);
        await train(first, K);
        const text = serializeCheckpoint(await captureCheckpoint(first, { seed: 11, note: 'test' }));
        first.destroy();

        const resumed = await Session.create(config, data, device);
        const checkpoint = parseCheckpoint(text, 'run.json');
        expect(checkpoint.engines.gpu!.step).toBe(K);
        await restoreCheckpoint(resumed, checkpoint);
        expect(resumed.step).toBe(K);
        const resumedMetrics = await train(resumed, K);
        const resumedParams = await resumed.gpu!.model.readParams();
        const resumedOpt = await resumed.gpu!.model.readOptimizerState();
        resumed.destroy();

        expect(resumedMetrics.map((m) => m.step)).toEqual(straightMetrics.slice(K).map((m) => m.step));
        expect(resumedMetrics).toEqual(straightMetrics.slice(K)); // the float32 losses, exactly
        expect(firstDifference(resumedParams, straightParams)).toBeNull();
        expect(firstDifference(resumedOpt.m, straightOpt.m)).toBeNull();
        expect(firstDifference(resumedOpt.v, straightOpt.v)).toBeNull();
        expect(Array.from(resumedOpt.state)).toEqual(Array.from(straightOpt.state));
        expect(straightMetrics.at(-1)!.loss).toBeLessThan(straightMetrics[0]!.loss); // it trained
        console.info(`${spec.kind}/${overrides.kind}: ${(performance.now() - started).toFixed(0)} ms`);
      });
    }
  }
});
