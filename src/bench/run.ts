// The benchmark as one call: every size × implementation in order, the adapter beside the numbers,
// progress reported and cancellation honoured between measurements. Shared by `npm run cli -- bench`,
// `npm run bench` (the bench page in headless Chromium) and the app's benchmark view.
import type { GpuContext } from '../gpu/device';
import { benchCpu, cpuPhaseTimes } from './cpu';
import { benchJax } from './jax';
import { benchTfjs } from './tfjs';
import { benchTfjsWasm } from './tfjs-wasm';
import { DEFAULT_PROTOCOL, threadsText, type BenchProtocol, type BenchResult, type BenchSize, type Impl, type PhaseTimes } from './types';
import { cpuBar, formatStepBars, gpuBar, type StepBar } from './step-bars';
import { benchGpu, overheadTimes, phaseTimes, type Overheads } from './gpu';

/** What the report says about the adapter. */
export interface AdapterReport {
  name: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Where the numbers come from, e.g. "node + dawn" or a browser's user agent. */
  runtime: string;
  timestampQuery: boolean;
  features: string[];
  limits: Record<string, number>;
}

export interface BenchReport {
  adapter: AdapterReport;
  results: BenchResult[];
  /** Per-pass times of this project's GPU step, per size, when asked for. */
  phases?: Array<BenchSize & PhaseTimes>;
  /** And of the CPU engine's step, per size, when 'cpu' is among the implementations. */
  cpuPhases?: Array<BenchSize & PhaseTimes>;
  /** Submit, dispatch and readback costs, with the per-pass times. */
  overheads?: Overheads;
}

export interface BenchOptions {
  sizes: BenchSize[];
  impls: Impl[];
  protocol?: Partial<BenchProtocol>;
  /** Also measure per-pass times at each size (the GPU's, and the CPU engine's where it is timed), and the submit, dispatch and readback costs. */
  phases?: boolean;
  runtime?: string;
  onProgress?: (done: number, total: number, last: BenchResult | null) => void;
  signal?: AbortSignal;
  /** Runs the CPU engine (defaults to this thread; the page passes its Web Worker). */
  cpu?: (size: BenchSize, protocol: BenchProtocol) => Promise<BenchResult>;
  /** Times the CPU engine's passes (defaults to this thread). */
  cpuPasses?: (size: BenchSize, protocol: BenchProtocol) => Promise<PhaseTimes>;
}

const LIMITS = [
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
] as const;

export function adapterReport(ctx: GpuContext, runtime: string): AdapterReport {
  const info = ctx.adapterInfo;
  const limits: Record<string, number> = {};
  for (const name of LIMITS) limits[name] = Number(ctx.device.limits[name]);
  return {
    name: ctx.adapterName,
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    runtime,
    timestampQuery: ctx.hasTimestamps,
    features: [...ctx.adapter.features].map(String).sort(),
    limits,
  };
}

/**
 * Times one implementation at one size, a peer once its first losses match ours (it throws where they
 * do not, or where it cannot load). Without a GPU (`ctx` null) only cpu, tfjs-wasm and jax-wasm run.
 */
export async function benchImpl(
  ctx: GpuContext | null,
  impl: Impl,
  size: BenchSize,
  protocol: BenchProtocol,
  cpu: (size: BenchSize, protocol: BenchProtocol) => Promise<BenchResult> = benchCpu,
): Promise<BenchResult> {
  if (impl === 'cpu') return cpu(size, protocol);
  if (impl === 'tfjs-wasm') return benchTfjsWasm(size, protocol);
  if (impl === 'jax-wasm') return benchJax(impl, size, protocol);
  if (!ctx) throw new Error(`${impl} needs a WebGPU adapter`);
  return impl === 'gpu' ? benchGpu(ctx, size, protocol) : impl === 'tfjs-webgpu' ? benchTfjs(ctx, size, protocol) : benchJax(impl, size, protocol);
}

/** Runs every implementation at every size; throws an AbortError when `signal` aborts. */
export async function runBench(ctx: GpuContext, opts: BenchOptions): Promise<BenchReport> {
  const protocol = { ...DEFAULT_PROTOCOL, ...opts.protocol };
  const cpu = opts.cpu ?? benchCpu;
  const results: BenchResult[] = [];
  const phases: Array<BenchSize & PhaseTimes> = [];
  const cpuPhases: Array<BenchSize & PhaseTimes> = [];
  const timesCpu = opts.impls.includes('cpu');
  const total = opts.sizes.length * (opts.impls.length + (opts.phases ? 1 + (timesCpu ? 1 : 0) : 0));
  let done = 0;
  opts.onProgress?.(0, total, null);
  for (const size of opts.sizes) {
    for (const impl of opts.impls) {
      opts.signal?.throwIfAborted();
      const result = await benchImpl(ctx, impl, size, protocol, cpu);
      results.push(result);
      opts.onProgress?.(++done, total, result);
    }
    if (opts.phases) {
      opts.signal?.throwIfAborted();
      phases.push({ ...size, ...(await phaseTimes(ctx, size)) });
      opts.onProgress?.(++done, total, null);
      if (timesCpu) {
        opts.signal?.throwIfAborted();
        cpuPhases.push({ ...size, ...(await (opts.cpuPasses ?? cpuPhaseTimes)(size, protocol)) });
        opts.onProgress?.(++done, total, null);
      }
    }
  }
  const overheads = opts.phases ? await overheadTimes(ctx) : undefined;
  const measuredPhases = opts.phases ? { phases, overheads, ...(timesCpu ? { cpuPhases } : {}) } : {};
  return { adapter: adapterReport(ctx, opts.runtime ?? 'unknown'), results, ...measuredPhases };
}

