// The small kernels between the matmuls — softmax cross-entropy with its gradient, the
// autoencoder's row loss, the metrics reduction — against float64, outputs poisoned first.
import { describe, expect, it } from 'vitest';
import { readBytes } from '../src/gpu/buffers';
import { encodeDispatches, type Dispatch } from '../src/gpu/kernel';
import { AutoencoderLoss } from '../src/kernels/autoencoder-loss';
import { decodeRing, Metrics } from '../src/kernels/metrics';
import { SoftmaxXent } from '../src/kernels/softmax-xent';
import { SquaredError } from '../src/kernels/squared-error';
import { labelsAsTargets, targetsAsLabels } from '../src/data/dataset';
import { relativeError } from '../src/reference/linalg';
import { gpuDevice, poisoned, randomArray, randomLabels, readFloats, Rng, storageBuffer } from './gpu-context';

async function submit(device: GPUDevice, dispatches: Dispatch[]): Promise<void> {
  const encoder = device.createCommandEncoder();
  encodeDispatches(encoder, dispatches, 'test');
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
}

describe('softmax cross-entropy kernel', () => {
  for (const [rows, C, scale] of [
    [1, 2, 1],
    [67, 10, 3],
    [130, 7, 80],
  ] as const) {
    it(`matches the reference on ${rows}×${C} logits of scale ${scale}`, async () => {
      const device = await gpuDevice();
      const rng = new Rng(rows * 31 + C);
      const Z = randomArray(rng, rows * C, scale);
      const labels = randomLabels(rng, rows, C);
      const GZ = poisoned(device, 'test/GZ', rows * C);
      const stats = poisoned(device, 'test/rowStats', rows * 2);
      const kernel = await SoftmaxXent.create(device);
      await submit(device, [
        kernel.bind(
          'test',
          {
            Z: storageBuffer(device, 'test/Z', Z),
            labels: storageBuffer(device, 'test/labels', labels),
            GZ,
            rowStats: stats,
          },
          rows,
          C,
        ),
      ]);
      const gotGZ = await readFloats(device, GZ);
      const gotStats = await readFloats(device, stats);
      const expGZ = new Float64Array(rows * C);
      const expLoss = new Float64Array(rows);
      const expCorrect = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        const z = Array.from(Z.subarray(i * C, (i + 1) * C));
        const max = Math.max(...z);
        const sum = z.reduce((s, v) => s + Math.exp(v - max), 0);
        const k = labels[i]!;
        expLoss[i] = max + Math.log(sum) - z[k]!;
        expCorrect[i] = z.indexOf(max) === k ? 1 : 0;
        z.forEach((v, c) => (expGZ[i * C + c] = (Math.exp(v - max) / sum - (c === k ? 1 : 0)) / rows));
      }
      expect(relativeError(gotGZ, expGZ)).toBeLessThan(1e-5);
      expect(
        relativeError(
          gotStats.filter((_, j) => j % 2 === 0),
          expLoss,
        ),
      ).toBeLessThan(1e-5);
      expect(Array.from(gotStats.filter((_, j) => j % 2 === 1))).toEqual(Array.from(expCorrect));
    });
  }
});

describe('squared-error kernel (the regression’s loss)', () => {
  for (const [rows, batch] of [
    [1, 1],
    [67, 67],
    [130, 1], // the no-batch-mean mistake: G_Z summed
  ] as const) {
    it(`matches ½ (z − t)² and (z − t)/B on ${rows} rows, B = ${batch}, the targets read from their float32 bits`, async () => {
      const device = await gpuDevice();
      const rng = new Rng(rows * 17 + batch);
      const Z = randomArray(rng, rows, 2);
      const labels = targetsAsLabels(randomArray(rng, rows, 3));
      const t = labelsAsTargets(labels);
      const GZ = poisoned(device, 'test/GZ', rows);
      const stats = poisoned(device, 'test/rowStats', rows * 2);
      const kernel = await SquaredError.create(device);
      const ops = { Z: storageBuffer(device, 'test/Z', Z), labels: storageBuffer(device, 'test/labels', labels), GZ, rowStats: stats };
      await submit(device, [kernel.bind('test', ops, rows, 1, batch)]);
      const gotGZ = await readFloats(device, GZ);
      const gotStats = await readFloats(device, stats);
      const e = Float64Array.from(Z, (z, i) => z - t[i]!);
      expect(
        relativeError(
          gotGZ,
          e.map((v) => v / batch),
        ),
      ).toBeLessThan(1e-6);
      const loss = gotStats.filter((_, j) => j % 2 === 0);
      expect(
        relativeError(
          loss,
          e.map((v) => 0.5 * v * v),
        ),
      ).toBeLessThan(1e-6);
      expect(Array.from(gotStats.filter((_, j) => j % 2 === 1))).toEqual(new Array(rows).fill(0));
    });
  }
});

describe('autoencoder row loss', () => {
  it('is ½‖V_i‖² per row', async () => {
    const device = await gpuDevice();
    const [rows, n] = [71, 13];
    const V = randomArray(new Rng(5), rows * n);
    const stats = poisoned(device, 'test/rowStats', rows * 2);
    await submit(device, [(await AutoencoderLoss.create(device)).bind('test', storageBuffer(device, 'test/V', V), stats, rows, n)]);
    const got = await readFloats(device, stats);
    const expected = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < n; j++) expected[2 * i] = expected[2 * i]! + 0.5 * V[i * n + j]! ** 2;
    }
    expect(relativeError(got, expected)).toBeLessThan(1e-5);
  });
});

describe('metrics reduction and training state', () => {
  it('writes the mean loss and correct count of each step into its ring slot and advances the state', async () => {
    const device = await gpuDevice();
    const rows = 300; // more rows than threads, and not a multiple of them
    const rng = new Rng(9);
    const stats = new Float32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      stats[2 * i] = rng.uniform(0, 3);
      stats[2 * i + 1] = rng.int(2);
    }
    const state = storageBuffer(device, 'test/state', new Uint32Array([5, 20, 7, 0]));
    const ring = storageBuffer(device, 'test/ring', 4 * 16);
    const d = (await Metrics.create(device)).bind(
      'test',
      {
        rowStats: storageBuffer(device, 'test/rowStats', stats),
        state,
        ring,
      },
      { rows, ringSlots: 4, cursorAdvance: 10, cursorSpan: 30 },
    );
    await submit(device, [d, d, d]);
    const slots = decodeRing(await readBytes(device, ring));
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < rows; i++) {
      loss += stats[2 * i]!;
      correct += stats[2 * i + 1]!;
    }
    expect(slots.map((s) => s.step)).toEqual([5, 6, 7]);
    for (const s of slots) {
      expect(Math.abs(s.loss - loss / rows)).toBeLessThan(1e-5);
      expect(s.accuracy).toBeCloseTo(correct / rows, 6);
    }
    // steps 5 → 8, cursor 20 → 0 (wraps at the epoch span 30) → 10 → 20, optimizer step 7 → 10
    expect(Array.from(new Uint32Array(await readBytes(device, state)))).toEqual([8, 20, 10, 0]);
  });
});
