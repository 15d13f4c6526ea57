// The CPU side of the benchmark: the float32 WebAssembly SIMD engine (src/train/cpu-engine.ts)
// running SGD steps on the shared batch, on every hardware thread where memory can be shared (Node,
// a cross-origin isolated page) and on one otherwise; and the time of each pass of its step, each
// run alone (CpuEngine.passTimes). The CLI calls it directly, the page through its Web Worker.
import { Rng } from '../base/rng';
import { mlpTensorShapes, type MlpShape } from '../reference/mlp';
import { CpuEngine, type CpuEngineOptions } from '../train/cpu-engine';
import { initParams } from '../train/init';
import type { RunPlan } from '../train/run-settings';
import { PHASES, type Phase } from '../train/step-phases';
import { BENCH_OPTIMIZER, benchBatch, benchShape, median, timeRounds, type BenchProtocol, type BenchResult, type BenchSize, type PhaseTimes } from './types';

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

/** At most this many repeats of a pass per timed round, and warm-up steps before them. */
const MAX_PASS_REPEATS = 256;
const MAX_WARMUP_STEPS = 10_000;

/**
 * The CPU engine's time per pass of one step at `size`: after the protocol's warm-up (whole steps),
 * each pass is run alone enough times for a round of all four to last about targetRoundMs, and
 * the median over the protocol's rounds is kept per pass.
 */
export async function cpuPhaseTimes(size: BenchSize, protocol: BenchProtocol): Promise<PhaseTimes> {
  const engine = await benchEngine(size);
  try {
    const started = performance.now();
    const warm = (i: number) => i < Math.max(1, protocol.warmup) || (performance.now() - started < (protocol.warmupMs ?? 0) && i < MAX_WARMUP_STEPS);
    for (let i = 0; warm(i); i++) {
      engine.run(1, Infinity);
      await engine.flush();
    }
    const once = await engine.passTimes(1);
    const total = PHASES.reduce((sum, p) => sum + once[p], 0);
    const repeats = Math.max(1, Math.min(MAX_PASS_REPEATS, Math.round(protocol.targetRoundMs / Math.max(total, 1e-3))));
    const samples: Record<Phase, number[]> = { forward: [], loss: [], backward: [], update: [] };
    for (let r = 0; r < Math.max(1, protocol.rounds); r++) {
      const ms = await engine.passTimes(repeats);
      for (const p of PHASES) samples[p].push(ms[p]);
    }
    return { source: 'wall-clock', ms: Object.fromEntries(PHASES.map((p) => [p, median(samples[p])])) as Record<Phase, number> };
  } finally {
    engine.destroy();
  }
}
