// A regression's RMSE and R² from the mean loss ½ mean((z − t)²), against their definitions computed directly.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/base/rng';
import { targetsAsLabels } from '../src/data/dataset';
import { regressionScores, targetVariance } from '../src/train/regression-scores';

describe('regression scores', () => {
  it('are RMSE = √mean((z − t)²) and R² = 1 − SS_res / SS_tot of the predictions', () => {
    const rng = new Rng(2);
    const N = 257;
    const t = Float32Array.from({ length: N }, () => rng.normal() * 3 + 1);
    const z = Array.from(t, (x) => x + rng.normal() * 0.5);
    const set = { name: 't', X: new Float32Array(N), labels: targetsAsLabels(t), N, D: 1, classes: 1, regression: true as const };
    const meanLoss = z.reduce((a, zi, i) => a + 0.5 * (zi - t[i]!) ** 2, 0) / N;
    const mean = t.reduce((a, b) => a + b, 0) / N;
    const ssRes = z.reduce((a, zi, i) => a + (zi - t[i]!) ** 2, 0);
    const ssTot = t.reduce((a, ti) => a + (ti - mean) ** 2, 0);
    const { rmse, r2 } = regressionScores(meanLoss, targetVariance(set));
    expect(rmse).toBeCloseTo(Math.sqrt(ssRes / N), 12);
    expect(r2).toBeCloseTo(1 - ssRes / ssTot, 12);
    expect(regressionScores(0, targetVariance(set)).r2).toBe(1);
    // Predicting the mean scores R² = 0.
    expect(regressionScores(targetVariance(set) / 2, targetVariance(set)).r2).toBeCloseTo(0, 12);
  });

  it('give a set of equal targets R² 1 when fitted exactly, −∞ otherwise', () => {
    expect(regressionScores(0, 0)).toEqual({ rmse: 0, r2: 1 });
    expect(regressionScores(0.5, 0)).toEqual({ rmse: 1, r2: -Infinity });
  });
});
