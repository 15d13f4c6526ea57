// The status line's steps per second (src/ui/rate-smoother.ts): steady under refreshes that come
// early or late and steps that come in bursts, as the page's frames deliver them; nothing shown
// before a second is measured; a change followed within a few seconds; time paused not counted.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/base/rng';
import { RateSmoother } from '../src/ui/rate-smoother';

/**
 * Steps at `rate` per second as the page's frames deliver them: each 16.7 ms frame trains 0 to 2
 * steps for each one owed, and once a second or so a frame evaluates the test set and trains none
 * for 200 to 500 ms; the status reads them at refreshes 300 to 900 ms apart. Each refresh's raw
 * rate (what the status showed before) and its smoothed one.
 */
function readings(smoother: RateSmoother, rate: number, seconds: number, rng: Rng, from = { steps: 0, timeMs: 0 }) {
  const raw: number[] = [];
  const smooth: Array<number | null> = [];
  let last = from;
  let { steps, timeMs } = from;
  let owed = 0;
  let nextEval = timeMs + 700 + rng.int(600);
  let nextRefresh = timeMs + 300 + rng.int(600);
  const end = timeMs + seconds * 1000;
  while (timeMs < end) {
    if (timeMs >= nextEval) {
      timeMs += 200 + rng.int(300); // an evaluation: no steps meanwhile
      nextEval = timeMs + 700 + rng.int(600);
    } else {
      timeMs += 1000 / 60;
      owed += rate / 60 / 0.7; // frames that train make up for the evaluations
      const now = Math.max(0, Math.floor(owed * 2 * rng.next()));
      steps += now;
      owed -= now;
    }
    if (timeMs < nextRefresh) continue;
    smoother.add(steps, timeMs);
    raw.push(((steps - last.steps) * 1000) / (timeMs - last.timeMs));
    smooth.push(smoother.perSecond);
    last = { steps, timeMs };
    nextRefresh = timeMs + 300 + rng.int(600);
  }
  return { raw, smooth, end: last };
}

describe('RateSmoother', () => {
  it('holds a steady rate steady where the raw rate between refreshes swings', () => {
    const smoother = new RateSmoother();
    smoother.restart(0, 0);
    const { raw, smooth, end } = readings(smoother, 30, 60, new Rng(3));
    const mean = (end.steps * 1000) / end.timeMs;
    const shown = smooth.slice(4).map((r) => r!);
    const spread = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
    // The raw readings swing as the page's did (from a quarter of the rate to 40% above it); the
    // smoothed ones stay within 40% of it (a second's average still feels the evaluations' pauses),
    // and spread less than half as far.
    expect(Math.min(...raw)).toBeLessThan(mean / 4);
    expect(Math.max(...raw)).toBeGreaterThan(mean * 1.4);
    expect(Math.min(...shown)).toBeGreaterThan(mean * 0.6);
    expect(Math.max(...shown)).toBeLessThan(mean * 1.4);
    expect(spread(shown)).toBeLessThan(spread(raw) / 2);
  });

  it('shows nothing before about a second is measured, then the average so far', () => {
    const smoother = new RateSmoother();
    smoother.restart(100, 5000);
    smoother.add(120, 5400);
    expect(smoother.perSecond).toBeNull();
    smoother.add(130, 5900);
    expect(smoother.perSecond).toBeNull();
    smoother.add(150, 6100);
    // 50 steps in 1.1 s, the later ones weighing more: between the first intervals' 40 and 50 a second and the last's 100.
    expect(smoother.perSecond).toBeGreaterThan(45);
    expect(smoother.perSecond).toBeLessThan(55);
  });

  it('follows a new rate within a few seconds', () => {
    const smoother = new RateSmoother();
    smoother.restart(0, 0);
    let steps = 0;
    for (let t = 100; t <= 10_000; t += 100) smoother.add((steps += 3), t); // 30 steps/s
    for (let t = 10_100; t <= 14_000; t += 100) smoother.add((steps += 6), t); // 60 steps/s
    expect(smoother.perSecond).toBeGreaterThan(60 * 0.95);
  });

  it('does not count the time paused, nor a count that went back (a reset)', () => {
    const smoother = new RateSmoother();
    smoother.restart(0, 0);
    const { end } = readings(smoother, 40, 5, new Rng(1));
    // Paused for a minute, then playing again from the same step.
    smoother.restart(end.steps, end.timeMs + 60_000);
    smoother.add(end.steps + 20, end.timeMs + 60_500);
    expect(smoother.perSecond).toBeGreaterThan(40 * 0.6);
    smoother.add(0, end.timeMs + 61_000);
    expect(smoother.perSecond).toBeGreaterThan(40 * 0.6);
  });
});
