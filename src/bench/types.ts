// What a benchmark measures and reports: the sizes, the implementations, the timing protocol
// (warm-up, then the median of timed rounds of several steps each) and the shared random batch.
import type { TuneReport } from '../gpu/tune';
import { Rng } from '../base/rng';
import { activationOf, layerWidths, type MlpShape } from '../reference/mlp';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../reference/optimizer';
import type { Phase } from '../train/step-phases';

/**
 * The implementations timed side by side: this project's engines by their ids in src/train/engine.ts
 * ('gpu', 'cpu'), then the peers by library and backend.
 */
export const IMPLS = ['gpu', 'cpu', 'tfjs-webgpu', 'tfjs-wasm', 'jax-wasm', 'jax-webgpu'] as const;
export type Impl = (typeof IMPLS)[number];

/** Earlier names of implementations, as older commands and reports spell them: our GPU step was 'webgpu'. */
const OLD_IMPL_NAMES: Readonly<Record<string, Impl>> = { webgpu: 'gpu' };

/**
 * The implementation a name means, an earlier name included: the one place they are mapped, which
 * the CLI's --impl and the bench page's ?impl= read through. Null for a name that is none.
 */
export function implNamed(name: string): Impl | null {
  if ((IMPLS as readonly string[]).includes(name)) return name as Impl;
  return Object.hasOwn(OLD_IMPL_NAMES, name) ? OLD_IMPL_NAMES[name]! : null;
}

/**
 * Those that Node runs (`npm run cli -- bench`): the Wasm peers load their binaries as Vite assets and
 * jax-js asks navigator.gpu for its own device, so they are timed by the bench page only.
 */
export const NODE_IMPLS = ['gpu', 'cpu', 'tfjs-webgpu'] as const satisfies readonly Impl[];

/** "1 thread", "2 threads": the CPU implementations' threads, wherever they are named. */
export const threadsText = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;

/** The benchmarked model unless a size names another: the MNIST-shaped swish MLP, D inputs and C classes, trained by plain SGD. */
export const BENCH_D = 784;
export const BENCH_C = 10;
export const BENCH_LR = 0.01;
export const BENCH_OPTIMIZER: Readonly<OptimizerSettings> = { ...DEFAULT_OPTIMIZER, kind: 'sgd', lr: BENCH_LR };

export interface BenchSize {
  batch: number;
  /** The first hidden layer's width (the sweep's axis). */
  hidden: number;
  /**
   * The whole MLP, where it is not BENCH_D-hidden-BENCH_C swish: the page's current model, with
   * all its layers, its activation and its data's D and C. Its hidden[0] is `hidden`.
   */
  shape?: MlpShape;
}

/** The MLP that a size times. */
export function benchShape(size: BenchSize): MlpShape {
  return size.shape ?? { D: BENCH_D, hidden: [size.hidden], C: BENCH_C };
}

/** What a size times, for people: "784-128-10 swish, batch 64". */
export function describeBench(size: BenchSize): string {
  const shape = benchShape(size);
  return `${layerWidths(shape).join('-')} ${activationOf(shape)}, batch ${size.batch}`;
}

export interface BenchProtocol {
  /** Untimed rounds first (pipeline compilation, caches). */
  warmup: number;
  /**
   * And untimed steps until this long has passed: WebAssembly starts on V8's baseline compiler and
   * moves to its optimizing one as it runs, which a few fast steps would not see through.
   */
  warmupMs?: number;
  /** Timed rounds; the median is reported. */
  rounds: number;
  /** Each round aims to last about this long, in steps of whole training steps (at least one). */
  targetRoundMs: number;
  /** At most this many steps per round. */
  maxStepsPerRound: number;
}

/** Sizes and rounds of `npm run bench` and `npm run cli -- bench`: about a minute on SwiftShader (2 cores). */
export const BENCH_DEFAULTS = { batch: '32,128', hidden: '64,512', rounds: 3, warmup: 1 };

export const DEFAULT_PROTOCOL: BenchProtocol = { warmup: 1, warmupMs: 500, rounds: 3, targetRoundMs: 150, maxStepsPerRound: 32 };

