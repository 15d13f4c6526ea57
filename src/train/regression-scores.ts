// A regression's scores from the mean loss every engine already reports: with L = ½ (z − t)²
// averaged over a set, the mean squared error is 2L, so RMSE and R² need no more read back than
// the loss, only the variance of the set's targets (computed once, on the CPU, in float64).
import { labelsAsTargets, type Dataset } from '../data/dataset';

/** Root mean squared error and the coefficient of determination R² = 1 − MSE / Var(t). */
export interface RegressionScores {
  rmse: number;
  r2: number;
}

/** The population variance of a regression set's targets (the MSE of predicting their mean). */
export function targetVariance(set: Dataset): number {
  const t = labelsAsTargets(set.labels);
  let mean = 0;
  for (let i = 0; i < set.N; i++) mean += t[i]!;
  mean /= set.N;
  let sum = 0;
  for (let i = 0; i < set.N; i++) sum += (t[i]! - mean) ** 2;
  return sum / set.N;
}

/**
 * RMSE and R² of a mean loss ½ mean((z − t)²) on a set whose targets have variance `variance`. A set
 * of equal targets (variance 0) has R² 1 when fitted exactly and −∞ otherwise, as the formula says.
 */
export function regressionScores(meanLoss: number, variance: number): RegressionScores {
  const mse = 2 * meanLoss;
  const r2 = variance > 0 ? 1 - mse / variance : mse === 0 ? 1 : -Infinity;
  return { rmse: Math.sqrt(mse), r2 };
}
