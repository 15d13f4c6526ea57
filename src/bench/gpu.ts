// This project's GPU step, timed: GpuModel.encodeStep k times (one encoder each), one submit,
// await onSubmittedWorkDone; nothing is read back inside the timed region. Also the GPU time of
// each pass (forward, loss, backward, update) from timestamp queries where the device has them,
// or wall-clock per pass (a submit and a wait each) where it does not.
import { storageBuffer } from '../gpu/buffers';
import { uploadDataset } from '../gpu/dataset-buffers';
import type { GpuContext } from '../gpu/device';
import { encodeDispatches, type Dispatch } from '../gpu/kernel';
import { Matmul } from '../kernels/matmul';
import { Metrics, METRIC_SLOT_BYTES, STATE_WORDS } from '../kernels/metrics';
import { Optimizer } from '../kernels/optimizer';
import { buildNetwork } from '../models/build';
import { GpuModel } from '../models/model';
import { benchParams } from './cpu';
import { PHASES, type Phase } from '../train/step-phases';
import { BENCH_OPTIMIZER, benchBatch, benchShape, median, timeRounds, type BenchProtocol, type BenchResult, type BenchSize, type PhaseTimes } from './types';

/** Times this project's training step at one size. */
export async function benchGpu(ctx: GpuContext, size: BenchSize, protocol: BenchProtocol): Promise<BenchResult> {
  const { device } = ctx;
  const { batch } = size;
  const shape = benchShape(size);
  const network = await buildNetwork(device, { kind: 'mlp', shape });
  const model = await GpuModel.create(device, network, { batch, optimizer: BENCH_OPTIMIZER });
  const { X, labels } = benchBatch(batch, shape);
  const data = uploadDataset(device, { name: 'bench', X, labels, N: batch, D: shape.D, classes: shape.C });
  try {
    model.setParams({ ...benchParams(shape) });
    model.setData(data);
    model.setPermutation(Uint32Array.from({ length: batch }, (_, i) => i)); // one batch per epoch
    const timing = await timeRounds(async (steps) => {
      const buffers: GPUCommandBuffer[] = [];
      for (let s = 0; s < steps; s++) {
        const encoder = device.createCommandEncoder({ label: 'bench/step' });
        model.encodeStep(encoder);
        buffers.push(encoder.finish());
      }
      device.queue.submit(buffers);
      await device.queue.onSubmittedWorkDone();
    }, protocol);
    return { impl: 'gpu', ...size, ...timing, matmulPaths: model.stepPaths(), ...(model.tuning.length > 0 ? { tuning: model.tuning } : {}) };
  } finally {
    model.destroy();
    data.destroy();
  }
}

/**
 * GPU time of each pass of one training step (median of `steps` steps), with the same kernels as
 * encodeStep, split into one compute pass per phase so that each can carry timestamps.
 */
