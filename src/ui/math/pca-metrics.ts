// How far the autoencoder is from the PCA solution: principal angles between the row space of W
// and the data's top-m eigenvectors, ‖W Wᵀ − I‖_F, and the loss's gap to the PCA bound. No DOM.
import { principalAngles } from '../../reference/pca';

export interface PcaPoint {
  step: number;
  /** Principal angles in degrees, ascending. */
  anglesDeg: number[];
  largestAngleDeg: number;
  /** ‖W Wᵀ − I‖_F. */
  orthoError: number;
  /** Recent training loss minus the PCA bound; null until both are known. */
  gap: number | null;
}

export function pcaPoint(
  step: number,
  W: ArrayLike<number>,
  top: Float64Array,
  m: number,
  n: number,
  recentLoss: number | null,
  bound: number | null,
): PcaPoint {
  const anglesDeg = Array.from(principalAngles(W, m, top, m, n), (a) => (a * 180) / Math.PI);
  let sq = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let dot = 0;
      for (let a = 0; a < n; a++) dot += W[i * n + a]! * W[j * n + a]!;
      sq += (dot - (i === j ? 1 : 0)) ** 2;
    }
  }
  return {
    step,
    anglesDeg,
    largestAngleDeg: Math.max(...anglesDeg),
    orthoError: Math.sqrt(sq),
    gap: recentLoss !== null && bound !== null ? recentLoss - bound : null,
  };
}
