// The intermediate values of one sample's forward and backward pass (a batch of one), in float64
// through the reference models, for the equations view. No DOM.
import type { ModelSpec } from '../../models/build';
import { activationPrimeFor, type SwishDerivative } from '../../reference/activations';
import { autoencoderGradient } from '../../reference/autoencoder';
import { matmul } from '../../reference/linalg';
import { activationOf, mlpGradients, mlpParamsFrom } from '../../reference/mlp';

export type SampleValues =
  | {
    kind: 'mlp'; label: number; x: Float64Array; v: Float64Array; y: Float64Array; z: Float64Array; a: Float64Array;
    loss: number; GZ: Float64Array; GY: Float64Array; fPrime: Float64Array; GV: Float64Array;
  }
  | { kind: 'autoencoder'; x: Float64Array; z: Float64Array; y: Float64Array; v: Float64Array; loss: number; u: Float64Array };

export function sampleValues(
  spec: ModelSpec,
  params: Record<string, ArrayLike<number>>,
  input: ArrayLike<number>,
  label: number,
  derivative: SwishDerivative,
): SampleValues {
  const x = Float64Array.from(input);
  if (spec.kind === 'mlp') {
    const { H, C } = spec.shape;
    const p = mlpParamsFrom(params);
    const k = Math.min(label, C - 1);
    const r = mlpGradients(spec.shape, p, x, Uint32Array.of(k), 1, { swishDerivative: derivative });
    // With B = 1, G_Z = softmax(z) − onehot(k), so softmax(z) = G_Z + onehot(k).
    const a = r.GZ.map((g, j) => g + (j === k ? 1 : 0));
    const GY = matmul(r.GZ, p.W2, 1, H, C); // [1, H]
    return {
      kind: 'mlp', label: k, x, v: r.V, y: r.Y, z: r.Z, a, loss: r.loss, GZ: r.GZ, GY,
      fPrime: r.V.map(activationPrimeFor(activationOf(spec.shape), derivative)), GV: r.GV,
    };
  }
  const W = Float64Array.from(params.W ?? []);
  const r = autoencoderGradient(spec.shape, W, x, 1);
  // The reference's V is y − x; y itself is V + x.
  return { kind: 'autoencoder', x, z: r.Z, y: r.V.map((d, j) => d + x[j]!), v: r.V, loss: r.loss, u: r.U };
}
