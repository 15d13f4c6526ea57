// The intermediate values of one sample's forward and backward pass (a batch of one), in float64
// through the reference models, for the equations view. No DOM.
import type { ModelSpec } from '../../models/build';
import { activationPrimeFor } from '../../reference/activations';
import { swishDerivativeOf, type Mistake } from '../../reference/mistakes';
import { autoencoderGradient } from '../../reference/autoencoder';
import { matmul } from '../../reference/linalg';
import { labelsAsTargets } from '../../data/dataset';
import { activationOf, mlpGradients, mlpParamsFrom, problemOf, type MlpGradients, type MlpParams, type MlpShape } from '../../reference/mlp';

export type SampleValues =
  | {
      kind: 'mlp';
      label: number;
      /** A regression's target t (then `a` is z itself, the linear output); null for a classifier. */
      target: number | null;
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
  /** The row's label: a class, or a regression's target as its float32 bits. */
  label: number,
  mistake: Mistake,
): SampleValues {
  const x = Float64Array.from(input);
  if (spec.kind === 'mlp') {
    const { C } = spec.shape;
    const p = mlpParamsFrom(spec.shape, params);
    if (problemOf(spec.shape) === 'regression') {
      const target = labelsAsTargets(Uint32Array.of(label))[0]!;
      const r = mlpGradients(spec.shape, p, x, Float64Array.of(target), 1, { mistake });
      return { kind: 'mlp', label: 0, target, x, z: r.Z, a: r.Z, loss: r.loss, GZ: r.GZ, layers: hiddenValues(spec.shape, p, r, mistake) };
    }
    const k = Math.min(label, C - 1);
    const r = mlpGradients(spec.shape, p, x, Uint32Array.of(k), 1, { mistake });
    const max = Math.max(...r.Z);
    const e = r.Z.map((z) => Math.exp(z - max));
    const sum = e.reduce((s, v) => s + v, 0);
    const a = e.map((v) => v / sum);
    return { kind: 'mlp', label: k, target: null, x, z: r.Z, a, loss: r.loss, GZ: r.GZ, layers: hiddenValues(spec.shape, p, r, mistake) };
  }
  const W = Float64Array.from(params.W ?? []);
  const r = autoencoderGradient(spec.shape, W, x, 1, mistake);
  // The reference's V is y − x; y itself is V + x.
  return { kind: 'autoencoder', x, z: r.Z, y: r.V.map((d, j) => d + x[j]!), v: r.V, loss: r.loss, u: r.U };
}

/** Each hidden layer's values of one sample's passes, G_Y as the backward pass computed it (the w2-layout mistake's flipped read included). */
function hiddenValues(shape: MlpShape, p: MlpParams, r: MlpGradients, mistake: Mistake) {
  const { hidden, C } = shape;
  const prime = activationPrimeFor(activationOf(shape), swishDerivativeOf(mistake));
  return hidden.map((H, i) => {
    const top = i + 1 === hidden.length;
    const above = top ? r.GZ : r.G[i + 1]!; // G of layer l + 1
    const widthAbove = top ? C : hidden[i + 1]!;
    const GY = matmul(above, p[`W${i + 2}`]!, 1, H, widthAbove, { transB: top && mistake === 'w2-layout' }); // [1, H_l]
    return { v: r.V[i]!, y: r.Y[i]!, GY, fPrime: r.V[i]!.map(prime), GV: r.G[i]! };
  });
}