/** One implementation at one size. */
export interface BenchResult extends BenchSize {
  impl: Impl;
  /** Median over rounds of (round time / steps in the round). */
  msPerStep: number;
  stepsPerRound: number;
  /** Each timed round's time per step. */
  roundMs: number[];
  /** cpu, tfjs-wasm, jax-wasm: the threads it ran on (cpu: every hardware thread where memory can be shared, else 1). */
  threads?: number;
  /** gpu: the matmul entry point of each product of the step, e.g. {"layer1": "wide"}. */
  matmulPaths?: Record<string, string>;
  /** gpu: what the tuner timed when the model was built (ms per dispatch per entry point). */
  tuning?: TuneReport[];
}

/**
 * Milliseconds per pass of one step, and how they were measured: the GPU's by timestamp queries
 * where the device has them, else by the clock around a submit and its wait per pass; the CPU
 * engine's by the clock around each pass run alone, many times over.
 */
export interface PhaseTimes {
  source: 'timestamp-query' | 'wall-clock';
  ms: Record<Phase, number>;
}

/** The same random batch for every implementation: X [B, D] in [0, 1), labels [B] below C. */
export function benchBatch(
  B: number,
  { D, C }: Pick<MlpShape, 'D' | 'C'> = { D: BENCH_D, C: BENCH_C },
  seed = 1,
): { X: Float32Array<ArrayBuffer>; labels: Uint32Array<ArrayBuffer> } {
  const rng = new Rng(seed);
  const X = new Float32Array(B * D);
  for (let i = 0; i < X.length; i++) X[i] = rng.next();
  const labels = new Uint32Array(B);
  for (let i = 0; i < B; i++) labels[i] = rng.int(C);
  return { X, labels };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A peer's training step as the timing needs it: one step (its result freed), a wait for the queued steps, cleanup. */
export interface SteppedPeer {
  step(): { dispose(): void };
  sync(): Promise<unknown>;
  dispose(): void;
}

/** Times a peer's steps under the protocol as implementation `impl` at `size`, then frees the peer. */
export async function timePeer(peer: SteppedPeer, impl: Impl, size: BenchSize, protocol: BenchProtocol): Promise<BenchResult> {
  try {
    const timing = await timeRounds(async (steps) => {
      for (let s = 0; s < steps; s++) peer.step().dispose();
      await peer.sync();
    }, protocol);
    return { impl, ...size, ...timing };
  } finally {
    peer.dispose();
  }
}

/** At most this many warm-up steps beyond `warmup`, whatever `warmupMs` says. */
const MAX_WARMUP_STEPS = 10_000;

/**
 * Runs the protocol on `round(steps)`, which performs `steps` training steps and resolves when they
 * are done. The warm-up rounds run one step each (at least `warmup`, and more until `warmupMs` has
 * passed) and pick the steps per timed round from the fastest.
 */
export async function timeRounds(
  round: (steps: number) => Promise<void>,
  p: BenchProtocol,
  now: () => number = () => performance.now(),
): Promise<{ msPerStep: number; stepsPerRound: number; roundMs: number[] }> {
  let single = Infinity;
  const started = now();
  // A step count caps the warm-up too, should the clock not move (a fake one, say).
  for (let i = 0; i < Math.max(1, p.warmup) || (now() - started < (p.warmupMs ?? 0) && i < MAX_WARMUP_STEPS); i++) {
    const t0 = now();
    await round(1);
    single = Math.min(single, now() - t0);
  }
  const stepsPerRound = Math.max(1, Math.min(p.maxStepsPerRound, Math.round(p.targetRoundMs / Math.max(single, 1e-3))));
  const roundMs: number[] = [];
  for (let r = 0; r < Math.max(1, p.rounds); r++) {
    const t0 = now();
    await round(stepsPerRound);
    roundMs.push((now() - t0) / stepsPerRound);
  }
  return { msPerStep: median(roundMs), stepsPerRound, roundMs };
}
