// The frame's training budget: as many steps as fit in a share of the frame, measured as the
// frames go; up at most twofold a frame, down at once when a frame runs over.
import { describe, expect, it } from 'vitest';
import { FrameBudget, MAX_STEPS_PER_FRAME, TRAIN_MS_PER_FRAME } from '../src/ui/frame-budget';

/** Frames of an engine whose step costs `msPerStep`: the counts the budget chooses. */
function run(budget: FrameBudget, msPerStep: (frame: number) => number, frames: number): number[] {
  const counts: number[] = [];
  for (let f = 0; f < frames; f++) {
    const steps = budget.steps();
    counts.push(steps);
    budget.record(steps, steps * msPerStep(f));
  }
  return counts;
}

describe('FrameBudget', () => {
  it('starts at one step and grows, at most doubling, until the budget is filled', () => {
    const counts = run(new FrameBudget(), () => 0.5, 12);
    expect(counts[0]).toBe(1);
    for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeLessThanOrEqual(2 * counts[i - 1]!);
    expect(counts.at(-1)).toBe(TRAIN_MS_PER_FRAME / 0.5);
  });

  it('falls at once when the steps become slower (a loaded machine), and keeps the frame within budget', () => {
    const budget = new FrameBudget();
    run(budget, () => 0.25, 20);
    expect(budget.steps()).toBe(80);
    const counts = run(budget, () => 4, 3);
    expect(counts[1]! * 4).toBeLessThanOrEqual(TRAIN_MS_PER_FRAME);
  });

  it('caps a tiny network on a fast engine, and never goes below one step', () => {
    expect(run(new FrameBudget(), () => 0.0001, 30).at(-1)).toBe(MAX_STEPS_PER_FRAME);
    expect(run(new FrameBudget(), () => 500, 5).every((n) => n === 1)).toBe(true);
  });

  it('ignores nonsense measurements and forgets on reset', () => {
    const budget = new FrameBudget();
    run(budget, () => 1, 10);
    const before = budget.steps();
    budget.record(0, 5);
    budget.record(3, Number.NaN);
    budget.record(3, -1);
    expect(budget.steps()).toBe(before);
    budget.reset();
    expect(budget.steps()).toBe(1);
  });
});
