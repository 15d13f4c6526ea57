// GPU against CPU in one sentence, the way people say it ("the CPU engine trains this network 17×
// faster than the GPU", never "GPU speed-up: 0.06×"), and the crossover table over sizes: the same
// words on the page (src/ui/bench) and in the CLI (`bench --compare`).
import { mlpMacsPerRow } from '../reference/mlp';
import { benchShape, threadsText, type BenchResult, type BenchSize } from './types';

/** Times within this share of each other are "about the same speed": rounds differ by more. */
const SAME_SPEED = 0.05;

/** Which engine is faster, by how much (≥ 1), and the sentence that says so. */
export interface Verdict {
  winner: 'gpu' | 'cpu' | 'tie';
  /** The slower time over the faster one. */
  factor: number;
  sentence: string;
}

/** "17×", "3.4×", "1.1×": whole above 10, one decimal below. */
export function formatFactor(factor: number): string {
  const tenths = factor.toFixed(1);
  return `${Number(tenths) >= 10 ? Math.round(factor).toLocaleString('en-US') : tenths}×`;
}

/** "the CPU engine (WebAssembly SIMD, 2 threads)". */
export function cpuEngineWords(threads: number | undefined): string {
  return threads === undefined ? 'the CPU engine (WebAssembly SIMD)' : `the CPU engine (WebAssembly SIMD, ${threadsText(threads)})`;
}

/** Who wins and by what factor, from ms per step of each. */
export function compareTimes(gpuMs: number, cpuMs: number): { winner: Verdict['winner']; factor: number } {
  const factor = Math.max(gpuMs, cpuMs) / Math.min(gpuMs, cpuMs);
  if (!Number.isFinite(factor) || factor - 1 < SAME_SPEED) return { winner: 'tie', factor: Number.isFinite(factor) ? factor : 1 };
  return { winner: gpuMs < cpuMs ? 'gpu' : 'cpu', factor };
}

/**
 * The sentence for one network: "Here the CPU engine (WebAssembly SIMD, 2 threads) trains this
 * network 17× faster than the GPU." On a software adapter (`software`: its name, softwareAdapter in
 * src/kernels/matmul.ts; null for a hardware GPU) it says what that GPU is, and so why.
 */
export function speedVerdict(gpuMs: number, cpuMs: number, threads: number | undefined, software: string | null): Verdict {
  const { winner, factor } = compareTimes(gpuMs, cpuMs);
  const cpu = cpuEngineWords(threads);
  let sentence =
    winner === 'tie'
      ? `Here the GPU and ${cpu} train this network at about the same speed (${ms(gpuMs)} and ${ms(cpuMs)} a step).`
      : winner === 'gpu'
        ? `Here the GPU trains this network ${formatFactor(factor)} faster than ${cpu}.`
        : `Here ${cpu} trains this network ${formatFactor(factor)} faster than the GPU.`;
  if (software !== null) {
    sentence +=
      ` This GPU is ${software}, a software GPU that runs on the same CPU cores: ` +
      'every GPU step is CPU work with a GPU’s overheads on top, so the CPU engine wins; a real GPU wins once a network is large enough.';
  }
  return { winner, factor, sentence };
}

/** One size of the crossover: the work per step and which engine is faster there. */
export interface CrossoverRow {
  batch: number;
  hidden: number;
  /** Multiply-adds per training step: the forward pass and the backward's two products per layer. */
  macsPerStep: number;
  gpuMs: number;
  cpuMs: number;
  /** The CPU engine's threads, where it says. */
  threads?: number;
  /** CPU time over GPU time: above 1, the GPU is faster. */
  speedUp: number;
  /** "GPU 3.4× faster", "CPU 17× faster", "about the same". */
  faster: string;
}

/** Multiply-adds of one training step of `size`: 3 per weight per row (forward, and two products back). */
export function macsPerStep(size: BenchSize): number {
  return 3 * size.batch * mlpMacsPerRow(benchShape(size));
}

/** The crossover rows of the sizes timed on both engines, by work per step. */
export function crossoverRows(results: readonly BenchResult[]): CrossoverRow[] {
  const rows: CrossoverRow[] = [];
  for (const gpu of results.filter((r) => r.impl === 'gpu')) {
    const cpu = results.find((r) => r.impl === 'cpu' && r.batch === gpu.batch && r.hidden === gpu.hidden);
    if (!cpu) continue;
    const { winner, factor } = compareTimes(gpu.msPerStep, cpu.msPerStep);
    rows.push({
      batch: gpu.batch,
      hidden: gpu.hidden,
      macsPerStep: macsPerStep(gpu),
      gpuMs: gpu.msPerStep,
      cpuMs: cpu.msPerStep,
      ...(cpu.threads !== undefined ? { threads: cpu.threads } : {}),
      speedUp: cpu.msPerStep / gpu.msPerStep,
      faster: winner === 'tie' ? 'about the same' : `${winner.toUpperCase()} ${formatFactor(factor)} faster`,
    });
  }
  return rows.sort((a, b) => a.macsPerStep - b.macsPerStep);
}

/** The crossover rows as a text table, and the sizes that were not timed on both engines. */
export function formatCrossover(rows: readonly CrossoverRow[], sizes: readonly BenchSize[]): string {
  const lines = [['batch', 'hidden', 'multiply-adds / step', 'GPU ms', 'CPU ms', 'faster'].join('\t')];
  for (const r of rows) lines.push([r.batch, r.hidden, r.macsPerStep.toExponential(2), ms(r.gpuMs), ms(r.cpuMs), r.faster].join('\t'));
  const skipped = sizes.filter((s) => !rows.some((r) => r.batch === s.batch && r.hidden === s.hidden));
  if (skipped.length > 0) lines.push(`not timed on both engines: ${skipped.map((s) => `${s.batch}×${s.hidden}`).join(', ')}`);
  return lines.join('\n');
}

function ms(x: number): string {
  return `${x >= 10 ? x.toFixed(1) : x.toPrecision(3)} ms`;
}
