// A problem instance: the model, its parameters and one batch, on which a derivation is evaluated and
// checked. Built from a seed here (the tests, the page); the CLI builds one from a training run's
// first batch (src/cli/derive.ts).
import { Rng } from '../base/rng';
import type { Activation } from '../reference/activations';
import type { AutoencoderShape } from '../reference/autoencoder';
import { mlpTensorShapes, type MlpParams } from '../reference/mlp';

/** The hidden activation; 'custom' is the student's own f, defined in the derivation as f(v) = …. */
export type DeriveActivation = Activation | 'custom';

export interface MlpProblem {
  model: 'mlp';
  /** D inputs, hidden widths H1 … HL, C classes. */
  shape: { D: number; hidden: number[]; C: number };
  activation: DeriveActivation;
  /** W1 [H1, D], b1 [H1], …, W(L+1) [C, HL], b(L+1) [C]. */
  params: MlpParams;
  /** [B, D], one sample per row. */
  X: Float64Array;
  /** [B] class indices below C. */
  labels: Uint32Array;
  B: number;
}

export interface AutoencoderProblem {
  model: 'autoencoder';
  shape: AutoencoderShape;
  /** [m, n]. */
  W: Float64Array;
  /** [B, n]. */
  X: Float64Array;
  B: number;
}

export type Problem = MlpProblem | AutoencoderProblem;

/** Sizes of a generated problem. */
export type ProblemSizes =
  | { model: 'mlp'; D: number; hidden: number[]; C: number; activation: DeriveActivation; B: number }
  | { model: 'autoencoder'; n: number; m: number; B: number };

/**
 * A problem drawn from a seed: weights N(0, 1/fan_in), biases uniform in [−0.5, 0.5] (never zero, so
 * that a wrong bias term shows), X uniform in [−1, 1], labels uniform (as the gradient check draws them).
 */
export function randomProblem(sizes: ProblemSizes, seed: number): Problem {
  const rng = new Rng(seed);
  const normal = (count: number, std: number) => Float64Array.from({ length: count }, () => rng.normal() * std);
  if (sizes.model === 'autoencoder') {
    const { n, m, B } = sizes;
    return { model: 'autoencoder', shape: { n, m }, W: normal(m * n, 1 / Math.sqrt(n)), X: Float64Array.from({ length: B * n }, () => rng.uniform(-1, 1)), B };
  }
  const { D, hidden, C, B, activation } = sizes;
  const params: MlpParams = {};
  for (const [name, dims] of Object.entries(mlpTensorShapes({ D, hidden, C }))) {
    params[name] =
      dims.length === 2 ? normal(dims[0]! * dims[1]!, 1 / Math.sqrt(dims[1]!)) : Float64Array.from({ length: dims[0]! }, () => rng.uniform(-0.5, 0.5));
  }
  const X = Float64Array.from({ length: B * D }, () => rng.uniform(-1, 1));
  const labels = Uint32Array.from({ length: B }, () => rng.int(C));
  return { model: 'mlp', shape: { D, hidden: [...hidden], C }, activation, params, X, labels, B };
}
