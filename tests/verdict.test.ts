// GPU against CPU in one sentence: the winner and factor agree with the times, a ratio below 1 is
// never written as one, equal times are "about the same speed", a software adapter says what it is;
// and the crossover rows over sizes.
import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../src/bench/types';
import { softwareAdapter } from '../src/kernels/matmul';
import { compareTimes, crossoverRows, formatCrossover, formatFactor, macsPerStep, speedVerdict } from '../src/bench/verdict';

const HARDWARE = softwareAdapter({ vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100' });
const SWIFTSHADER = softwareAdapter({
  vendor: 'google',
  architecture: 'swiftshader',
  device: 'swiftshader-device-subzero',
  description: 'SwiftShader driver 5.0.0',
});

describe('the GPU against the CPU in one sentence', () => {
  it('names the faster engine and its factor, from either side of 1', () => {
    expect(speedVerdict(17, 1, 2, HARDWARE)).toEqual({
      winner: 'cpu',
      factor: 17,
      sentence: 'Here the CPU engine (WebAssembly SIMD, 2 threads) trains this network 17× faster than the GPU.',
    });
    expect(speedVerdict(0.5, 1.7, 1, HARDWARE)).toEqual({
      winner: 'gpu',
      factor: 3.4,
      sentence: 'Here the GPU trains this network 3.4× faster than the CPU engine (WebAssembly SIMD, 1 thread).',
    });
    // 0.0228× written the way people say it: the CPU 44× faster.
    const v = speedVerdict(1 / 0.0228, 1, 2, HARDWARE);
    expect(v.winner).toBe('cpu');
    expect(v.sentence).toMatch(/ 44× faster than the GPU\.$/);
    expect(v.sentence).not.toMatch(/0\.\d+×/);
  });

  it('calls times within 5% the same speed, and gives both', () => {
    expect(compareTimes(1, 1)).toEqual({ winner: 'tie', factor: 1 });
    expect(speedVerdict(1.02, 1.04, 2, HARDWARE)).toMatchObject({
      winner: 'tie',
      sentence: 'Here the GPU and the CPU engine (WebAssembly SIMD, 2 threads) train this network at about the same speed (1.02 ms and 1.04 ms a step).',
    });
    expect(compareTimes(1, 1.06).winner).toBe('gpu');
  });

  it('says when the GPU is a software one, and what that means', () => {
    const { sentence } = speedVerdict(44, 1, 2, SWIFTSHADER);
    expect(sentence).toMatch(
      /^Here the CPU engine \(WebAssembly SIMD, 2 threads\) trains this network 44× faster than the GPU\. This GPU is SwiftShader, a software GPU that runs on the same CPU cores/,
    );
    expect(speedVerdict(44, 1, 2, HARDWARE).sentence).not.toMatch(/software/);
  });

  it('writes factors whole from 10 and with one decimal below', () => {
    expect([1.06, 3.44, 9.96, 10.4, 1234.4].map(formatFactor)).toEqual(['1.1×', '3.4×', '10×', '10×', '1,234×']);
  });
});

describe('the crossover', () => {
  const result = (impl: 'gpu' | 'cpu', batch: number, hidden: number, msPerStep: number): BenchResult => ({
    impl,
    batch,
    hidden,
    msPerStep,
    stepsPerRound: 1,
    roundMs: [msPerStep],
  });

  it('orders the sizes by multiply-adds per step and names the faster engine at each; a size timed on one engine only is named', () => {
    const results = [result('gpu', 128, 512, 2), result('cpu', 128, 512, 8), result('gpu', 32, 64, 3), result('cpu', 32, 64, 0.1), result('gpu', 64, 64, 1)];
    const rows = crossoverRows(results);
    expect(rows.map((r) => [r.batch, r.hidden, r.faster])).toEqual([
      [32, 64, 'CPU 30× faster'],
      [128, 512, 'GPU 4.0× faster'],
    ]);
    expect(rows[0]!.macsPerStep).toBe(3 * 32 * (784 * 64 + 64 * 10));
    expect(rows[0]!.macsPerStep).toBe(macsPerStep({ batch: 32, hidden: 64 }));
    expect(rows[1]!.speedUp).toBe(4);
    const text = formatCrossover(rows, [
      { batch: 32, hidden: 64 },
      { batch: 64, hidden: 64 },
      { batch: 128, hidden: 512 },
    ]);
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toMatch(/not timed on both engines: 64×64$/);
  });
});
