// The status line of a build and of a ready model: the data's download, each phase named, the
// tuner's count, the step's estimate with a warning past a second; and what the benchmark's "time
// the current model" times.
import { describe, expect, it } from 'vitest';
import { describeBench } from '../src/bench/types';
import { benchTarget } from '../src/ui/bench/bench-target';
import type { ModelSpec } from '../src/models/build';
import { buildStatus, downloadStatus, formatDuration, readyStatus, SMALLER_TARGET_MS, smallerSizes } from '../src/ui/build-status';

describe('the build status line', () => {
  it("gives a download's progress in megabytes and percent, 100% only when it is all in", () => {
    expect(downloadStatus('MNIST', 4_123_000, 11_243_332)).toBe('Loading MNIST: 4.1 of 11.2 MB (36%)');
    expect(downloadStatus('MNIST', 0, 11_243_332)).toBe('Loading MNIST: 0.0 of 11.2 MB (0%)');
    expect(downloadStatus('MNIST', 11_243_000, 11_243_332)).toBe('Loading MNIST: 11.2 of 11.2 MB (99%)');
    expect(downloadStatus('MNIST', 11_243_332, 11_243_332)).toBe('Loading MNIST: 11.2 of 11.2 MB (100%)');
  });

  it("names each phase, with the tuner's count while it times products", () => {
    expect(buildStatus({ phase: 'compile' })).toBe('Building the model: compiling kernels…');
    expect(buildStatus({ phase: 'upload' })).toBe('Building the model: uploading the data…');
    expect(buildStatus({ phase: 'tune', current: 3, total: 12 })).toBe('Building the model: timing kernels (3 of 12)…');
    expect(buildStatus({ phase: 'estimate' })).toBe('Building the model: timing a step…');
  });

  it("gives the estimate after the model, and a slow step's warning first, with what to change", () => {
    const e = (ms: number) => ({ ms, rows: 8, batch: 64 });
    const model = 'MLP with 8 swish units on spiral, batch 16, adam at lr 0.01';
    expect(readyStatus(model, null, 'mlp', 'Press play.')).toBe(`Ready: ${model}. Press play.`);
    expect(readyStatus(model, e(4.23), 'mlp', 'Press play.')).toBe(`Ready: ${model}. About 4.2 ms per step. Press play.`);
    expect(readyStatus(model, e(53_400), 'mlp', 'Continuing from step 7.')).toBe(
      `Ready: about 53 s per step at these sizes: try a smaller batch or hidden size. ${model}. Continuing from step 7.`,
    );
    expect(readyStatus('a linear autoencoder', e(2500), 'autoencoder', 'Press play.')).toBe(
      'Ready: about 2.5 s per step at these sizes: try a smaller batch or code size. A linear autoencoder. Press play.',
    );
  });

  it('formats durations with two significant digits below 10', () => {
    expect([0.4234, 12.4, 999.7, 1340, 53_400, 270_000].map(formatDuration)).toEqual(['0.42 ms', '12 ms', '1.0 s', '1.3 s', '53 s', '4.5 min']);
  });
});

describe('what the benchmark times as the current model', () => {
  const settings = { batch: 32, hidden: [128, 64], activation: 'relu' as const };

  it("the MLP as built: every layer, the activation, the data's inputs and classes, the batch", () => {
    const spec = { kind: 'mlp' as const, shape: { D: 5, hidden: [16, 8, 4], C: 3, activation: 'tanh' as const } };
    const t = benchTarget({ spec, batch: 24 }, settings);
    expect(describeBench(t.size)).toBe('5-16-8-4-3 tanh, batch 24');
    expect(t.size.hidden).toBe(16);
    expect(t.note).toBeUndefined();
    expect(describeBench(benchTarget({ spec: { kind: 'mlp', shape: { D: 784, hidden: [128], C: 10 } }, batch: 64 }, settings).size)).toBe(
      '784-128-10 swish, batch 64',
    );
  });

  it("an MLP on the same inputs for the autoencoder, and the panel's before any build, each saying so", () => {
    const ae = benchTarget({ spec: { kind: 'autoencoder', shape: { n: 784, m: 16 } }, batch: 50 }, settings);
    expect(describeBench(ae.size)).toBe('784-128-64-10 relu, batch 50');
    expect(ae.note).toMatch(/autoencoder, which the benchmark does not time/);
    const none = benchTarget(null, settings);
    expect(describeBench(none.size)).toBe('784-128-64-10 relu, batch 32');
    expect(none.note).toMatch(/No model is built yet/);
  });

  it('offers smaller sizes for a slow step: batch and the widest layers halved in turn until a step should cost about SMALLER_TARGET_MS', () => {
    const spec: ModelSpec = { kind: 'mlp', shape: { D: 2, hidden: [2048, 2048], C: 3 } };
    const smaller = smallerSizes(spec, 512, 40_000)!;
    expect(smaller.ms).toBeLessThanOrEqual(SMALLER_TARGET_MS);
    expect(smaller.changes.batch).toBeLessThan(512);
    expect(Math.max(...smaller.changes.hidden!)).toBeLessThan(2048);
    expect(smaller.label).toBe(`batch ${smaller.changes.batch}, hidden ${smaller.changes.hidden!.join(',')}`);
    // Already fast: nothing to change; at the floor of every size: nothing to offer.
    expect(smallerSizes(spec, 512, SMALLER_TARGET_MS / 2)!.changes).toEqual({ batch: 512, hidden: [2048, 2048] });
    expect(smallerSizes({ kind: 'mlp', shape: { D: 784, hidden: [8], C: 10 } }, 16, 5000)).toBeNull();
    const ae = smallerSizes({ kind: 'autoencoder', shape: { n: 784, m: 256 } }, 1024, 3000)!;
    expect(ae.changes.code).toBeLessThan(256);
    expect(ae.label).toMatch(/^batch \d+, code \d+$/);
  });
});
