// Float64 reference of the two-layer MLP with softmax cross-entropy (MATH.md, Model 1, with the
// hidden activation of "Deeper MLPs and other activations"; swish by default): the forward pass with
// the mean loss and accuracy, and the hand-derived backward pass.

import { ACTIVATION_FUNCTIONS, activationPrimeFor, type Activation, type SwishDerivative } from './activations';
import { colsum, matmul } from './linalg';
import { assertLength, assertSizes } from './shape';

/** Layer sizes: D inputs, H hidden units, C classes; and the hidden layer's activation f. */
export interface MlpShape {
  D: number;
  H: number;
  C: number;
  /** Absent means swish, the seed's (and every run saved before the choice existed). */
  activation?: Activation;
}

/** The hidden layer's activation of a shape. */
export function activationOf(shape: MlpShape): Activation {
  return shape.activation ?? 'swish';
}

/** The shape's activation field: left out for swish, as in every run saved before the choice existed. */
export function activationField(activation: Activation): Pick<MlpShape, 'activation'> {
  return activation === 'swish' ? {} : { activation };
}

/** Parameters (or their gradients), row-major. */
export interface MlpParams {
  /** [H, D] */
  W1: Float64Array;
  /** [H] */
  b1: Float64Array;
  /** [C, H] */
  W2: Float64Array;
  /** [C] */
  b2: Float64Array;
}

/** The parameter tensors in a fixed order, for loops over all of them. */
export const MLP_TENSORS = ['W1', 'b1', 'W2', 'b2'] as const;

/** One of the MLP's parameter tensors. */
export type MlpTensor = (typeof MLP_TENSORS)[number];

/** The shape of each parameter tensor. */
export function mlpTensorShapes(shape: MlpShape): Record<MlpTensor, number[]> {
  const { D, H, C } = shape;
  return { W1: [H, D], b1: [H], W2: [C, H], b2: [C] };
}

/** Activations and loss of one forward pass. */
export interface MlpForward {
  /** Hidden pre-activations [B, H]. */
  V: Float64Array;
  /** Hidden activations f(V) [B, H]. */
  Y: Float64Array;
  /** Logits [B, C]. */
  Z: Float64Array;
  /** Cross-entropy of each sample [B]. */
  rowLoss: Float64Array;
  /** Mean of rowLoss. */
  loss: number;
  /** Samples whose argmax logit (lowest index on ties) equals the label. */
  correct: number;
}

/** A forward pass with the gradients of the mean loss. */
export interface MlpGradients {
  loss: number;
  correct: number;
  /** dW1, db1, dW2, db2 under the parameters' own names. */
  grads: MlpParams;
  /** ∂L/∂Z = (softmax(Z) − onehot) / B  [B, C]. */
  GZ: Float64Array;
  /** ∂L/∂V  [B, H]. */
  GV: Float64Array;
  V: Float64Array;
  Y: Float64Array;
  Z: Float64Array;
}

/** Options of the backward pass. */
export interface MlpGradientOptions {
  /** 'correct' (the default) or, for swish, the known-wrong derivative of the teaching experiment. */
  swishDerivative?: SwishDerivative;
}

function validate(shape: MlpShape, params: MlpParams, X: Float64Array, labels: Uint32Array, B: number): void {
  const { D, H, C } = shape;
  assertSizes({ B, D, H, C });
  const shapes = mlpTensorShapes(shape);
  for (const name of MLP_TENSORS) {
    assertLength(name, params[name], shapes[name].reduce((a, b) => a * b, 1));
  }
  assertLength('X', X, B * D);
  assertLength('labels', labels, B);
  for (let i = 0; i < B; i++) {
    if (labels[i]! >= C) throw new RangeError(`labels[${i}] = ${labels[i]} is not a class below C = ${C}`);
  }
}

/** Adds the bias [cols] to every row of A [rows, cols] in place. */
function addRowBias(A: Float64Array, bias: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) A[i * cols + j]! += bias[j]!;
  }
}

