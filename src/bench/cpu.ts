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

/** At most this many repeats of a pass per timed round (a tiny network's pass takes some 0.1 µs). */
const MAX_PASS_REPEATS = 1 << 16;
/** At most this many warm-up steps, whatever the protocol's warm-up time. */
const MAX_WARMUP_STEPS = 10_000;
/**
 * Ticks of the clock the shortest pass of a round should last, so that none reads 0 ms and each is
 * within about a fifth: a page that is not cross-origin isolated reads a clock of 0.1 ms or coarser.
 */
const CLOCK_TICKS = 5;
/** A round grows for its shortest pass to at most this many times the protocol's target. */
const MAX_ROUND_TARGETS = 4;

/**
 * The CPU engine's time per pass of one step at `size`: after the protocol's warm-up (whole steps),
 * each pass is run alone enough times for a round of all four to last about targetRoundMs, and its
 * shortest pass a few ticks of the clock (passRepeats: a round may then last longer); the median
 * over the protocol's rounds is kept per pass.
 */
export async function cpuPhaseTimes(size: BenchSize, protocol: BenchProtocol, opts: CpuEngineOptions = {}): Promise<PhaseTimes> {
  const engine = await benchEngine(size, opts);
  try {
    const started = performance.now();
    const warm = (i: number) => i < Math.max(1, protocol.warmup) || (performance.now() - started < (protocol.warmupMs ?? 0) && i < MAX_WARMUP_STEPS);
    for (let i = 0; warm(i); i++) {
      engine.run(1, Infinity);
      await engine.flush();
    }
    const { repeats, first } = await passRepeats(engine, protocol.targetRoundMs);
    const samples: Record<Phase, number[]> = { forward: [], loss: [], backward: [], update: [] };
    const record = (ms: Record<Phase, number>) => PHASES.forEach((p) => samples[p].push(ms[p]));
    if (first) record(first); // the round that settled the repeats is the first of the protocol's
    while (samples.forward.length < Math.max(1, protocol.rounds)) record(await engine.passTimes(repeats));
    return { source: 'wall-clock', ms: Object.fromEntries(PHASES.map((p) => [p, median(samples[p])])) as Record<Phase, number> };
  } finally {
    engine.destroy();
  }
}

/**
 * How many repeats of each pass make a round of about `targetMs` in which the shortest pass (the
 * update of a tiny network: some 50 ns) lasts CLOCK_TICKS ticks of the clock, the round no longer
 * than MAX_ROUND_TARGETS targets for it: a round of one repeat first, then more until both hold.
 * `first`: the last round's times, taken at the repeats returned (null where the cap ended it).
 */
async function passRepeats(engine: CpuEngine, targetMs: number): Promise<{ repeats: number; first: Record<Phase, number> | null }> {
  const shortest = CLOCK_TICKS * clockTick();
  let repeats = 1;
  while (repeats < MAX_PASS_REPEATS) {
    const ms = await engine.passTimes(repeats);
    const roundMs = PHASES.reduce((sum, p) => sum + ms[p], 0) * repeats;
    const leastMs = Math.min(...PHASES.map((p) => ms[p])) * repeats;
    if (roundMs >= targetMs / 2 && (leastMs >= shortest || roundMs >= MAX_ROUND_TARGETS * targetMs)) return { repeats, first: ms };
    const forRound = roundMs > 0 ? (repeats * targetMs) / roundMs : 16 * repeats;
    const forShortest = leastMs > 0 ? (repeats * shortest) / leastMs : 16 * repeats;
    const longest = roundMs > 0 ? (repeats * MAX_ROUND_TARGETS * targetMs) / roundMs : Infinity;
    repeats = Math.min(MAX_PASS_REPEATS, Math.max(2 * repeats, Math.ceil(Math.min(Math.max(forRound, forShortest), longest))));
  }
  return { repeats, first: null };
}

/**
 * The clock's tick: the least change of performance.now() over a few reads (at least 5 µs in a
 * cross-origin isolated page, at least 100 µs otherwise, 1 ms in some browsers). A clock that does not
 * move (faked in a test) is taken as 1 ms.
 */
function clockTick(): number {
  let least = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    let t = t0;
    for (let reads = 0; t === t0 && reads < 1_000_000; reads++) t = performance.now();
    if (t > t0) least = Math.min(least, t - t0);
  }
  return Number.isFinite(least) ? least : 1;
}
