// Float64 reference of the MLP with softmax cross-entropy (MATH.md, Model 1, with the hidden
// activation of "Deeper MLPs and other activations"; swish by default), or for a regression with a
// linear output and the squared error (docs/regression.md): the forward pass with the mean loss and
// accuracy, and the hand-derived backward pass.

import { labelsAsTargets } from '../data/dataset';
import { ACTIVATION_FUNCTIONS, activationPrimeFor, type Activation } from './activations';
import { colsum, matmul } from './linalg';
import { mistakeProblem, swishDerivativeOf, type Mistake } from './mistakes';
import { PROBLEMS, type Problem } from './problem';
import { assertLength, assertSizes } from './shape';

/** Most hidden layers a network may have. */
export const MAX_HIDDEN_LAYERS = 4;

/** Layer sizes: D inputs, the hidden layers' widths (input side first), C classes; and the hidden activation f. */
export interface MlpShape {
  D: number;
  /** 1 to MAX_HIDDEN_LAYERS widths; [H] is the seed's two-layer network. */
  hidden: number[];
  /** Outputs: the classes, or 1 for a regression. */
  C: number;
  /** Absent means swish, the seed's (and every run saved before the choice existed). */
  activation?: Activation;
  /** Absent means classification (softmax cross-entropy), as in every run saved before regression. */
  problem?: Problem;
}

/** The hidden layers' activation of a shape. */
export function activationOf(shape: MlpShape): Activation {
  return shape.activation ?? 'swish';
}

/** What a shape's output is trained for. */
export function problemOf(shape: MlpShape): Problem {
  return shape.problem ?? 'classification';
}

/** The shape's problem field: left out for classification, as in every run saved before regression. */
export function problemField(problem: Problem): Pick<MlpShape, 'problem'> {
  return problem === 'classification' ? {} : { problem };
}

/**
 * Each row's class (a classification: class indices) or real target (a regression) for the
 * reference's passes. The class is what argmax is checked against; the target what z is squared against.
 */
export type MlpTargets = Uint32Array | Float64Array;

/**
 * The reference's targets from the labels that every engine's path carries: the classes as they
 * are, a regression's float32 targets read from their bits (see Dataset.regression).
 */
export function mlpTargets(shape: MlpShape, labels: Uint32Array): MlpTargets {
  return problemOf(shape) === 'regression' ? Float64Array.from(labelsAsTargets(labels)) : labels;
}

/** Targets for a forward pass whose loss is not wanted (probe rows): class 0, or target 0. */
export function noTargets(shape: MlpShape, rows: number): MlpTargets {
  return problemOf(shape) === 'regression' ? new Float64Array(rows) : new Uint32Array(rows);
}

/** The shape's activation field: left out for swish, as in every run saved before the choice existed. */
export function activationField(activation: Activation): Pick<MlpShape, 'activation'> {
  return activation === 'swish' ? {} : { activation };
}

/** Every layer's width, input first: [D, H1, …, C]. */
export function layerWidths(shape: MlpShape): number[] {
  return [shape.D, ...shape.hidden, shape.C];
}

/** "784-128-10", with the activation where it is not swish and a regression said: "2-8-8-8-3 tanh", "2-8-1 regression". */
export function describeMlp(shape: MlpShape): string {
  const a = activationOf(shape);
  return `${layerWidths(shape).join('-')}${a === 'swish' ? '' : ` ${a}`}${problemOf(shape) === 'regression' ? ' regression' : ''}`;
}

/** Multiply-adds of one row's forward pass: Σ_l H_l · H_{l−1}. */
export function mlpMacsPerRow(shape: MlpShape): number {
  const widths = layerWidths(shape);
  let macs = 0;
  for (let l = 1; l < widths.length; l++) macs += widths[l]! * widths[l - 1]!;
  return macs;
}

/** Parameters (or their gradients), row-major: W1 … WL [H_l, H_{l−1}] and b1 … bL [H_l]. */
export type MlpParams = Record<string, Float64Array>;

/** The parameter tensor names in layout order: W1, b1, W2, b2, … (L = hidden layers + 1). */
export function mlpTensorNames(shape: MlpShape): string[] {
  return shape.hidden.concat(shape.C).flatMap((_, i) => [`W${i + 1}`, `b${i + 1}`]);
}

/** The shape of each parameter tensor, in layout order. */
export function mlpTensorShapes(shape: MlpShape): Record<string, number[]> {
  const widths = layerWidths(shape);
  const out: Record<string, number[]> = {};
  for (let l = 1; l < widths.length; l++) {
    out[`W${l}`] = [widths[l]!, widths[l - 1]!];
    out[`b${l}`] = [widths[l]!];
  }
  return out;
}

