// `npm run cli -- bench`: this project's WebGPU step, its float32 CPU engine and TensorFlow.js's
// WebGPU backend, the same MLP on the same device, timed side by side (src/bench).
import { UserError } from '../errors';
import { runBench, formatTable } from '../bench/run';
import { BENCH_DEFAULTS, IMPLS, type BenchSize, type Impl } from '../bench/types';
import { intFlag } from './flags';
import { openNodeDevice } from './node-gpu';

function intList(flags: Record<string, unknown>, name: string, fallback: string, max: number): number[] {
  const raw = String(flags[name] ?? fallback);
  return raw.split(',').map((s) => intFlag({ [name]: s }, name, 0, 1, max));
}

function implList(flags: Record<string, unknown>): Impl[] {
  const raw = String(flags.impl ?? IMPLS.join(','));
  return raw.split(',').map((s) => {
    if (!(IMPLS as readonly string[]).includes(s)) throw new UserError(`unknown --impl '${s}' (expected ${IMPLS.join(', ')})`);
    return s as Impl;
  });
}

export async function benchCommand(flags: Record<string, unknown>): Promise<void> {
  const batches = intList(flags, 'batch', BENCH_DEFAULTS.batch, 65536);
  const hiddens = intList(flags, 'hidden', BENCH_DEFAULTS.hidden, 65536);
  const impls = implList(flags);
  const rounds = intFlag(flags, 'rounds', BENCH_DEFAULTS.rounds, 1, 1000);
  const warmup = intFlag(flags, 'warmup', BENCH_DEFAULTS.warmup, 1, 1000);
  const sizes: BenchSize[] = batches.flatMap((batch) => hiddens.map((hidden) => ({ batch, hidden })));
  const ctx = await openNodeDevice();
  const json = Boolean(flags.json);
  // TensorFlow.js may print notices on stdout; stdout carries only the report.
  const log = console.log;
  console.log = (...args: unknown[]) => console.error(...args);
  try {
    const report = await runBench(ctx, {
      sizes,
      impls,
      protocol: { rounds, warmup },
      phases: Boolean(flags.phases),
      runtime: `node ${process.version} + dawn (npm webgpu)`,
      onProgress: (done, total, last) => {
        if (last) process.stderr.write(`[${done}/${total}] ${last.impl} ${last.batch}x${last.hidden}: ${last.msPerStep.toFixed(2)} ms/step\n`);
      },
    });
    process.stdout.write(json ? `${JSON.stringify(report)}\n` : `${formatTable(report)}\n`);
  } finally {
    console.log = log;
  }
}
