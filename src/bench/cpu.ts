// The CPU side of the benchmark: the float32 WebAssembly SIMD engine (src/train/cpu-engine.ts)
// running SGD steps on the shared batch, on every hardware thread where memory can be shared (Node,
// a cross-origin isolated page) and on one otherwise. The CLI calls it directly, the page through
// its Web Worker.
import { Rng } from '../base/rng';
import { mlpTensorShapes, type MlpShape } from '../reference/mlp';
import { CpuEngine, type CpuEngineOptions } from '../train/cpu-engine';
import { initParams } from '../train/init';
import type { RunPlan } from '../train/run-settings';
import { BENCH_OPTIMIZER, benchBatch, benchShape, timeRounds, type BenchProtocol, type BenchResult, type BenchSize } from './types';

/** Fresh float32 parameters of the benchmarked MLP, from a seed. */
export function benchParams(shape: MlpShape, seed = 2): Record<string, Float32Array<ArrayBuffer>> {
  return initParams(Object.entries(mlpTensorShapes(shape)), new Rng(seed)) as Record<string, Float32Array<ArrayBuffer>>;
}

/**
 * The CPU engine on the benchmarked MLP from benchParams, with benchBatch as its whole data set:
 * every step trains on all of the batch's rows (in the order the run's schedule draws per epoch).
 */
export function benchEngine(size: BenchSize, opts: CpuEngineOptions = {}): Promise<CpuEngine> {
  const shape = benchShape(size);
  const { X, labels } = benchBatch(size.batch, shape);
  const train = { name: 'bench', X, labels, N: size.batch, D: shape.D, classes: shape.C };
  const plan: RunPlan = { spec: { kind: 'mlp', shape }, batch: size.batch, optimizer: BENCH_OPTIMIZER, seed: 1, initScale: 1, mistake: 'none' };
  return CpuEngine.create(plan, { train }, benchParams(shape), opts);
}

/** Times the CPU engine's SGD step at one size, then stops its threads. */
export async function benchCpu(size: BenchSize, protocol: BenchProtocol): Promise<BenchResult> {
  const engine = await benchEngine(size);
  try {
    const timing = await timeRounds(async (steps) => {
      engine.run(steps, Infinity);
      await engine.flush(); // the steps run on the engine's threads: the round ends when they have
    }, protocol);
    return { impl: 'cpu', ...size, ...timing, threads: engine.threadCount };
  } finally {
    engine.destroy();
  }
}
