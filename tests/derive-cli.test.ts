// `cli derive` (the command line, tests/run-cli.ts): the seed's σ(2 − σ) in the
// JSON the issue asks for, with the exit status 1; a correct assignment in readable lines, exit 0;
// a missing file and an unknown assignment refused with one line and exit 2.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assignmentById, solutionText } from '../src/derive/assignments';
import { cli } from './run-cli';

const folder = mkdtempSync(join(tmpdir(), 'derive-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

type Line = { line: number; name: string; verdict: string; relError: number | null; message: string; inherits?: string[]; scale?: number };

describe('cli derive', () => {
  it("flags the seed's σ(2 − σ) in dV1, and dW1 and db1 through it (--json, exit 1)", async () => {
    const seed = solutionText(assignmentById('swish-mlp')!).replace('(1 + V1 * (1 - sigmoid(V1)))', '(2 - sigmoid(V1))');
    const { code, stdout, stderr } = await cli('derive', file('seed.txt', `# the seed\n${seed}`), '--json', '--hidden', '5', '--batch', '8');
    expect(code, stderr).toBe(1);
    const out = JSON.parse(stdout) as { lines: Line[]; summary: { allRight: boolean; wrong: number }; dimensions: Record<string, number> };
    expect(out.dimensions).toEqual({ B: 8, D: 2, H1: 5, C: 3 });
    expect(out.lines.map((l) => [l.line, l.name, l.verdict])).toEqual([
      [2, 'dZ', 'right'],
      [3, 'dW2', 'right'],
      [4, 'db2', 'right'],
      [5, 'dY1', 'right'],
      [6, 'dV1', 'wrong'],
      [7, 'dW1', 'wrong'],
      [8, 'db1', 'wrong'],
    ]);
    expect(out.lines[4]!.relError).toBeGreaterThan(1e-2);
    expect(out.lines[5]!.inherits).toEqual(['dV1']);
    expect(out.lines[0]!.relError).toBeLessThan(1e-12);
    expect(out.summary).toMatchObject({ allRight: false, wrong: 3 });
  });

  it('passes a correct assignment in readable lines (exit 0), and names a missing 1/B', async () => {
    const right = await cli('derive', file('ae.txt', solutionText(assignmentById('autoencoder')!)), '--assignment', 'autoencoder', '--code', '1');
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toMatch(/^derive: autoencoder, code 1 on the first batch \(32 rows\) of spiral\/train, seed 1, assignment autoencoder$/m);
    expect(right.stdout).toMatch(/^ {2}3 {2}dW {4}right {3}relative error \d/m);
    expect(right.stdout).toMatch(/^all 3 checked lines are right$/m);
    const noMean = await cli('derive', file('mean.txt', 'dZ = A - T\n'), '--json');
    expect(noMean.code).toBe(1);
    const out = JSON.parse(noMean.stdout) as { lines: Line[]; summary: { missing: string[] } };
    expect(out.lines[0]).toMatchObject({ name: 'dZ', verdict: 'wrong', scale: expect.closeTo(32, 6) });
    expect(out.lines[0]!.message).toMatch(/B times too large/);
    expect(out.summary.missing).toEqual(['dW2', 'db2', 'dW1', 'db1']);
  });

  it('refuses a missing file and an unknown assignment with one line (exit 2)', async () => {
    const missing = await cli('derive', join(folder, 'nothing.txt'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`error: cannot read ${join(folder, 'nothing.txt')}: no such file\n`);
    const unknown = await cli('derive', file('x.txt', ''), '--assignment', 'typo');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("error: unknown --assignment 'typo' (expected autoencoder, swish-mlp, deep-tanh, custom-activation)\n");
  });

  it('train --derive trains with the derivation on the GPU as the built-in backward does; one that cannot train is refused before it starts', async () => {
    const seed = solutionText(assignmentById('swish-mlp')!);
    const flags = ['--steps', '60', '--hidden', '6', '--batch', '16', '--json'];
    const [mine, builtin] = await Promise.all([cli('train', '--derive', file('mine.txt', seed), ...flags), cli('train', ...flags)]);
    expect(mine.code, mine.stderr).toBe(0);
    const a = JSON.parse(mine.stdout) as { finalLoss: number; derivation: string };
    const b = JSON.parse(builtin.stdout) as { finalLoss: number };
    expect(a.derivation).toMatch(/mine\.txt$/);
    expect(Math.abs(a.finalLoss - b.finalLoss)).toBeLessThan(1e-5);
    const broken = await cli('train', '--derive', file('broken.txt', seed.replace('dZ.T @ Y1', 'dZ @ Y1')), ...flags);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^error: Cannot train with this derivation: fix the line in error first/m);
    expect(broken.stdout).toBe('');
  });
});
