// The benchmark's CPU side (src/bench/cpu.ts): the WebAssembly engine timed on every hardware thread,
// and the losses every peer is validated against (validate.ts): the float64 reference's on the
// benchmark's own parameters and batch, falling, and the same bits on any number of threads.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { benchCpu, benchEngine, benchParams } from '../src/bench/cpu';
import { BENCH_LR, benchBatch, benchShape, type BenchSize } from '../src/bench/types';
import { referenceLosses, VALIDATE_STEPS } from '../src/bench/validate';
import { mlpGradients, mlpParamsFrom } from '../src/reference/mlp';

/** The float64 reference's mean loss before each of the first `steps` SGD steps at `size`. */
function float64Losses(size: BenchSize, steps: number): number[] {
  const shape = benchShape(size);
  const params = mlpParamsFrom(shape, benchParams(shape));
  const { X, labels } = benchBatch(size.batch, shape);
  const X64 = Float64Array.from(X);
  return Array.from({ length: steps }, () => {
    const { loss, grads } = mlpGradients(shape, params, X64, labels, size.batch);
    for (const [name, g] of Object.entries(grads)) params[name]!.forEach((p, i, a) => (a[i] = p - BENCH_LR * g[i]!));
    return loss;
  });
}

const awkward: BenchSize = { batch: 13, hidden: 131 };
const deep: BenchSize = { batch: 6, hidden: 9, shape: { D: 23, hidden: [9, 7], C: 5, activation: 'tanh' } };

describe('the benchmark on the CPU engine', () => {
  it('validates against the float64 reference: the same losses within 1e-5, falling', async () => {
    for (const size of [awkward, deep]) {
      const ours = await referenceLosses(size);
      const exact = float64Losses(size, VALIDATE_STEPS);
      expect(ours).toHaveLength(VALIDATE_STEPS);
      for (let s = 0; s < VALIDATE_STEPS; s++) expect(Math.abs(ours[s]! - exact[s]!), `step ${s + 1}`).toBeLessThan(1e-5);
      expect(ours[VALIDATE_STEPS - 1]).toBeLessThan(ours[0]!);
    }
  });

  it('gives the validation the same bits on every hardware thread as on its one', async () => {
    const engine = await benchEngine(awkward);
    try {
      expect(engine.threadCount).toBe(availableParallelism());
      const losses: number[] = [];
      engine.onMetrics = (metrics) => losses.push(...metrics.map((m) => m.loss));
      engine.run(VALIDATE_STEPS, Infinity);
      await engine.flush();
      expect(losses).toEqual(await referenceLosses(awkward));
    } finally {
      engine.destroy();
    }
  });

  it('times its steps on every hardware thread and says how many', async () => {
    const result = await benchCpu(awkward, { warmup: 1, rounds: 2, targetRoundMs: 5, maxStepsPerRound: 4 });
    expect(result).toMatchObject({ impl: 'cpu', batch: 13, hidden: 131, threads: availableParallelism() });
    expect(result.roundMs).toHaveLength(2);
    expect(result.msPerStep > 0 && Number.isFinite(result.msPerStep), JSON.stringify(result)).toBe(true);
  });
});
