// `npm run cli -- bench`: this project's WebGPU step, its float32 CPU engine and TensorFlow.js's
// WebGPU backend, the same MLP on the same device, timed side by side (src/bench).
import { UserError } from '../base/errors';
import { benchMatmul, formatMatmulTable, parseMatmulShapes } from '../bench/matmul';
import { adapterReport, runBench, formatTable } from '../bench/run';
import { MATMUL_PATHS, softwareAdapter, type MatmulPath } from '../kernels/matmul';
import { BENCH_DEFAULTS, describeBench, implNamed, NODE_IMPLS, type BenchSize, type Impl } from '../bench/types';
import { crossoverRows, formatCrossover, speedVerdict } from '../bench/verdict';
import { intFlag } from './flags';
import type { CliIo } from './io';

function intList(flags: Record<string, unknown>, name: string, fallback: string, max: number): number[] {
  const raw = String(flags[name] ?? fallback);
  return raw.split(',').map((s) => intFlag({ [name]: s }, name, 0, 1, max));
}

function implList(flags: Record<string, unknown>): Impl[] {
  const raw = String(flags.impl ?? NODE_IMPLS.join(','));
  return raw.split(',').map((s) => {
    const impl = implNamed(s);
    if (impl === null) throw new UserError(`unknown --impl '${s}' (expected ${NODE_IMPLS.join(', ')})`);
    if (!(NODE_IMPLS as readonly Impl[]).includes(impl)) throw new UserError(`--impl '${s}' runs in the browser only: npm run bench -- --impl ${s}`);
    return impl;
  });
}

function pathList(flags: Record<string, unknown>): MatmulPath[] {
  const raw = String(flags.path ?? MATMUL_PATHS.join(','));
  return raw.split(',').map((s) => {
    if (!(MATMUL_PATHS as readonly string[]).includes(s)) throw new UserError(`unknown --path '${s}' (expected ${MATMUL_PATHS.join(', ')})`);
    return s as MatmulPath;
  });
}

const RUNTIME = `node ${process.version} + dawn (npm webgpu)`;

/** `bench --matmul 2048,512x1024x784 [--path tiled,wide] [--rounds N] [--json]`: the matmul alone, per entry point. */
async function matmulCommand(flags: Record<string, unknown>, io: CliIo): Promise<void> {
  const shapes = parseMatmulShapes(String(flags.matmul));
  const paths = pathList(flags);
  const rounds = intFlag(flags, 'rounds', 5, 1, 1000);
  const ctx = await io.gpu();
  const results = await benchMatmul(ctx, shapes, {
    paths,
    rounds,
    onResult: (r) => io.err(`${r.M}x${r.N}x${r.K} ${r.path}: ${r.ms.toPrecision(3)} ms, ${r.tflops.toPrecision(3)} TFLOP/s\n`),
  });
  const adapter = adapterReport(ctx, RUNTIME);
  io.out(
    flags.json
      ? `${JSON.stringify({ adapter, matmul: results })}\n`
      : `adapter: ${adapter.name} · ${adapter.runtime} · wall clock, ${rounds} rounds\n${formatMatmulTable(results)}\n`,
  );
  io.release(ctx);
}

export async function benchCommand(flags: Record<string, unknown>, io: CliIo): Promise<void> {
  if (flags.matmul !== undefined) return matmulCommand(flags, io);
  const compare = flags.compare === true;
  if (compare && flags.impl !== undefined) throw new UserError('--compare times the GPU and the CPU engine: drop --impl');
  const batches = intList(flags, 'batch', BENCH_DEFAULTS.batch, 65536);
  const hiddens = intList(flags, 'hidden', BENCH_DEFAULTS.hidden, 65536);
  const impls: Impl[] = compare ? ['gpu', 'cpu'] : implList(flags);
  const rounds = intFlag(flags, 'rounds', BENCH_DEFAULTS.rounds, 1, 1000);
  const warmup = intFlag(flags, 'warmup', BENCH_DEFAULTS.warmup, 1, 1000);
  const sizes: BenchSize[] = batches.flatMap((batch) => hiddens.map((hidden) => ({ batch, hidden })));
  const ctx = await io.gpu();
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
      runtime: RUNTIME,
      onProgress: (done, total, last) => {
        if (last) io.err(`[${done}/${total}] ${last.impl} ${last.batch}x${last.hidden}: ${last.msPerStep.toFixed(2)} ms/step\n`);
      },
    });
    if (compare) {
      // The page's words (src/bench/verdict.ts): one sentence per network, then the crossover.
      const software = softwareAdapter(ctx.adapterInfo);
      const crossover = crossoverRows(report.results);
      const verdicts = sizes.flatMap((size) => {
        const row = crossover.find((r) => r.batch === size.batch && r.hidden === size.hidden);
        return row ? [{ ...size, network: describeBench(size), ...speedVerdict(row.gpuMs, row.cpuMs, row.threads, software) }] : [];
      });
      io.out(
        json
          ? `${JSON.stringify({ adapter: report.adapter, verdicts, crossover })}\n`
          : `${verdicts.map((v) => `${v.network}: ${v.sentence}`).join('\n')}\n\n${formatCrossover(crossover, sizes)}\n`,
      );
    } else io.out(json ? `${JSON.stringify(report)}\n` : `${formatTable(report)}\n`);
  } finally {
    console.log = log;
  }
  // TensorFlow.js keeps the device it was given for the life of the process (src/bench/tfjs.ts).
  if (!impls.includes('tfjs-webgpu')) io.release(ctx);
}