export async function phaseTimes(ctx: GpuContext, size: BenchSize, steps = 3): Promise<PhaseTimes> {
  const { device } = ctx;
  const B = size.batch;
  const shape = benchShape(size);
  const network = await buildNetwork(device, { kind: 'mlp', shape });
  const [metrics, optimizer] = await Promise.all([Metrics.create(device), Optimizer.create(device, 'sgd', false)]);
  const { X, labels } = benchBatch(B, shape);
  const total = network.layout.total;
  const buf = {
    params: storageBuffer(device, 'bench/params', network.layout.pack({ ...benchParams(shape) })),
    grads: storageBuffer(device, 'bench/grads', total * 4),
    m: storageBuffer(device, 'bench/moment1', total * 4),
    v: storageBuffer(device, 'bench/moment2', total * 4),
    state: storageBuffer(device, 'bench/state', STATE_WORDS * 4),
    ring: storageBuffer(device, 'bench/ring', METRIC_SLOT_BYTES),
    rowStats: storageBuffer(device, 'bench/rowStats', B * 8),
    X: storageBuffer(device, 'bench/X', X),
    labels: storageBuffer(device, 'bench/labels', labels),
  };
  const pass = network.bind('bench', { params: buf.params, X: buf.X, labels: buf.labels, rowStats: buf.rowStats, grads: buf.grads }, B, B);
  const metricsDispatch = metrics.bind(
    'bench/metrics',
    { rowStats: buf.rowStats, state: buf.state, ring: buf.ring },
    {
      rows: B,
      ringSlots: 1,
      cursorAdvance: 0,
      cursorSpan: 1,
    },
  );
  const update = optimizer.bind(
    'bench/update',
    {
      grads: buf.grads,
      state: buf.state,
      params: buf.params,
      m: buf.m,
      v: buf.v,
    },
    total,
    BENCH_OPTIMIZER,
  );
  // The last forward dispatch is the loss (softmax cross-entropy with its gradient).
  const groups: Record<Phase, Dispatch[]> = {
    forward: pass.forward.slice(0, -1),
    loss: [...pass.forward.slice(-1), metricsDispatch],
    backward: pass.backward,
    update: [update],
  };
  const samples: Record<Phase, number[]> = { forward: [], loss: [], backward: [], update: [] };
  try {
    if (ctx.hasTimestamps) {
      const count = PHASES.length * 2;
      const querySet = device.createQuerySet({ label: 'bench/timestamps', type: 'timestamp', count });
      const resolve = device.createBuffer({ label: 'bench/timestamps', size: count * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      const staging = device.createBuffer({ label: 'bench/timestamps-read', size: count * 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      try {
        for (let s = 0; s < steps + 1; s++) {
          const encoder = device.createCommandEncoder({ label: 'bench/phases' });
          PHASES.forEach((phase, i) =>
            encodeDispatches(encoder, groups[phase], `bench/${phase}`, {
              querySet,
              beginningOfPassWriteIndex: 2 * i,
              endOfPassWriteIndex: 2 * i + 1,
            }),
          );
          encoder.resolveQuerySet(querySet, 0, count, resolve, 0);
          encoder.copyBufferToBuffer(resolve, 0, staging, 0, count * 8);
          device.queue.submit([encoder.finish()]);
          await staging.mapAsync(GPUMapMode.READ);
          const t = new BigInt64Array(staging.getMappedRange().slice(0));
          staging.unmap();
          if (s === 0) continue; // the first step warms up
          PHASES.forEach((phase, i) => samples[phase].push(Number(t[2 * i + 1]! - t[2 * i]!) / 1e6));
        }
      } finally {
        querySet.destroy();
        resolve.destroy();
        staging.destroy();
      }
    } else {
      for (let s = 0; s < steps + 1; s++) {
        for (const phase of PHASES) {
          const encoder = device.createCommandEncoder({ label: `bench/${phase}` });
          encodeDispatches(encoder, groups[phase], `bench/${phase}`);
          const t0 = performance.now();
          device.queue.submit([encoder.finish()]);
          await device.queue.onSubmittedWorkDone();
          if (s > 0) samples[phase].push(performance.now() - t0);
        }
      }
    }
  } finally {
    pass.destroy();
    metricsDispatch.uniform.destroy();
    update.uniform.destroy();
    for (const b of Object.values(buf)) b.destroy();
  }
  const ms = Object.fromEntries(PHASES.map((p) => [p, median(samples[p])])) as Record<Phase, number>;
  return { source: ctx.hasTimestamps ? 'timestamp-query' : 'wall-clock', ms };
}

/** What the GPU costs before any arithmetic: a submit and its wait, one tiny dispatch, one small readback. */
export interface Overheads {
  /** An empty command buffer submitted and waited for (onSubmittedWorkDone). */
  submitMs: number;
  /** Each extra dispatch of a one-workgroup kernel (a 1×1×1 matmul) inside one compute pass. */
  dispatchMs: number;
  /** Copying 16 bytes to a staging buffer, submitting and mapping it. */
  readbackMs: number;
}

/** Medians over `repeats` tries of each overhead; the dispatch cost is from a pass of 64 dispatches. */
export async function overheadTimes(ctx: GpuContext, repeats = 5): Promise<Overheads> {
  const { device } = ctx;
  const matmul = await Matmul.create(device, {}, ['small']);
  const input = storageBuffer(device, 'bench/overhead-in', 16);
  const output = storageBuffer(device, 'bench/overhead-out', 16);
  const staging = device.createBuffer({ label: 'bench/overhead-read', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const tiny = matmul.bind('bench/overhead', { A: input, B: input, C: output }, { M: 1, N: 1, K: 1, path: 'small' });
  const DISPATCHES = 64;
  const time = async (encode: (encoder: GPUCommandEncoder) => void, after?: () => Promise<void>) => {
    const samples: number[] = [];
    for (let r = 0; r < repeats + 1; r++) {
      const encoder = device.createCommandEncoder({ label: 'bench/overhead' });
      encode(encoder);
      const t0 = performance.now();
      device.queue.submit([encoder.finish()]);
      if (after) await after();
      else await device.queue.onSubmittedWorkDone();
      if (r > 0) samples.push(performance.now() - t0);
    }
    return median(samples);
  };
  try {
    const submitMs = await time(() => {});
    const passMs = await time((e) =>
      encodeDispatches(
        e,
        Array.from({ length: DISPATCHES }, () => tiny),
        'bench/overhead',
      ),
    );
    const readbackMs = await time(
      (e) => e.copyBufferToBuffer(output, 0, staging, 0, 16),
      async () => {
        await staging.mapAsync(GPUMapMode.READ);
        staging.unmap();
      },
    );
    return { submitMs, dispatchMs: Math.max(0, passMs - submitMs) / DISPATCHES, readbackMs };
  } finally {
    tiny.uniform.destroy();
    for (const b of [input, output, staging]) b.destroy();
  }
}