/** Runs the forward pass: V = X W1ᵀ + b1, Y = f(V), Z = Y W2ᵀ + b2, loss = mean(logsumexp(Z_i) − Z_i,k). */
export function mlpForward(
  shape: MlpShape,
  params: MlpParams,
  X: Float64Array,
  labels: Uint32Array,
  B: number,
): MlpForward {
  validate(shape, params, X, labels, B);
  const { D, H, C } = shape;
  const V = matmul(X, params.W1, B, H, D, { transB: true }); // [B, H]
  addRowBias(V, params.b1, B, H);
  const Y = V.map(ACTIVATION_FUNCTIONS[activationOf(shape)].f); // [B, H]
  const Z = matmul(Y, params.W2, B, C, H, { transB: true }); // [B, C]
  addRowBias(Z, params.b2, B, C);

  const rowLoss = new Float64Array(B);
  let correct = 0;
  for (let i = 0; i < B; i++) {
    const row = Z.subarray(i * C, (i + 1) * C);
    let argmax = 0;
    for (let j = 1; j < C; j++) if (row[j]! > row[argmax]!) argmax = j;
    const max = row[argmax]!;
    // Subtracting the maximum keeps every exp ≤ 1; the loss is never formed as −log(softmax).
    let sumExp = 0;
    for (let j = 0; j < C; j++) sumExp += Math.exp(row[j]! - max);
    const label = labels[i]!;
    rowLoss[i] = max + Math.log(sumExp) - row[label]!;
    if (argmax === label) correct++;
  }
  const loss = rowLoss.reduce((a, b) => a + b, 0) / B;
  return { V, Y, Z, rowLoss, loss, correct };
}

/** The mean cross-entropy loss alone (what the finite-difference check differentiates). */
export function mlpLoss(shape: MlpShape, params: MlpParams, X: Float64Array, labels: Uint32Array, B: number): number {
  return mlpForward(shape, params, X, labels, B).loss;
}

/** Forward pass, then the backward pass of MATH.md, returning the gradients of the mean loss. */
export function mlpGradients(
  shape: MlpShape,
  params: MlpParams,
  X: Float64Array,
  labels: Uint32Array,
  B: number,
  opts: MlpGradientOptions = {},
): MlpGradients {
  const { loss, correct, V, Y, Z } = mlpForward(shape, params, X, labels, B);
  const { D, H, C } = shape;
  const derivative = activationPrimeFor(activationOf(shape), opts.swishDerivative);

  const GZ = new Float64Array(B * C); // [B, C]
  for (let i = 0; i < B; i++) {
    const row = Z.subarray(i * C, (i + 1) * C);
    const max = row.reduce((a, b) => Math.max(a, b), -Infinity);
    let sumExp = 0;
    for (let j = 0; j < C; j++) sumExp += Math.exp(row[j]! - max);
    for (let j = 0; j < C; j++) {
      const softmax = Math.exp(row[j]! - max) / sumExp;
      GZ[i * C + j] = (softmax - (j === labels[i] ? 1 : 0)) / B;
    }
  }

  const dW2 = matmul(GZ, Y, C, H, B, { transA: true }); // [C, H]
  const db2 = colsum(GZ, B, C); // [C]
  const GY = matmul(GZ, params.W2, B, H, C); // [B, H]
  const GV = GY.map((g, idx) => g * derivative(V[idx]!)); // [B, H]
  const dW1 = matmul(GV, X, H, D, B, { transA: true }); // [H, D]
  const db1 = colsum(GV, B, H); // [H]

  return { loss, correct, grads: { W1: dW1, b1: db1, W2: dW2, b2: db2 }, GZ, GV, V, Y, Z };
}

/** The MLP's parameters in float64 from named arrays (e.g. float32 read back from the GPU). */
export function mlpParamsFrom(values: Record<string, ArrayLike<number>>): MlpParams {
  const get = (name: MlpTensor) => {
    const v = values[name];
    if (!v) throw new RangeError(`missing tensor ${name}`);
    return Float64Array.from(v);
  };
  return { W1: get('W1'), b1: get('b1'), W2: get('W2'), b2: get('b2') };
}
