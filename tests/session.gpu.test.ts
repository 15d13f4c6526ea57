// A session's buffers die only after the work on them has settled: close() waits for the steps
// submitted, the readbacks and the checks under way (Session.use), and refuses new work in words
// (SessionClosed), never by a WebGPU validation error (gpu-context.ts turns any into a failure).
import { describe, expect, it } from 'vitest';
import type { DataSplit } from '../src/data/dataset';
import { forgetKernels } from '../src/gpu/kernel';
import { DEFAULT_OPTIMIZER } from '../src/reference/optimizer';
import { Session, SessionClosed, type SessionConfig } from '../src/train/session';
import { gpuDevice, randomArray, randomLabels, Rng } from './gpu-context';

const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 5, hidden: [19, 7], C: 3 } };

function data(): DataSplit {
  const rng = new Rng(3);
  const set = (name: string, N: number) => ({ name, X: randomArray(rng, N * 5), labels: randomLabels(rng, N, 3), N, D: 5, classes: 3 });
  return { train: set('train', 70), test: set('test', 33) };
}

async function session(): Promise<Session> {
  const config: SessionConfig = { spec, batch: 13, optimizer: { ...DEFAULT_OPTIMIZER }, seed: 9, initScale: 1, engines: ['gpu', 'cpu'] };
  return Session.create(config, data(), await gpuDevice());
}

const allFinite = (p: Record<string, Float32Array>) => Object.values(p).every((a) => a.every(Number.isFinite));

describe('Session.close', () => {
  it('lets every read under way finish before the buffers die, then refuses new work', async () => {
    const s = await session();
    s.run(40, Infinity);
    // Reads queued right behind the steps, and close() asked for at once.
    const params = s.params();
    const evaluation = s.evaluate('gpu');
    const grads = s.use(() => s.leader.readGrads());
    const closed = s.close();
    const [p, e, g] = await Promise.all([params, evaluation, grads]);
    await closed;
    expect(allFinite(p)).toBe(true);
    expect(e!.step).toBe(40);
    expect(Number.isFinite(e!.testLoss)).toBe(true);
    expect(g && allFinite(g)).toBe(true);
    expect(s.closed).toBe(true);
    // After close: no step is submitted, and a read is refused in words, not by WebGPU.
    s.run(5, Infinity);
    expect(s.step).toBe(40);
    await expect(s.params()).rejects.toBeInstanceOf(SessionClosed);
    await expect(s.flush()).rejects.toBeInstanceOf(SessionClosed);
  });
});

describe('Session.create called off (a newer build was asked for)', () => {
  /** The device's buffers still alive: created and not yet destroyed, counted from here on. */
  function countBuffers(device: GPUDevice): { live(): number; restore(): void } {
    const live = new Set<GPUBuffer>();
    const create = device.createBuffer;
    device.createBuffer = function (this: GPUDevice, d: GPUBufferDescriptor) {
      const buffer = create.call(this, d);
      live.add(buffer);
      const destroy = buffer.destroy.bind(buffer);
      buffer.destroy = () => {
        live.delete(buffer);
        destroy();
      };
      return buffer;
    };
    return { live: () => live.size, restore: () => (device.createBuffer = create) };
  }

  const config: SessionConfig = { spec, batch: 13, optimizer: { ...DEFAULT_OPTIMIZER }, seed: 9, initScale: 1, engines: ['gpu'] };

  for (const phase of ['compile', 'upload', 'estimate'] as const) {
    it(`stops as the ${phase} phase starts, with the reason given, and leaves no buffer of its own`, async () => {
      const device = await gpuDevice();
      const buffers = countBuffers(device);
      const abort = new AbortController();
      const newer = new Error('a newer build');
      try {
        const building = Session.create(config, data(), device, {
          estimate: true,
          quickStart: true,
          signal: abort.signal,
          onProgress: (p) => p.phase === phase && abort.abort(newer),
        });
        await expect(building).rejects.toBe(newer);
        await device.queue.onSubmittedWorkDone();
        expect(buffers.live()).toBe(0);
      } finally {
        buffers.restore();
      }
    });
  }

  it('while its kernels compile, gives way at once: what the compile makes later is destroyed', async () => {
    const device = await gpuDevice();
    forgetKernels(device); // the tier's files share the device: its kernels compile again here, slowly

    const buffers = countBuffers(device);
    const compile = device.createComputePipelineAsync;
    device.createComputePipelineAsync = function (this: GPUDevice, d: GPUComputePipelineDescriptor) {
      return new Promise((resolve) => setTimeout(resolve, 1500)).then(() => compile.call(this, d));
    };
    const abort = new AbortController();
    try {
      const started = performance.now();
      const building = Session.create({ ...config, spec: { kind: 'mlp', shape: { D: 5, hidden: [23], C: 3, activation: 'gelu' } } }, data(), device, {
        signal: abort.signal,
      });
      setTimeout(() => abort.abort(new Error('a newer build')), 100);
      await expect(building).rejects.toThrow('a newer build');
      expect(performance.now() - started).toBeLessThan(1000); // not after the 1.5 s compile
      await new Promise((resolve) => setTimeout(resolve, 2500)); // the compile ends; its model goes
      await device.queue.onSubmittedWorkDone();
      expect(buffers.live()).toBe(0);
    } finally {
      device.createComputePipelineAsync = compile;
      buffers.restore();
    }
  });
});

describe('Session.cancelWork (a newer request while a slow model reads)', () => {
  it('stops a test-set evaluation at its next chunk, in words, and reads run whole again after resumeWork', async () => {
    const rng = new Rng(5);
    const set = (name: string, N: number) => ({ name, X: randomArray(rng, N * 5), labels: randomLabels(rng, N, 3), N, D: 5, classes: 3 });
    const config: SessionConfig = { spec, batch: 13, optimizer: { ...DEFAULT_OPTIMIZER }, seed: 9, initScale: 1, engines: ['gpu'] };
    // 2,500 test rows: three chunks of EVAL_ROWS, so that there is a chunk boundary to stop at.
    const s = await Session.create(config, { train: set('train', 70), test: set('test', 2500) }, await gpuDevice());
    s.run(10, Infinity);
    const whole = await s.evaluate('gpu');
    const called = s.evaluate('gpu');
    s.cancelWork();
    await expect(called).rejects.toBeInstanceOf(SessionClosed);
    s.resumeWork();
    const again = await s.evaluate('gpu');
    expect(again).toEqual(whole);
    await s.close();
  });
});
