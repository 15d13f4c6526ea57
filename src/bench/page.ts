// The benchmark page (bench.html) that `npm run bench` opens in headless Chromium: reads the sizes
// from the query string (?batch=32,256&hidden=64,512&rounds=3&warmup=1&impl=gpu,tfjs-wasm&phases=1;
// impl left out times every one of IMPLS), runs src/bench with the CPU engine in its Web Worker, and
// leaves the report in window.benchReport with its table in window.benchTable (or the failure in
// window.benchError), and, as JSON, in #report.
import { CpuWorker } from './cpu-worker-client';
import { openDevice } from '../gpu/device';
import { formatTable, runBench, type BenchReport } from './run';
import { BENCH_DEFAULTS, implNamed, IMPLS, type BenchSize } from './types';

const status = document.getElementById('status')!;
const out = document.getElementById('report')!;
const globals = window as unknown as { benchReport?: BenchReport; benchTable?: string; benchError?: string };

function ints(params: URLSearchParams, name: string, fallback: string): number[] {
  const values = (params.get(name) ?? fallback).split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`${name} must be a list of positive integers`);
  return values;
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const batches = ints(params, 'batch', BENCH_DEFAULTS.batch);
  const hiddens = ints(params, 'hidden', BENCH_DEFAULTS.hidden);
  const [rounds = BENCH_DEFAULTS.rounds] = ints(params, 'rounds', String(BENCH_DEFAULTS.rounds));
  const [warmup = BENCH_DEFAULTS.warmup] = ints(params, 'warmup', String(BENCH_DEFAULTS.warmup));
  const impls = (params.get('impl') ?? IMPLS.join(',')).split(',').map((name) => {
    const impl = implNamed(name);
    if (impl === null) throw new Error(`impl must be among ${IMPLS.join(', ')}, not '${name}'`);
    return impl;
  });
  const sizes: BenchSize[] = batches.flatMap((batch) => hiddens.map((hidden) => ({ batch, hidden })));
  const ctx = await openDevice(navigator.gpu, 'bench');
  const cpu = new CpuWorker();
  try {
    const report = await runBench(ctx, {
      sizes,
      impls,
      protocol: { rounds, warmup },
      phases: params.get('phases') === '1',
      runtime: /(HeadlessChrome|Chrome|Firefox|Version)\/[\d.]+/.exec(navigator.userAgent)?.[0] ?? navigator.userAgent,
      cpu: (size, protocol) => cpu.bench(size, protocol),
      cpuPasses: (size, protocol) => cpu.passes(size, protocol),
      onProgress: (done, total, last) => {
        status.textContent = `${done}/${total}${last ? ` · ${last.impl} ${last.batch}×${last.hidden}: ${last.msPerStep.toFixed(2)} ms/step` : ''}`;
      },
    });
    globals.benchTable = formatTable(report);
    globals.benchReport = report;
    out.textContent = JSON.stringify(report, null, 2);
    status.textContent = 'Done';
  } finally {
    cpu.terminate();
  }
}

main().catch((error: unknown) => {
  globals.benchError = error instanceof Error ? error.message : String(error);
  status.textContent = `Failed: ${globals.benchError}`;
});