/** Checks a shape's sizes; the one message for a bad one. */
export function checkMlpShape(shape: MlpShape): void {
  const { hidden } = shape;
  if (!Array.isArray(hidden) || hidden.length < 1 || hidden.length > MAX_HIDDEN_LAYERS) {
    throw new RangeError(`an MLP has 1 to ${MAX_HIDDEN_LAYERS} hidden layers, not ${Array.isArray(hidden) ? hidden.length : 'none'}`);
  }
  assertSizes({ D: shape.D, C: shape.C, ...Object.fromEntries(hidden.map((h, i) => [`H${i + 1}`, h])) });
  if (!(PROBLEMS as readonly unknown[]).includes(problemOf(shape))) throw new RangeError(`unknown problem '${String(shape.problem)}'`);
  if (problemOf(shape) === 'regression' && shape.C !== 1) throw new RangeError(`a regression has one output, not C = ${shape.C}`);
}

/** Activations and loss of one forward pass. */
export interface MlpForward {
  /** Each hidden layer's pre-activations V_l [B, H_l]. */
  V: Float64Array[];
  /** Each hidden layer's activations Y_l = f(V_l) [B, H_l]. */
  Y: Float64Array[];
  /** Logits [B, C]; a regression's predictions [B, 1]. */
  Z: Float64Array;
  /** Cross-entropy of each sample [B]; a regression's ½ (z − t)². */
  rowLoss: Float64Array;
  /** Mean of rowLoss. */
  loss: number;
  /** Samples whose argmax logit (lowest index on ties) equals the label; 0 for a regression. */
  correct: number;
}

/** A forward pass with the gradients of the mean loss. */
export interface MlpGradients extends MlpForward {
  /** dW1, db1, … under the parameters' own names. */
  grads: MlpParams;
  /** ∂L/∂Z = (softmax(Z) − onehot) / B  [B, C]; a regression's (Z − t) / B [B, 1]. */
  GZ: Float64Array;
  /** ∂L/∂V_l of each hidden layer [B, H_l]. */
  G: Float64Array[];
}

/** Options of the backward pass. */
export interface MlpGradientOptions {
  /** A backprop mistake of MATH.md's catalogue made on purpose (default 'none'); the loss stays the true one. */
  mistake?: Mistake;
}

function validate(shape: MlpShape, params: MlpParams, X: Float64Array, targets: MlpTargets, B: number): void {
  checkMlpShape(shape);
  assertSizes({ B });
  for (const [name, dims] of Object.entries(mlpTensorShapes(shape))) {
    if (!params[name]) throw new RangeError(`missing tensor ${name}`);
    assertLength(
      name,
      params[name],
      dims.reduce((a, b) => a * b, 1),
    );
  }
  assertLength('X', X, B * shape.D);
  assertLength('targets', targets, B);
  if (problemOf(shape) === 'regression') {
    // Class indices given to a regression would train towards 0, 1, 2…: refused, as float bits would be.
    if (!(targets instanceof Float64Array)) throw new RangeError("a regression's targets are real numbers (a Float64Array)");
    return;
  }
  if (!(targets instanceof Uint32Array)) throw new RangeError("a classification's targets are class indices (a Uint32Array)");
  for (let i = 0; i < B; i++) {
    if (targets[i]! >= shape.C) throw new RangeError(`labels[${i}] = ${targets[i]} is not a class below C = ${shape.C}`);
  }
}

/** Adds the bias [cols] to every row of A [rows, cols] in place. */
function addRowBias(A: Float64Array, bias: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) A[i * cols + j]! += bias[j]!;
  }
}

/**
 * Runs the forward pass: V_l = Y_{l−1} W_lᵀ + b_l, Y_l = f(V_l), Z = Y_{L−1} W_Lᵀ + b_L, and the
 * loss: mean(logsumexp(Z_i) − Z_i,k), or for a regression mean(½ (Z_i − t_i)²).
 */
export function mlpForward(shape: MlpShape, params: MlpParams, X: Float64Array, targets: MlpTargets, B: number): MlpForward {
  validate(shape, params, X, targets, B);
  const widths = layerWidths(shape);
  const f = ACTIVATION_FUNCTIONS[activationOf(shape)].f;
  const V: Float64Array[] = [];
  const Y: Float64Array[] = [];
  let input = X;
  for (let l = 1; l < widths.length - 1; l++) {
    const v = matmul(input, params[`W${l}`]!, B, widths[l]!, widths[l - 1]!, { transB: true }); // [B, H_l]
    addRowBias(v, params[`b${l}`]!, B, widths[l]!);
    V.push(v);
    Y.push((input = v.map(f)));
  }
  const L = widths.length - 1;
  const C = shape.C;
  const Z = matmul(input, params[`W${L}`]!, B, C, widths[L - 1]!, { transB: true }); // [B, C]
  addRowBias(Z, params[`b${L}`]!, B, C);

  const rowLoss = new Float64Array(B);
  if (targets instanceof Float64Array) {
    // The regression: a linear output, L_i = ½ (z_i − t_i)².
    for (let i = 0; i < B; i++) rowLoss[i] = 0.5 * (Z[i]! - targets[i]!) ** 2;
    return { V, Y, Z, rowLoss, loss: rowLoss.reduce((a, b) => a + b, 0) / B, correct: 0 };
  }
  let correct = 0;
  for (let i = 0; i < B; i++) {
    const row = Z.subarray(i * C, (i + 1) * C);
    let argmax = 0;
    for (let j = 1; j < C; j++) if (row[j]! > row[argmax]!) argmax = j;
    const max = row[argmax]!;
    // Subtracting the maximum keeps every exp ≤ 1; the loss is never formed as −log(softmax).
    let sumExp = 0;
    for (let j = 0; j < C; j++) sumExp += Math.exp(row[j]! - max);
    const label = targets[i]!;
    rowLoss[i] = max + Math.log(sumExp) - row[label]!;
    if (argmax === label) correct++;
  }
  const loss = rowLoss.reduce((a, b) => a + b, 0) / B;
  return { V, Y, Z, rowLoss, loss, correct };
}

