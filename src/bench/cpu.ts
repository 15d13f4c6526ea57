// The CPU side of the benchmark: the float32 engine (src/cpu) running SGD steps on the shared batch.
// Runs wherever it is called: the CLI calls it directly, the page through the Web Worker.
import { CpuMlp, type CpuMlpParams } from '../cpu/mlp';
import { mlpTensorShapes, type MlpShape } from '../reference/mlp';
import { initParams } from '../train/init';
import { Rng } from '../base/rng';
import { BENCH_LR, benchBatch, benchShape, timeRounds, type BenchProtocol, type BenchResult, type BenchSize } from './types';

/** Fresh float32 parameters of the benchmarked MLP, from a seed. */
export function benchParams(shape: MlpShape, seed = 2): CpuMlpParams {
  return initParams(Object.entries(mlpTensorShapes(shape)), new Rng(seed));
}

/** Times the CPU engine's SGD step at one size. */
export async function benchCpu(size: BenchSize, protocol: BenchProtocol): Promise<BenchResult> {
  const shape = benchShape(size);
  const engine = new CpuMlp(shape, size.batch);
  const params = benchParams(shape);
  const { X, labels } = benchBatch(size.batch, shape);
  const timing = await timeRounds(async (steps) => {
    for (let s = 0; s < steps; s++) engine.step(params, X, labels, BENCH_LR);
  }, protocol);
  return { impl: 'cpu', ...size, ...timing };
}
