// `cli check` (the command line, tests/run-cli.ts; Dawn in Node, SwiftShader without
// a GPU): below 1e-4 everywhere with the correct swish', and W1 and b1 clearly wrong (W2, b2 still
// right) with the known-wrong one, in the exact JSON shape the issue asks for.
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

type Report = {
  tensors: Record<string, { gpuVsReference: number; referenceVsFiniteDiff: number }>;
  mistake: string;
  wrongTensors: string[];
};

async function check(...args: string[]): Promise<Report> {
  const { code, stdout, stderr } = await cli('check', '--json', ...args);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as Report;
}

describe('cli check', () => {
  it('passes everywhere for the MLP with the correct derivative', async () => {
    const out = await check('--model', 'mlp');
    expect(Object.keys(out.tensors)).toEqual(['W1', 'b1', 'W2', 'b2']);
    for (const [name, t] of Object.entries(out.tensors)) {
      expect(t.gpuVsReference, name).toBeLessThan(1e-4);
      expect(t.referenceVsFiniteDiff, name).toBeLessThan(1e-4);
    }
  });

  it('shows the wrong derivative in W1 and b1 only, with GPU and reference agreeing on it', async () => {
    const out = await check('--wrong-derivative', '--hidden', '9', '--inputs', '13', '--batch', '11', '--seed', '4');
    for (const name of ['W1', 'b1']) expect(out.tensors[name]!.referenceVsFiniteDiff, name).toBeGreaterThan(1e-2);
    for (const name of ['W2', 'b2']) expect(out.tensors[name]!.referenceVsFiniteDiff, name).toBeLessThan(1e-4);
    for (const [name, t] of Object.entries(out.tensors)) expect(t.gpuVsReference, name).toBeLessThan(1e-4);
  });

  it('passes for every tensor of every layer of a deeper network (--hidden 7,5 --activation tanh)', async () => {
    const out = await check('--hidden', '7,5', '--activation', 'tanh', '--inputs', '6', '--classes', '3', '--batch', '9');
    expect(Object.keys(out.tensors)).toEqual(['W1', 'b1', 'W2', 'b2', 'W3', 'b3']);
    for (const [name, t] of Object.entries(out.tensors)) {
      expect(t.gpuVsReference, name).toBeLessThan(1e-4);
      expect(t.referenceVsFiniteDiff, name).toBeLessThan(1e-4);
    }
  });

  it('passes for the autoencoder, and differences a bounded subset of a large tensor', async () => {
    const out = await check('--model', 'autoencoder', '--inputs', '300', '--code', '20', '--batch', '40', '--fd-budget', '1e7');
    const W = out.tensors.W as Report['tensors'][string] & { finiteDiffEntries: number; entries: number };
    expect(W.gpuVsReference).toBeLessThan(1e-4);
    expect(W.referenceVsFiniteDiff).toBeLessThan(1e-4);
    expect(W.entries).toBe(6000);
    expect(W.finiteDiffEntries).toBeGreaterThanOrEqual(4);
    expect(W.finiteDiffEntries).toBeLessThan(W.entries);
  });

  it("makes the gallery's mistakes: --mistake bias-one-row flags the biases, update-sign nothing, ae-one-term the autoencoder's W", async () => {
    for (const [args, flagged] of [
      [
        ['--mistake', 'bias-one-row', '--hidden', '6,5', '--batch', '7'],
        ['b1', 'b2', 'b3'],
      ],
      [['--mistake', 'update-sign'], []],
      [
        ['--mistake', 'no-one-hot', '--activation', 'relu'],
        ['W1', 'b1', 'W2', 'b2'],
      ],
      [['--model', 'autoencoder', '--mistake', 'ae-one-term'], ['W']],
    ] as Array<[string[], string[]]>) {
      const out = await check(...args);
      expect(out.mistake).toBe(args[args.indexOf('--mistake') + 1]);
      expect(out.wrongTensors, args.join(' ')).toEqual(flagged);
      for (const [name, t] of Object.entries(out.tensors)) {
        expect(t.gpuVsReference, name).toBeLessThan(1e-4);
        if (flagged.includes(name)) expect(t.referenceVsFiniteDiff, name).toBeGreaterThan(1e-2);
        else expect(t.referenceVsFiniteDiff, name).toBeLessThan(1e-4);
      }
    }
  });

  it('refuses an unknown mistake with the list of known ones, and one the model cannot make', async () => {
    const unknown = await cli('check', '--mistake', 'typo');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      "error: unknown --mistake 'typo' (expected none, swish-prime, w2-layout, no-batch-mean, no-one-hot, bias-one-row, ae-one-term, update-sign)",
    );
    const other = await cli('check', '--model', 'autoencoder', '--mistake', 'no-one-hot');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/no-one-hot is one of the MLP, not of the autoencoder/);
    const both = await cli('check', '--wrong-derivative', '--mistake', 'w2-layout');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--wrong-derivative is --mistake swish-prime/);
  });

  it('prints a readable table without --json, and refuses a bad size and a bad budget with one line each', async () => {
    const table = await cli('check', '--wrong-derivative');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^W1\s.*WRONG/m);
    expect(table.stdout).toMatch(/^W2\s.*ok/m);
    const bad = await cli('check', '--hidden', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --hidden must be 1 to 4 comma-separated integers/m);
    const budget = await cli('check', '--fd-budget', 'lots');
    expect(budget.code).toBe(2);
    expect(budget.stderr.trim()).toMatch(/^error: --fd-budget /);
  });
});
