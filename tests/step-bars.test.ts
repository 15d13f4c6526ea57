// The stacked bars of a step's time (src/bench/step-bars.ts): each engine's parts in order, their
// shares summing to one, the GPU's clock-timed passes less its fixed cost, one scale for both bars,
// the reason in words, and the CLI's text bars with a key whose letters and names are distinct.
import { describe, expect, it } from 'vitest';
import { apportion, BAR_PARTS, barLengths, cpuBar, formatStepBars, gpuBar, PART_LETTERS, PART_NAMES, whyInWords } from '../src/bench/step-bars';
import type { PhaseTimes } from '../src/bench/types';

const passes = (source: PhaseTimes['source'], forward: number, loss: number, backward: number, update: number): PhaseTimes => ({
  source,
  ms: { forward, loss, backward, update },
});

describe('where a step’s time goes', () => {
  it('gives the GPU five parts (the passes, then the fixed cost) and the CPU four, shares summing to 1', () => {
    const gpu = gpuBar({ passes: passes('timestamp-query', 0.2, 0.1, 0.4, 0.1), submitMs: 1.2 });
    expect(gpu.segments.map((s) => s.part)).toEqual([...BAR_PARTS]);
    expect(gpu.segments.map((s) => s.ms)).toEqual([0.2, 0.1, 0.4, 0.1, 1.2]);
    expect(gpu.totalMs).toBeCloseTo(2, 12);
    const cpu = cpuBar(passes('wall-clock', 0.03, 0.01, 0.05, 0.01), 'CPU (WebAssembly SIMD, 2 threads)');
    expect(cpu.segments.map((s) => s.part)).toEqual(['forward', 'loss', 'backward', 'update']);
    expect(cpu.totalMs).toBeCloseTo(0.1, 12);
    for (const bar of [gpu, cpu]) {
      expect(bar.segments.reduce((s, x) => s + x.share, 0)).toBeCloseTo(1, 12);
      for (const s of bar.segments) expect(s.share).toBeCloseTo(s.ms / bar.totalMs, 12);
    }
  });

  it('takes an empty step’s submit and wait off each clock-timed GPU pass, never below 0, and shows it once', () => {
    const gpu = gpuBar({ passes: passes('wall-clock', 1.5, 0.9, 2, 1.1), submitMs: 1 });
    expect(gpu.segments.map((s) => s.ms)).toEqual([0.5, 0, 1, 0.10000000000000009, 1]);
    expect(gpu.totalMs).toBeCloseTo(2.6, 12);
  });

  it('draws both bars on one scale: the longer one whole, the other in proportion', () => {
    const gpu = gpuBar({ passes: passes('timestamp-query', 1, 1, 1, 1), submitMs: 4 });
    const cpu = cpuBar(passes('wall-clock', 0.5, 0.5, 0.5, 0.5), 'CPU');
    expect(barLengths([gpu, cpu])).toEqual([1, 0.25]);
    expect(barLengths([cpu])).toEqual([1]);
  });

  it('says why: the fixed cost’s share of the GPU’s step, and its passes against the CPU’s whole step', () => {
    const cpu = cpuBar(passes('wall-clock', 0.02, 0.01, 0.04, 0.01), 'CPU');
    const mostlyFixed = gpuBar({ passes: passes('timestamp-query', 0.1, 0.05, 0.2, 0.05), submitMs: 1.6 });
    expect(whyInWords([mostlyFixed, cpu])).toBe(
      "Most of the GPU's step (80%) is its fixed cost of submitting the work and waiting for it, the same for any network however small. " +
        "Even without it, its passes take 0.4 ms against 0.08 ms for the CPU engine's whole step.",
    );
    const mostlyArithmetic = gpuBar({ passes: passes('timestamp-query', 0.01, 0.01, 0.02, 0.01), submitMs: 0.01 });
    expect(whyInWords([mostlyArithmetic, cpu])).toMatch(
      /^The GPU's fixed cost .* is 17% of its step; .* Without it, its passes take 0\.05 ms against 0\.08 ms/,
    );
    const tiny = gpuBar({ passes: passes('timestamp-query', 1, 1, 1, 1), submitMs: 0.02 });
    expect(whyInWords([tiny, cpu])).toMatch(/^The GPU's fixed cost of submitting the work and waiting for it is under 1% of its step; /);
    expect(whyInWords([cpu])).toBe('');
  });

  it('names every part and gives it a letter, all distinct', () => {
    expect(new Set(Object.values(PART_NAMES)).size).toBe(BAR_PARTS.length);
    expect(new Set(Object.values(PART_LETTERS)).size).toBe(BAR_PARTS.length);
  });

  it('prints the bars as letters on one scale, with each part in ms, the key and the reason', () => {
    const gpu = gpuBar({ passes: passes('timestamp-query', 0.5, 0.25, 1, 0.25), submitMs: 2 });
    const cpu = cpuBar(passes('wall-clock', 0.1, 0.05, 0.2, 0.05), 'CPU (2 threads)');
    const lines = formatStepBars([gpu, cpu], 20).split('\n');
    // 20 letters for the GPU's 4 ms (the forward's 2.5 rounded up, its largest remainder), 2 for the CPU's 0.4 ms.
    expect(lines[0]).toBe('  GPU (WebGPU)     FFFLBBBBBUSSSSSSSSSS  4 ms: forward 0.5 ms, loss 0.25 ms, backward 1 ms, update 0.25 ms, submit + wait 2 ms');
    expect(lines[1]).toBe('  CPU (2 threads)  FB                    0.4 ms: forward 0.1 ms, loss 0.05 ms, backward 0.2 ms, update 0.05 ms');
    expect(lines[2]).toBe('  key: F forward, L loss, B backward, U update, S submit + wait (GPU fixed cost)');
    expect(lines[3]).toBe(`  ${whyInWords([gpu, cpu])}`);
  });

  it('shares whole letters out in proportion, summing to the total', () => {
    expect(apportion([0.5, 0.25, 0.25], 4)).toEqual([2, 1, 1]);
    expect(apportion([1, 1, 1], 10)).toEqual([4, 3, 3]);
    expect(apportion([0, 0], 5)).toEqual([0, 0]);
    for (const n of [1, 7, 40]) expect(apportion([0.13, 0.4, 0.07, 0.4], n).reduce((s, x) => s + x, 0)).toBe(n);
  });
});
