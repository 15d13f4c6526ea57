// The benchmark's protocol (timeRounds in src/bench/types.ts) on a fake clock: warm-up steps go on
// until warmupMs has passed, the steps per round come from the fastest of them, and the report is
// the median round.
import { describe, expect, it } from 'vitest';
import { timeRounds } from '../src/bench/types';

/** A clock and a round whose steps cost `costs[i]` ms for the i-th step run (the last cost after that). */
function fake(costs: number[]) {
  let clock = 0;
  const sizes: number[] = [];
  let done = 0;
  const round = async (steps: number) => {
    sizes.push(steps);
    for (let s = 0; s < steps; s++) clock += costs[Math.min(done++, costs.length - 1)]!;
  };
  return { round, now: () => clock, sizes };
}

describe('the benchmark protocol', () => {
  it('warms up until warmupMs has passed, so steps that speed up as they run are timed once fast', async () => {
    // Slow first steps (V8's baseline code), then 2 ms each.
    const { round, now, sizes } = fake([40, 30, 20, 10, 2]);
    const result = await timeRounds(round, { warmup: 1, warmupMs: 120, rounds: 3, targetRoundMs: 20, maxStepsPerRound: 32 }, now);
    // 40 + 30 + 20 + 10 + 2 + 2 … single steps until 120 ms: the four slow ones and ten fast ones.
    expect(sizes.slice(0, 14)).toEqual(Array(14).fill(1));
    expect(result.stepsPerRound).toBe(10);
    expect(sizes.slice(14)).toEqual([10, 10, 10]);
    expect(result.msPerStep).toBe(2);
  });

  it('without warmupMs, runs `warmup` single steps and takes the fastest', async () => {
    const { round, now, sizes } = fake([40, 30, 5]);
    const result = await timeRounds(round, { warmup: 2, rounds: 1, targetRoundMs: 60, maxStepsPerRound: 32 }, now);
    expect(sizes).toEqual([1, 1, 2]);
    expect(result.roundMs).toEqual([5]);
  });

  it('stops warming up after a capped number of steps when the clock does not move', async () => {
    const steps: number[] = [];
    const result = await timeRounds(
      async (n) => void steps.push(n),
      { warmup: 1, warmupMs: 100, rounds: 2, targetRoundMs: 10, maxStepsPerRound: 4 },
      () => 0,
    );
    expect(steps.length).toBe(10_000 + 2);
    expect(result.stepsPerRound).toBe(4);
  });
});
