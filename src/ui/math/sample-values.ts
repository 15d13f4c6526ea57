// The intermediate values of one sample's forward and backward pass (a batch of one), in float64
// through the reference models, for the equations view. No DOM.
import type { ModelSpec } from '../../models/build';
import { activationPrimeFor, type SwishDerivative } from '../../reference/activations';
import { autoencoderGradient } from '../../reference/autoencoder';
import { matmul } from '../../reference/linalg';
import { activationOf, mlpGradients, mlpParamsFrom } from '../../reference/mlp';

export type SampleValues =
  | {
    kind: 'mlp'; label: number; x: Float64Array; z: Float64Array; a: Float64Array; loss: number; GZ: Float64Array;
    /** Each hidden layer l (input side first): v_l, y_l, G_Y = W_{l+1}ᵀ G_{l+1}, f′(v_l), G_V = G_Y ⊙ f′(v_l). */
    layers: Array<{ v: Float64Array; y: Float64Array; GY: Float64Array; fPrime: Float64Array; GV: Float64Array }>;
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
    const { hidden, C } = spec.shape;
    const p = mlpParamsFrom(spec.shape, params);
    const k = Math.min(label, C - 1);
    const r = mlpGradients(spec.shape, p, x, Uint32Array.of(k), 1, { swishDerivative: derivative });
    // With B = 1, G_Z = softmax(z) − onehot(k), so softmax(z) = G_Z + onehot(k).
    const a = r.GZ.map((g, j) => g + (j === k ? 1 : 0));
    const prime = activationPrimeFor(activationOf(spec.shape), derivative);
    const layers = hidden.map((H, i) => {
      const above = i + 1 < hidden.length ? r.G[i + 1]! : r.GZ; // G of layer l + 1
      const widthAbove = i + 1 < hidden.length ? hidden[i + 1]! : C;
      const GY = matmul(above, p[`W${i + 2}`]!, 1, H, widthAbove); // [1, H_l]
      return { v: r.V[i]!, y: r.Y[i]!, GY, fPrime: r.V[i]!.map(prime), GV: r.G[i]! };
    });
    return { kind: 'mlp', label: k, x, z: r.Z, a, loss: r.loss, GZ: r.GZ, layers };
  }
  const W = Float64Array.from(params.W ?? []);
  const r = autoencoderGradient(spec.shape, W, x, 1);
  // The reference's V is y − x; y itself is V + x.
  return { kind: 'autoencoder', x, z: r.Z, y: r.V.map((d, j) => d + x[j]!), v: r.V, loss: r.loss, u: r.U };
}