/** The stacked bars of one size (src/bench/step-bars.ts): the GPU's and the CPU engine's, those measured. */
export function reportBars(report: BenchReport, size: BenchSize): StepBar[] {
  const at = (p: BenchSize) => p.batch === size.batch && p.hidden === size.hidden;
  const gpu = report.phases?.find(at);
  const cpu = report.cpuPhases?.find(at);
  const threads = report.results.find((r) => r.impl === 'cpu' && at(r))?.threads;
  const bars: StepBar[] = [];
  if (gpu && report.overheads) bars.push(gpuBar({ passes: gpu, submitMs: report.overheads.submitMs }));
  if (cpu) bars.push(cpuBar(cpu, threads === undefined ? 'CPU (WebAssembly SIMD)' : `CPU (WebAssembly SIMD, ${threadsText(threads)})`));
  return bars;
}

/** The report as a plain-text table: one row per size, ms/step per implementation and the ratios. */
export function formatTable(report: BenchReport): string {
  const impls = [...new Set(report.results.map((r) => r.impl))];
  const sizes = [...new Map(report.results.map((r) => [`${r.batch}x${r.hidden}`, r])).values()];
  const ms = (impl: Impl, s: BenchSize) => report.results.find((r) => r.impl === impl && r.batch === s.batch && r.hidden === s.hidden)?.msPerStep;
  const header = ['batch', 'hidden', ...impls.map((i) => `${i} ms/step`)];
  const others = impls.filter((i) => i !== 'gpu');
  if (impls.includes('gpu')) header.push(...others.map((i) => `${i}/gpu`));
  const rows = sizes.map((s) => {
    const cells = [String(s.batch), String(s.hidden), ...impls.map((i) => fmt(ms(i, s)))];
    const base = ms('gpu', s);
    if (base !== undefined)
      cells.push(
        ...others.map((i) => {
          const v = ms(i, s);
          return v === undefined ? '' : `${(v / base).toFixed(2)}×`;
        }),
      );
    return cells;
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((x, c) => x.padStart(widths[c]!)).join('  ');
  const a = report.adapter;
  const out = [`adapter: ${a.name} · ${a.runtime} · timestamp-query ${a.timestampQuery ? 'yes' : 'no'}`, line(header), ...rows.map(line)];
  const threads = impls.flatMap((impl) => {
    const n = report.results.find((r) => r.impl === impl && r.threads !== undefined)?.threads;
    return n === undefined ? [] : [`${impl} ${n}`];
  });
  if (threads.length > 0) out.push(`threads: ${threads.join(', ')} (cpu: WebAssembly SIMD)`);
  for (const p of report.phases ?? []) {
    // The GPU's passes by timestamp queries, or by the clock less an empty step's submit and wait.
    const how = p.source === 'timestamp-query' ? 'GPU passes by timestamp queries' : 'GPU passes by the clock, less an empty submit + wait each';
    out.push(`where a step's time goes at ${p.batch}x${p.hidden}, each part run alone (${how}):`, formatStepBars(reportBars(report, p)));
    const r = report.results.find((x) => x.impl === 'gpu' && x.batch === p.batch && x.hidden === p.hidden);
    if (r?.matmulPaths) out.push(`  matmul entry points: ${formatPaths(r)}`);
  }
  const o = report.overheads;
  if (o)
    out.push(
      `overheads (wall-clock, ms): submit + wait ${fmt(o.submitMs)}, per dispatch ${o.dispatchMs.toFixed(4)}, readback of 16 bytes ${fmt(o.readbackMs)}`,
    );
  return out.join('\n');
}

/** "layer1 wide (tiled 0.061, wide 0.045 ms), layer2 small, …": each product's entry point and, where timed, the times. */
export function formatPaths(r: BenchResult): string {
  return Object.entries(r.matmulPaths ?? {})
    .map(([name, path]) => {
      const timed = r.tuning?.find((t) => t.label.endsWith(`/${name}`));
      const times =
        timed && Object.keys(timed.ms).length > 0
          ? ` (${Object.entries(timed.ms)
              .map(([p, ms]) => `${p} ${ms.toFixed(4)}`)
              .join(', ')} ms)`
          : '';
      return `${name} ${path}${times}`;
    })
    .join(', ');
}

function fmt(v: number | undefined): string {
  if (v === undefined) return '';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}
