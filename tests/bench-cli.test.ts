// `npm run cli -- bench --json` at tiny sizes: one JSON object on stdout with the adapter and a
// finite, positive time for each implementation and size. Speed itself is never asserted.
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

describe('cli bench', () => {
  it('prints one JSON object: the adapter and ms/step of webgpu, cpu and tfjs-webgpu at each size', async () => {
    const { code, stdout, stderr } = await cli('bench', '--json', '--batch', '4,7', '--hidden', '5', '--rounds', '1');
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as {
      adapter: { name: string; limits: Record<string, number>; timestampQuery: boolean };
      results: Array<{ impl: string; batch: number; hidden: number; msPerStep: number }>;
    };
    expect(typeof report.adapter.name).toBe('string');
    expect(report.adapter.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThan(0);
    expect(typeof report.adapter.timestampQuery).toBe('boolean');
    const seen = report.results.map((r) => `${r.impl}@${r.batch}x${r.hidden}`).sort();
    expect(seen).toEqual(['cpu@4x5', 'cpu@7x5', 'tfjs-webgpu@4x5', 'tfjs-webgpu@7x5', 'webgpu@4x5', 'webgpu@7x5']);
    for (const r of report.results) {
      expect(Number.isFinite(r.msPerStep) && r.msPerStep > 0, JSON.stringify(r)).toBe(true);
    }
  });

  it('refuses an unknown implementation with one line', async () => {
    const { code, stderr } = await cli('bench', '--impl', 'cuda');
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/^error: unknown --impl 'cuda'/);
  });
});
