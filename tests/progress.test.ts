// A run's progress read from its losses: where it started, its best, its latest; a run that gave
// its progress back (finite all along) is told apart from one still learning or one that never
// learned; snapshots are taken only while the progress is kept.
import { describe, expect, it } from 'vitest';
import { lossGaveBack, lossLooksHealthy, lossProgress } from '../src/train/snapshot';

const run = (...segments: Array<[number, number]>) => segments.flatMap(([loss, steps]) => Array.from({ length: steps }, () => ({ loss })));

describe('the progress of a run', () => {
  it('reads the start, the best window and the latest window', () => {
    expect(lossProgress(run([1, 40]))).toBeNull();
    expect(lossProgress(run([2, 20], [0.5, 20], [1, 20]))).toEqual({ start: 2, best: 0.5, recent: 1 });
  });

  it('says a run gave back its progress only when it was clearly lower and is back at its start', () => {
    expect(lossGaveBack(run([1.1, 40], [0.3, 200], [1.1, 40]))).toBe(true); // SGD at a rate that collapses it
    expect(lossGaveBack(run([1.1, 40], [0.3, 200], [5, 40]))).toBe(true);
    expect(lossGaveBack(run([1.1, 40], [0.3, 200], [0.6, 40]))).toBe(false); // worse, but not back
    expect(lossGaveBack(run([1.1, 40], [0.9, 200], [1.2, 40]))).toBe(false); // never clearly lower
    expect(lossGaveBack(run([1.1, 60]))).toBe(false);
  });

  it('says a classifier gave back its progress when its accuracy is at chance after having been well above', () => {
    const acc = (...segments: Array<[number, number, number]>) =>
      segments.flatMap(([loss, accuracy, steps]) => Array.from({ length: steps }, () => ({ loss, accuracy })));
    // SGD at rate 10 on spiral: the first steps explode, the loss settles below them at chance.
    expect(lossGaveBack(acc([7, 0.33, 20], [0.5, 0.8, 100], [2, 0.34, 40]), 3)).toBe(true);
    expect(lossGaveBack(acc([7, 0.33, 20], [0.5, 0.8, 100], [2, 0.34, 40]))).toBe(false); // not a classifier
    expect(lossGaveBack(acc([7, 0.33, 20], [0.5, 0.8, 100], [0.6, 0.7, 40]), 3)).toBe(false);
    expect(lossGaveBack(acc([1.1, 0.33, 20], [1.0, 0.4, 100], [1.05, 0.33, 40]), 3)).toBe(false); // never well above
    // …and no snapshot is kept of the collapsed run, though its loss is below its exploded start.
    expect(lossLooksHealthy(acc([7, 0.33, 20], [0.5, 0.8, 100]), 3)).toBe(true);
    expect(lossLooksHealthy(acc([7, 0.33, 20], [0.5, 0.8, 100], [2, 0.4, 40]), 3)).toBe(false);
  });

  it('keeps snapshots only while a run keeps half of its progress and stays below three times its start', () => {
    expect(lossLooksHealthy([])).toBe(true);
    expect(lossLooksHealthy(run([1, 20], [0.2, 40]))).toBe(true);
    expect(lossLooksHealthy(run([1, 20], [0.2, 40], [0.5, 20]))).toBe(true);
    expect(lossLooksHealthy(run([1, 20], [0.2, 40], [0.7, 20]))).toBe(false);
    expect(lossLooksHealthy(run([1, 20], [4, 40]))).toBe(false);
    expect(lossLooksHealthy(run([1, 10], [4, 10]))).toBe(false); // too short for windows: three times the start's first ten
    // A loss flat from the start (the autoencoder on blobs is at its optimum at once) moves by noise alone.
    const noisy = Array.from({ length: 200 }, (_, i) => ({ loss: 0.25 + 0.005 * Math.sin(i * 1.7) }));
    expect(lossLooksHealthy([...noisy, ...run([0.256, 20])])).toBe(true);
    expect(lossLooksHealthy([...noisy, ...run([0.8, 20])])).toBe(false);
  });
});
