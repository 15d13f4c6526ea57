// Where one training step's time goes, per engine: one stacked bar each of forward, loss, backward
// and update, and for the GPU its fixed cost of submitting work and waiting for it (an empty step's
// submit and wait), so that a student sees why a small network loses on the GPU. The page draws the
// bars (src/ui/bench/step-bars-view.ts) and `bench --phases` prints them (formatStepBars), from here.
import { PHASES, type Phase } from '../train/step-phases';
import type { PhaseTimes } from './types';

/** A bar's parts: the passes of a step, then the GPU's fixed cost. */
export const BAR_PARTS = [...PHASES, 'fixed'] as const;
export type BarPart = (typeof BAR_PARTS)[number];

/** Each part's name in the legend, and its letter in the CLI's text bars: every one distinct. */
export const PART_NAMES: Readonly<Record<BarPart, string>> = {
  forward: 'forward',
  loss: 'loss',
  backward: 'backward',
  update: 'update',
  fixed: 'submit + wait (GPU fixed cost)',
};
export const PART_LETTERS: Readonly<Record<BarPart, string>> = { forward: 'F', loss: 'L', backward: 'B', update: 'U', fixed: 'S' };

export interface BarSegment {
  part: BarPart;
  ms: number;
  /** This part's share of its bar, 0…1. */
  share: number;
}

export interface StepBar {
  engine: 'gpu' | 'cpu';
  /** "GPU (WebGPU)", "CPU (WebAssembly SIMD, 2 threads)". */
  label: string;
  /** The parts in BAR_PARTS order; the CPU's has no fixed part. */
  segments: BarSegment[];
  /** The parts' sum: one step run alone. */
  totalMs: number;
}

/** What the GPU side measured: its passes (phaseTimes) and an empty step's submit and wait (overheadTimes). */
export interface GpuStepParts {
  passes: PhaseTimes;
  submitMs: number;
}

/**
 * The GPU's bar. Timestamp queries time each pass on the GPU alone; the clock (no timestamps) times
 * each pass with a submit and a wait of its own, so an empty step's submit and wait is taken off each
 * (never below 0) and shown once, as the fixed cost.
 */
export function gpuBar(gpu: GpuStepParts, label = 'GPU (WebGPU)'): StepBar {
  const fixed = Math.max(0, gpu.submitMs);
  const own = (p: Phase) => Math.max(0, gpu.passes.ms[p] - (gpu.passes.source === 'wall-clock' ? fixed : 0));
  return bar('gpu', label, [...PHASES.map((part) => ({ part, ms: own(part) })), { part: 'fixed', ms: fixed }]);
}

/** The CPU engine's bar: each pass timed alone (cpuPhaseTimes); it has no submit to wait for. */
export function cpuBar(passes: PhaseTimes, label: string): StepBar {
  return bar(
    'cpu',
    label,
    PHASES.map((part) => ({ part, ms: Math.max(0, passes.ms[part]) })),
  );
}

function bar(engine: StepBar['engine'], label: string, parts: Array<{ part: BarPart; ms: number }>): StepBar {
  const totalMs = parts.reduce((s, p) => s + p.ms, 0);
  return { engine, label, totalMs, segments: parts.map((p) => ({ ...p, share: totalMs > 0 ? p.ms / totalMs : 0 })) };
}

/** Each bar's length as a share of the longest (one scale for both, so their lengths compare as their times). */
export function barLengths(bars: readonly StepBar[]): number[] {
  const longest = Math.max(0, ...bars.map((b) => b.totalMs));
  return bars.map((b) => (longest > 0 ? b.totalMs / longest : 0));
}

/**
 * Why, in words: how much of the GPU's step is its fixed cost, and its passes' arithmetic against the
 * CPU engine's whole step. Empty without both bars.
 */
export function whyInWords(bars: readonly StepBar[]): string {
  const gpu = bars.find((b) => b.engine === 'gpu');
  const cpu = bars.find((b) => b.engine === 'cpu');
  if (!gpu || !cpu || gpu.totalMs <= 0 || cpu.totalMs <= 0) return '';
  const fixed = gpu.segments.find((s) => s.part === 'fixed')!;
  const passes = gpu.totalMs - fixed.ms;
  const share = fixed.share < 0.01 ? 'under 1%' : `${Math.round(fixed.share * 100)}%`;
  const first =
    fixed.share >= 0.5
      ? `Most of the GPU's step (${share}) is its fixed cost of submitting the work and waiting for it, the same for any network however small.`
      : `The GPU's fixed cost of submitting the work and waiting for it is ${share} of its step; the rest is its passes' arithmetic.`;
  const second =
    passes > cpu.totalMs
      ? ` Even without it, its passes take ${ms(passes)} against ${ms(cpu.totalMs)} for the CPU engine's whole step.`
      : ` Without it, its passes take ${ms(passes)} against ${ms(cpu.totalMs)} for the CPU engine's whole step.`;
  return first + second;
}

/**
 * The bars as text, one line each on one scale of `width` letters (a part's letter repeated for its
 * share, PART_LETTERS), the total and each part in ms, then the key and the words of whyInWords.
 */
export function formatStepBars(bars: readonly StepBar[], width = 40): string {
  const lengths = barLengths(bars);
  const labelWidth = Math.max(...bars.map((b) => b.label.length));
  const lines = bars.map((b, i) => {
    const letters = Math.max(1, Math.round(lengths[i]! * width));
    const text = apportion(
      b.segments.map((s) => s.share),
      letters,
    )
      .map((n, j) => PART_LETTERS[b.segments[j]!.part].repeat(n))
      .join('');
    const parts = b.segments.map((s) => `${PART_NAMES[s.part].replace(/ \(.*\)$/, '')} ${ms(s.ms)}`).join(', ');
    return `  ${b.label.padEnd(labelWidth)}  ${text.padEnd(width)}  ${ms(b.totalMs)}: ${parts}`;
  });
  const used = BAR_PARTS.filter((p) => bars.some((b) => b.segments.some((s) => s.part === p)));
  lines.push(`  key: ${used.map((p) => `${PART_LETTERS[p]} ${PART_NAMES[p]}`).join(', ')}`);
  const why = whyInWords(bars);
  if (why) lines.push(`  ${why}`);
  return lines.join('\n');
}

/** `total` whole letters shared out in proportion to `shares` (largest remainders), summing to `total`. */
export function apportion(shares: readonly number[], total: number): number[] {
  const sum = shares.reduce((s, x) => s + x, 0);
  if (sum <= 0) return shares.map(() => 0);
  const exact = shares.map((s) => (s / sum) * total);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i]!++;
    left--;
  }
  return out;
}

/** "0.0412 ms", "1.23 ms", "17.3 ms". */
function ms(x: number): string {
  return `${x >= 10 ? x.toFixed(1) : Number(x.toPrecision(3))} ms`;
}
