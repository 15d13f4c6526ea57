// `cli bench --json` at tiny sizes (the command line, tests/run-cli.ts; with TensorFlow.js the bundled
// CLI in a Node of its own, as TensorFlow.js keeps the device it is given for the life of the
// process): one JSON object on stdout with the adapter and a finite, positive time for each
// implementation and size. Speed itself is never asserted.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { formatPaths } from '../src/bench/run';
import { implNamed, IMPLS, NODE_IMPLS, type BenchResult } from '../src/bench/types';
import { speedVerdict } from '../src/bench/verdict';
import { softwareAdapter } from '../src/kernels/matmul';
import { cli, cliProcess } from './run-cli';

describe('cli bench', () => {
  it('prints one JSON object: the adapter and ms/step of gpu, cpu (with its threads) and tfjs-webgpu at each size', async () => {
    const { code, stdout, stderr } = await cliProcess('bench', '--json', '--batch', '4,7', '--hidden', '5', '--rounds', '1');
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as {
      adapter: { name: string; limits: Record<string, number>; timestampQuery: boolean };
      results: Array<{ impl: string; batch: number; hidden: number; msPerStep: number; threads?: number }>;
    };
    expect(typeof report.adapter.name).toBe('string');
    expect(report.adapter.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThan(0);
    expect(typeof report.adapter.timestampQuery).toBe('boolean');
    const seen = report.results.map((r) => `${r.impl}@${r.batch}x${r.hidden}`).sort();
    expect(seen).toEqual(['cpu@4x5', 'cpu@7x5', 'gpu@4x5', 'gpu@7x5', 'tfjs-webgpu@4x5', 'tfjs-webgpu@7x5']);
    for (const r of report.results) {
      expect(Number.isFinite(r.msPerStep) && r.msPerStep > 0, JSON.stringify(r)).toBe(true);
      expect(r.threads, JSON.stringify(r)).toBe(r.impl === 'cpu' ? availableParallelism() : undefined);
    }
  });

  it('--compare says which engine is faster per network, in the page’s words for the same times, and prints the crossover', async () => {
    const { code, stdout, stderr } = await cli('bench', '--compare', '--json', '--batch', '4', '--hidden', '5,9', '--rounds', '1');
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout) as {
      adapter: { name: string; vendor: string; architecture: string; device: string; description: string };
      verdicts: Array<{ batch: number; hidden: number; network: string; winner: string; factor: number; sentence: string }>;
      crossover: Array<{ batch: number; hidden: number; gpuMs: number; cpuMs: number; macsPerStep: number; faster: string }>;
    };
    expect(out.verdicts.map((v) => v.network)).toEqual(['784-5-10 swish, batch 4', '784-9-10 swish, batch 4']);
    expect(out.crossover.map((r) => r.macsPerStep)).toEqual([3 * 4 * (784 * 5 + 50), 3 * 4 * (784 * 9 + 90)]);
    const software = softwareAdapter(out.adapter);
    for (const v of out.verdicts) {
      const row = out.crossover.find((r) => r.batch === v.batch && r.hidden === v.hidden)!;
      // The page's sentence for these same times (src/ui/bench/bench-view.ts calls the same function).
      expect(v.sentence).toBe(speedVerdict(row.gpuMs, row.cpuMs, availableParallelism(), software).sentence);
      expect(v.factor).toBeCloseTo(Math.max(row.gpuMs, row.cpuMs) / Math.min(row.gpuMs, row.cpuMs), 10);
    }
    const text = await cli('bench', '--compare', '--batch', '4', '--hidden', '5', '--rounds', '1');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^784-5-10 swish, batch 4: Here the .* faster than .*\n\nbatch\thidden\tmultiply-adds \/ step\tGPU ms\tCPU ms\tfaster\n4\t5\t/);
    expect((await cli('bench', '--compare', '--impl', 'gpu')).stderr).toMatch(/^error: --compare times the GPU and the CPU engine: drop --impl$/m);
  });

  it('--phases prints where a step’s time goes: a text bar per engine (the GPU’s fixed cost in it), each part in ms, the key', async () => {
    const flags = ['--phases', '--impl', 'gpu,cpu', '--batch', '4', '--hidden', '5', '--rounds', '1'];
    const { code, stdout, stderr } = await cli('bench', ...flags);
    expect(code, stderr).toBe(0);
    const lines = stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith("where a step's time goes at 4x5, each part run alone (GPU passes by "));
    expect(at, stdout).toBeGreaterThan(0);
    const ms = '[\\d.e-]+ ms';
    expect(lines[at + 1]).toMatch(
      new RegExp(`^  GPU \\(WebGPU\\) +[FLBUS]+ +${ms}: forward ${ms}, loss ${ms}, backward ${ms}, update ${ms}, submit \\+ wait ${ms}$`),
    );
    expect(lines[at + 2]).toMatch(
      new RegExp(`^  CPU \\(WebAssembly SIMD, \\d+ threads?\\) +[FLBU]+ +${ms}: forward ${ms}, loss ${ms}, backward ${ms}, update ${ms}$`),
    );
    expect(lines[at + 3]).toBe('  key: F forward, L loss, B backward, U update, S submit + wait (GPU fixed cost)');
    expect(lines[at + 4]).toMatch(/^ {2}(Most of the GPU's step|The GPU's fixed cost)/);
    // The JSON carries both engines' passes, each positive, and the submit's cost the bars take off.
    const json = await cli('bench', ...flags, '--json');
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as {
      phases: Array<{ ms: Record<string, number> }>;
      cpuPhases: Array<{ batch: number; hidden: number; source: string; ms: Record<string, number> }>;
      overheads: { submitMs: number };
    };
    expect(report.cpuPhases.map((p) => [p.batch, p.hidden, p.source])).toEqual([[4, 5, 'wall-clock']]);
    for (const p of [...report.phases, ...report.cpuPhases]) {
      expect(Object.keys(p.ms)).toEqual(['forward', 'loss', 'backward', 'update']);
      for (const v of Object.values(p.ms)) expect(v > 0 && Number.isFinite(v), JSON.stringify(p)).toBe(true);
    }
    expect(report.overheads.submitMs).toBeGreaterThan(0);
  });

  it('--matmul times the matmul alone per entry point: ms and TFLOP/s for each shape and path', async () => {
    const { code, stdout, stderr } = await cli('bench', '--matmul', '9,5x7x3', '--path', 'tiled,splitk', '--rounds', '1', '--json');
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as {
      adapter: { name: string };
      matmul: Array<{ M: number; N: number; K: number; path: string; ms: number; tflops: number }>;
    };
    expect(typeof report.adapter.name).toBe('string');
    expect(report.matmul.map((r) => `${r.M}x${r.N}x${r.K} ${r.path}`)).toEqual(['9x9x9 tiled', '9x9x9 splitk', '5x7x3 tiled', '5x7x3 splitk']);
    for (const r of report.matmul) {
      expect(r.ms > 0 && Number.isFinite(r.ms), JSON.stringify(r)).toBe(true);
      expect(r.tflops).toBeCloseTo((2 * r.M * r.N * r.K) / (r.ms * 1e9), 12);
    }
  });

  it('refuses a malformed --matmul shape and an unknown --path with one line each', async () => {
    for (const [flags, message] of [
      [['--matmul', '12x3'], /^error: --matmul '12x3': give S/],
      [['--matmul', '0'], /^error: --matmul '0': sizes must be/],
      [['--matmul', '8', '--path', 'cublas'], /^error: unknown --path 'cublas'/],
    ] as const) {
      const { code, stderr } = await cli('bench', ...flags);
      expect(code, stderr).toBe(2);
      expect(stderr.trim()).toMatch(message);
    }
  });

  it('lists the entry point of each product, with what the timing found where it timed', () => {
    const r: BenchResult = {
      impl: 'gpu',
      batch: 512,
      hidden: 1024,
      msPerStep: 0.2,
      stepsPerRound: 32,
      roundMs: [0.2],
      matmulPaths: { layer1: 'wide', layer2: 'splitk', GV: 'tiled' },
      tuning: [
        { label: 'mlp/train/layer1', key: 'k1', chosen: 'wide', ms: { tiled: 0.061, wide: 0.0452, small: 0.4 } },
        { label: 'mlp/train/layer2', key: 'k2', chosen: 'splitk', ms: {} },
      ],
    };
    expect(formatPaths(r)).toBe('layer1 wide (tiled 0.0610, wide 0.0452, small 0.4000 ms), layer2 splitk, GV tiled');
  });

  it("reads our GPU step's earlier name, webgpu, as gpu (implNamed: --impl and the bench page's ?impl=)", async () => {
    expect(implNamed('webgpu')).toBe('gpu');
    for (const impl of IMPLS) expect(implNamed(impl)).toBe(impl);
    expect(implNamed('cuda')).toBeNull();
    const { code, stdout, stderr } = await cli('bench', '--json', '--impl', 'webgpu', '--batch', '4', '--hidden', '5', '--rounds', '1');
    expect(code, stderr).toBe(0);
    expect((JSON.parse(stdout) as { results: Array<{ impl: string }> }).results.map((r) => r.impl)).toEqual(['gpu']);
  });

  it('refuses an unknown implementation with one line', async () => {
    const { code, stderr } = await cli('bench', '--impl', 'cuda');
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/^error: unknown --impl 'cuda'/);
  });

  it('sends the browser-only peers to npm run bench with one line each', async () => {
    for (const impl of IMPLS.filter((i) => !(NODE_IMPLS as readonly string[]).includes(i))) {
      const { code, stderr } = await cli('bench', '--impl', `gpu,${impl}`);
      expect(code, stderr).toBe(2);
      expect(stderr.trim()).toBe(`error: --impl '${impl}' runs in the browser only: npm run bench -- --impl ${impl}`);
    }
  });
});
