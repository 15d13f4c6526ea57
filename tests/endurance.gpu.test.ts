// Endurance, the short version: 2,000 GPU steps over 20 rebuilds (the hidden size changed back and
// forth, as the page does when a shape setting changes), with evaluations and checkpoints along the
// way; the number of live GPU buffers must come back to the same count after every rebuild, and stay
// flat while one session trains on.
import { describe, expect, it } from 'vitest';
import { makeSynthetic } from '../src/data/synthetic';
import { DEFAULT_OPTIMIZER } from '../src/reference/optimizer';
import { captureCheckpoint } from '../src/train/checkpoint';
import { Session, type SessionConfig } from '../src/train/session';
import { gpuDevice, trackBuffers } from './gpu-context';
import type { StepMetrics } from '../src/kernels/metrics';

const REBUILDS = 20;
/** The first session trains long (the steady state of one run); the others briefly. */
const LONG_STEPS = 1050;
const SHORT_STEPS = 50;
const CHUNK = 50;

describe('endurance on the GPU', () => {
  it(`${REBUILDS} rebuilds and ${LONG_STEPS + (REBUILDS - 1) * SHORT_STEPS} steps leave no GPU buffer behind`, { timeout: 300_000 }, async () => {
    const started = performance.now();
    const device = await gpuDevice();
    const data = makeSynthetic('spiral', { n: 300, noise: 0.05, seed: 3 });
    const config = (H: number): SessionConfig => ({
      spec: { kind: 'mlp', shape: { D: data.train.D, hidden: [H], C: data.train.classes } },
      batch: 16,
      optimizer: { ...DEFAULT_OPTIMIZER, kind: 'adam', lr: 0.01 },
      seed: 1,
      initScale: 1,
      engines: ['gpu'],
    });
    const tracker = trackBuffers(device);
    try {
      // one build first, so that buffers cached per device (placeholders) are counted in the baseline
      const warm = await Session.create(config(8), data, device);
      warm.run(10);
      await warm.flush();
      await warm.evaluate('gpu');
      warm.destroy();
      const baseline = tracker.live.size;

      const afterRebuild: number[] = [];
      let steps = 0;
      let firstLoss = 0;
      let lastLoss = 0;
      for (let i = 0; i < REBUILDS; i++) {
        const session = await Session.create(config(i % 2 === 0 ? 24 : 8), data, device);
        const history: StepMetrics[] = [];
        session.onMetrics = (_, m) => history.push(...m);
        const during: number[] = [];
        for (let done = 0; done < (i === 0 ? LONG_STEPS : SHORT_STEPS); done += CHUNK) {
          session.run(CHUNK);
          await session.throttle();
          during.push(tracker.live.size);
        }
        await session.flush();
        if (i % 5 === 0) await captureCheckpoint(session, {});
        if (i % 4 === 1) await session.evaluate('gpu');
        if (i === 0) {
          // readback staging buffers are pooled: after the first few chunks the count no longer grows
          const half = Math.floor(during.length / 2);
          expect(Math.max(...during.slice(half)), `live buffers while training: ${during.join(', ')}`).toBeLessThanOrEqual(Math.max(...during.slice(0, half)));
        }
        steps += history.length;
        if (i === 0) firstLoss = history[0]!.loss;
        lastLoss = history.at(-1)!.loss;
        session.destroy();
        afterRebuild.push(tracker.live.size);
      }
      expect(steps).toBe(LONG_STEPS + (REBUILDS - 1) * SHORT_STEPS);
      expect(afterRebuild, JSON.stringify(tracker.labels())).toEqual(Array(REBUILDS).fill(baseline));
      expect(Number.isFinite(lastLoss) && Number.isFinite(firstLoss)).toBe(true);
      console.info(
        `endurance: ${steps} steps, ${REBUILDS} rebuilds, ${baseline} buffers live between sessions, ` + `${(performance.now() - started).toFixed(0)} ms`,
      );
    } finally {
      tracker.stop();
    }
  });
});
