// A session's buffers die only after the work on them has settled: close() waits for the steps
// submitted, the readbacks and the checks under way (Session.use), and refuses new work in words
// (SessionClosed), never by a WebGPU validation error (gpu-context.ts turns any into a failure).
import { describe, expect, it } from 'vitest';
import type { DataSplit } from '../src/data/dataset';
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
