// The intermediate values of one sample's forward and backward pass (a batch of one), in float64
// through the reference models, for the equations view. No DOM.
import type { ModelSpec } from '../../models/build';
import { activationPrimeFor } from '../../reference/activations';
import { swishDerivativeOf, type Mistake } from '../../reference/mistakes';
import { autoencoderGradient } from '../../reference/autoencoder';
import { matmul } from '../../reference/linalg';
import { activationOf, mlpGradients, mlpParamsFrom } from '../../reference/mlp';

export type SampleValues =
  | {
      kind: 'mlp';
      label: number;
      x: Float64Array;
      z: Float64Array;
      a: Float64Array;
      loss: number;
      GZ: Float64Array;
      /** Each hidden layer l (input side first): v_l, y_l, G_Y = W_{l+1}ᵀ G_{l+1}, f′(v_l), G_V = G_Y ⊙ f′(v_l). */
      layers: Array<{ v: Float64Array; y: Float64Array; GY: Float64Array; fPrime: Float64Array; GV: Float64Array }>;
    }
  | { kind: 'autoencoder'; x: Float64Array; z: Float64Array; y: Float64Array; v: Float64Array; loss: number; u: Float64Array };

export function sampleValues(
  spec: ModelSpec,
  params: Record<string, ArrayLike<number>>,
  input: ArrayLike<number>,
  label: number,
  mistake: Mistake,
): SampleValues {
  const x = Float64Array.from(input);
  if (spec.kind === 'mlp') {
    const { hidden, C } = spec.shape;
    const p = mlpParamsFrom(spec.shape, params);
    const k = Math.min(label, C - 1);
    const r = mlpGradients(spec.shape, p, x, Uint32Array.of(k), 1, { mistake });
    const max = Math.max(...r.Z);
    const e = r.Z.map((z) => Math.exp(z - max));
    const sum = e.reduce((s, v) => s + v, 0);
    const a = e.map((v) => v / sum);
    const prime = activationPrimeFor(activationOf(spec.shape), swishDerivativeOf(mistake));
    const layers = hidden.map((H, i) => {
      const top = i + 1 === hidden.length;
      const above = top ? r.GZ : r.G[i + 1]!; // G of layer l + 1
      const widthAbove = top ? C : hidden[i + 1]!;
      // As the backward pass computed it, the w2-layout mistake's flipped read included.
      const GY = matmul(above, p[`W${i + 2}`]!, 1, H, widthAbove, { transB: top && mistake === 'w2-layout' }); // [1, H_l]
      return { v: r.V[i]!, y: r.Y[i]!, GY, fPrime: r.V[i]!.map(prime), GV: r.G[i]! };
    });
    return { kind: 'mlp', label: k, x, z: r.Z, a, loss: r.loss, GZ: r.GZ, layers };
  }
  const W = Float64Array.from(params.W ?? []);
  const r = autoencoderGradient(spec.shape, W, x, 1, mistake);
  // The reference's V is y − x; y itself is V + x.
  return { kind: 'autoencoder', x, z: r.Z, y: r.V.map((d, j) => d + x[j]!), v: r.V, loss: r.loss, u: r.U };
}
