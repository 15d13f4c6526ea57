// The |GPU − CPU| loss difference of the page's side-by-side mode: aligned by step number, exact
// zeros counted (a log axis leaves them out), and the note that says when the curves coincide.
import { describe, expect, it } from 'vitest';
import { coincide, differenceCaption, differenceNote, engineDifference } from '../src/ui/plots/engine-difference';

describe('engineDifference', () => {
  it('pairs losses by step number, not by position, and skips non-finite losses', () => {
    const gpu = { x: [0, 1, 2, 3, 5], y: [2, 1.5, Number.NaN, 1.2, 1] };
    const reference = { x: [1, 2, 3, 4, 5, 6], y: [1.25, 1.4, 1.2, 1.1, 1.0000001, 0.9] };
    const d = engineDifference(gpu, reference);
    expect(d.steps).toEqual([1, 3, 5]);
    expect(d.values[0]).toBeCloseTo(0.25, 15);
    expect(d.values[1]).toBe(0);
    expect(d.values[2]).toBeCloseTo(1e-7, 12);
    expect(d.zeros).toBe(1);
    expect(d.max).toEqual({ value: 0.25, step: 1 });
    expect(d.scale).toBe(1.25);
  });

  it('has no maximum and no note without a common step', () => {
    const d = engineDifference({ x: [0, 2], y: [1, 1] }, { x: [1, 3], y: [1, 1] });
    expect(d.steps).toEqual([]);
    expect(d.max).toBeNull();
    expect(coincide(d)).toBe(false);
    expect(differenceNote(d)).toBeNull();
  });

  it('says the curves coincide when they differ by float32 rounding, and by how much', () => {
    const x = Array.from({ length: 50 }, (_, i) => i);
    const reference = x.map((i) => 2 * Math.exp(-i / 20));
    const gpu = reference.map((v) => Math.fround(v));
    const d = engineDifference({ x, y: gpu }, { x, y: reference });
    expect(coincide(d)).toBe(true);
    const note = differenceNote(d)!;
    expect(note).toMatch(/^The GPU's and the CPU reference's curves coincide: they differ by at most \d\.\d+e-\d+ \(float32 against float64\)/);
    expect(note).toContain(d.max!.value.toExponential(2));
  });

  it('names the largest difference and its step when the curves part', () => {
    const d = engineDifference({ x: [0, 10, 20], y: [1, 0.8, 0.5] }, { x: [0, 10, 20], y: [1, 0.7, 0.5] });
    expect(coincide(d)).toBe(false);
    expect(differenceNote(d)).toBe("The GPU's and the CPU reference's curves differ by up to 0.1, at step 10 (float32 against float64).");
  });

  it('in a race drawn against the clock, says the curves part by speed and differ step for step by how much, never that they coincide', () => {
    const x = Array.from({ length: 50 }, (_, i) => i);
    const cpu = x.map((i) => 2 * Math.exp(-i / 20));
    const d = engineDifference({ x, y: cpu.map((v) => Math.fround(v) * (1 + 1e-7)) }, { x, y: cpu });
    expect(differenceNote(d, 'cpu', true)).toBe(
      `Step for step, the GPU's and the CPU engine's losses differ by at most ${d.max!.value.toExponential(2)} (float32 against float32, in another order of sums); drawn against the clock, each curve runs at its engine's speed.`,
    );
  });

  it('says in the caption how many exact zeros the log axis leaves out', () => {
    const none = engineDifference({ x: [0], y: [1] }, { x: [0], y: [1.5] });
    expect(differenceCaption(none)).toMatch(/would be left out \(a log axis has no 0\)/);
    const two = engineDifference({ x: [0, 1, 2], y: [1, 1, 1] }, { x: [0, 1, 2], y: [1, 1, 2] });
    expect(differenceCaption(two)).toMatch(/Left out: 2 steps where the two agree exactly/);
  });
});
