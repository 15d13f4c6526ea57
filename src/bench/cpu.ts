// The CPU side of the benchmark: the float32 engine (src/cpu) running SGD steps on the shared batch.
// Runs wherever it is called: the CLI calls it directly, the page through the Web Worker.
import { CpuMlp, type CpuMlpParams } from '../cpu/mlp';
import { mlpTensorShapes } from '../reference/mlp';
import { initParams } from '../train/init';
import { Rng } from '../base/rng';
import { BENCH_C, BENCH_D, BENCH_LR, benchBatch, timeRounds, type BenchProtocol, type BenchResult, type BenchSize } from './types';

/** Fresh float32 parameters of the benchmarked MLP, from a seed. */
export function benchParams(hidden: number, seed = 2): CpuMlpParams {
  const shapes = Object.entries(mlpTensorShapes({ D: BENCH_D, hidden: [hidden], C: BENCH_C }));
  return initParams(shapes, new Rng(seed));
}

/** Times the CPU engine's SGD step at one size. */
export async function benchCpu(size: BenchSize, protocol: BenchProtocol): Promise<BenchResult> {
  const { batch, hidden } = size;
  const engine = new CpuMlp({ D: BENCH_D, hidden: [hidden], C: BENCH_C }, batch);
  const params = benchParams(hidden);
  const { X, labels } = benchBatch(batch);
  const timing = await timeRounds(async (steps) => {
    for (let s = 0; s < steps; s++) engine.step(params, X, labels, BENCH_LR);
  }, protocol);
  return { impl: 'cpu', batch, hidden, ...timing };
}