/** The mean loss alone (what the finite-difference check differentiates). */
export function mlpLoss(shape: MlpShape, params: MlpParams, X: Float64Array, targets: MlpTargets, B: number): number {
  return mlpForward(shape, params, X, targets, B).loss;
}

/** Forward pass, then the backward pass of MATH.md, returning the gradients of the mean loss. */
export function mlpGradients(shape: MlpShape, params: MlpParams, X: Float64Array, targets: MlpTargets, B: number, opts: MlpGradientOptions = {}): MlpGradients {
  const forward = mlpForward(shape, params, X, targets, B);
  const { V, Y, Z } = forward;
  const widths = layerWidths(shape);
  const C = shape.C;
  const mistake = opts.mistake ?? 'none';
  const refused = mistakeProblem(mistake, 'mlp', activationOf(shape), problemOf(shape));
  if (refused) throw new RangeError(refused);
  const derivative = activationPrimeFor(activationOf(shape), swishDerivativeOf(mistake));
  const L = widths.length - 1;
  const oneHot = mistake === 'no-one-hot' ? 0 : 1;
  const scale = mistake === 'no-batch-mean' ? 1 : 1 / B;

  const GZ = new Float64Array(B * C); // [B, C]
  if (targets instanceof Float64Array) {
    // The regression's linear output: G_Z = ∂L/∂z = (z − t) / B.
    for (let i = 0; i < B; i++) GZ[i] = (Z[i]! - targets[i]!) * scale;
  } else {
    for (let i = 0; i < B; i++) {
      const row = Z.subarray(i * C, (i + 1) * C);
      const max = row.reduce((a, b) => Math.max(a, b), -Infinity);
      let sumExp = 0;
      for (let j = 0; j < C; j++) sumExp += Math.exp(row[j]! - max);
      for (let j = 0; j < C; j++) {
        const softmax = Math.exp(row[j]! - max) / sumExp;
        GZ[i * C + j] = (softmax - (j === targets[i] ? oneHot : 0)) * scale;
      }
    }
  }

  // From the top: dW_l = G_lᵀ Y_{l−1}, db_l = colsum(G_l), G_{l−1} = (G_l W_l) ⊙ f′(V_{l−1}).
  const grads: MlpParams = {};
  const G: Float64Array[] = [];
  let g = GZ;
  for (let l = L; l >= 1; l--) {
    const input = l === 1 ? X : Y[l - 2]!;
    grads[`W${l}`] = matmul(g, input, widths[l]!, widths[l - 1]!, B, { transA: true }); // [H_l, H_{l−1}]
    // bias-one-row: the first row of G instead of the sum over the batch.
    grads[`b${l}`] = mistake === 'bias-one-row' ? g.slice(0, widths[l]!) : colsum(g, B, widths[l]!); // [H_l]
    if (l === 1) break;
    const v = V[l - 2]!;
    // w2-layout: the output weights' [C, H] buffer read as if it held [H, C] (the transpose flag flipped).
    const flipped = mistake === 'w2-layout' && l === L;
    const back = matmul(g, params[`W${l}`]!, B, widths[l - 1]!, widths[l]!, { transB: flipped }); // [B, H_{l−1}]
    g = back.map((x, idx) => x * derivative(v[idx]!));
    G.unshift(g);
  }
  const ordered: MlpParams = {};
  for (const name of mlpTensorNames(shape)) ordered[name] = grads[name]!;
  return { ...forward, grads: ordered, GZ, G };
}

/** The MLP's parameters in float64 from named arrays (e.g. float32 read back from the GPU). */
export function mlpParamsFrom(shape: MlpShape, values: Record<string, ArrayLike<number>>): MlpParams {
  const out: MlpParams = {};
  for (const name of mlpTensorNames(shape)) {
    const v = values[name];
    if (!v) throw new RangeError(`missing tensor ${name}`);
    out[name] = Float64Array.from(v);
  }
  return out;
}
