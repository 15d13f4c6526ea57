// The forward pass and the true gradient of every name a derivation may define, in float64. The
// parameters' gradients come from the project's reference (src/reference/mlp.ts, autoencoder.ts);
// the intermediate ones follow from its G's: dZ = G_Z, dV_l = G_l, dY_l = G_(l+1) W_(l+1),
// dA = −T / (B A); for the autoencoder dV = V / B and dZ = V Wᵀ / B. A custom activation (the
// student's f) runs the same formulas here, with f′ given by the caller.
import { ACTIVATION_FUNCTIONS, type Activation } from '../reference/activations';
import { autoencoderGradient } from '../reference/autoencoder';
import { mlpGradients } from '../reference/mlp';
import type { AutoencoderProblem, MlpProblem } from './problem';
import { broadcast, map, matmul, sumAxis, tensor, transpose, type Tensor } from './tensor';

/** An activation as whole-tensor functions: f and its derivative f′. */
export interface ActivationPair {
  f: (v: Tensor) => Tensor;
  fPrime: (v: Tensor) => Tensor;
}

/** The MLP's forward tensors and true gradients; arrays are per hidden layer (index 0 is layer 1). */
export interface MlpTruth {
  T: Tensor;
  V: Tensor[];
  Y: Tensor[];
  Z: Tensor;
  A: Tensor;
  loss: number;
  dZ: Tensor;
  dA: Tensor;
  dV: Tensor[];
  dY: Tensor[];
  /** Per layer 1 … L+1. */
  dW: Tensor[];
  db: Tensor[];
}

export interface AutoencoderTruth {
  Z: Tensor;
  V: Tensor;
  loss: number;
  dW: Tensor;
  dZ: Tensor;
  dV: Tensor;
}

/** A built-in activation as a pair of whole-tensor functions. */
export function builtinActivation(a: Activation): ActivationPair {
  const { f, fPrime } = ACTIVATION_FUNCTIONS[a];
  return { f: (v) => map(v, f), fPrime: (v) => map(v, fPrime) };
}

/** The MLP's truth: from the reference for a built-in activation, from `custom` for the student's own. */
export function mlpTruth(p: MlpProblem, custom?: ActivationPair): MlpTruth {
  if (p.activation === 'custom') {
    if (!custom) throw new RangeError('a custom activation needs its f and f′');
    return customMlpTruth(p, custom);
  }
  const { D, hidden, C } = p.shape;
  const { B } = p;
  const r = mlpGradients({ D, hidden, C, activation: p.activation }, p.params, p.X, p.labels, B);
  const widths = [D, ...hidden, C];
  const L = hidden.length;
  const T = oneHot(p.labels, B, C);
  const Z = tensor(B, C, r.Z);
  const A = softmax(Z);
  const dV = r.G.map((g, i) => tensor(B, hidden[i]!, g));
  const dZ = tensor(B, C, r.GZ);
  // dY_l = G_(l+1) W_(l+1): the product before the activation's derivative.
  const dY = hidden.map((_, i) => matmul(i === L - 1 ? dZ : dV[i + 1]!, weight(p, i + 2, widths)));
  return {
    T,
    V: r.V.map((v, i) => tensor(B, hidden[i]!, v)),
    Y: r.Y.map((y, i) => tensor(B, hidden[i]!, y)),
    Z,
    A,
    loss: r.loss,
    dZ,
    dA: crossEntropyDA(A, T, B),
    dV,
    dY,
    dW: widths.slice(1).map((_, i) => tensor(widths[i + 1]!, widths[i]!, r.grads[`W${i + 1}`]!)),
    db: widths.slice(1).map((w, i) => tensor(1, w, r.grads[`b${i + 1}`]!)),
  };
}

/** MATH.md's "Deeper MLPs" forward and backward passes with the caller's f and f′. */
function customMlpTruth(p: MlpProblem, act: ActivationPair): MlpTruth {
  const { D, hidden, C } = p.shape;
  const { B } = p;
  const widths = [D, ...hidden, C];
  const L = hidden.length;
  const T = oneHot(p.labels, B, C);
  const V: Tensor[] = [];
  const Y: Tensor[] = [];
  let input = tensor(B, D, p.X);
  for (let l = 1; l <= L; l++) {
    const v = affine(input, weight(p, l, widths), tensor(1, widths[l]!, p.params[`b${l}`]!));
    V.push(v);
    Y.push((input = act.f(v)));
  }
  const Z = affine(input, weight(p, L + 1, widths), tensor(1, C, p.params[`b${L + 1}`]!));
  const A = softmax(Z);
  let loss = 0;
  for (let i = 0; i < B; i++) loss -= Math.log(A.data[i * C + p.labels[i]!]!) / B;
  const dZ = broadcast(A, T, (a, t) => (a - t) / B);
  const dW: Tensor[] = [];
  const db: Tensor[] = [];
  const dV: Tensor[] = [];
  const dY: Tensor[] = [];
  let g = dZ;
  for (let l = L + 1; l >= 1; l--) {
    dW[l - 1] = matmul(transpose(g), l === 1 ? tensor(B, D, p.X) : Y[l - 2]!);
    db[l - 1] = sumAxis(g, 0);
    if (l === 1) break;
    dY[l - 2] = matmul(g, weight(p, l, widths));
    g = dV[l - 2] = broadcast(dY[l - 2]!, act.fPrime(V[l - 2]!), (a, b) => a * b);
  }
  return { T, V, Y, Z, A, loss, dZ, dA: crossEntropyDA(A, T, B), dV, dY, dW, db };
}

/** The autoencoder's truth from the reference: dW, and the partials of the loss in V and Z. */
export function autoencoderTruth(p: AutoencoderProblem): AutoencoderTruth {
  const { n, m } = p.shape;
  const { B } = p;
  const r = autoencoderGradient(p.shape, p.W, p.X, B);
  const V = tensor(B, n, r.V);
  return {
    Z: tensor(B, m, r.Z),
    V,
    loss: r.loss,
    dW: tensor(m, n, r.dW),
    dV: map(V, (v) => v / B),
    dZ: tensor(
      B,
      m,
      r.U.map((u) => u / B),
    ),
  };
}

function weight(p: MlpProblem, l: number, widths: number[]): Tensor {
  return tensor(widths[l]!, widths[l - 1]!, p.params[`W${l}`]!);
}

/** input Wᵀ + b, the bias a row added to every row. */
function affine(input: Tensor, W: Tensor, b: Tensor): Tensor {
  return broadcast(matmul(input, transpose(W)), b, (x, y) => x + y);
}

function oneHot(labels: Uint32Array, B: number, C: number): Tensor {
  const T = tensor(B, C);
  for (let i = 0; i < B; i++) T.data[i * C + labels[i]!] = 1;
  return T;
}

/** Softmax of each row, the row's maximum subtracted first (MATH.md, numerics). */
function softmax(Z: Tensor): Tensor {
  const A = tensor(Z.rows, Z.cols);
  for (let i = 0; i < Z.rows; i++) {
    const row = Z.data.subarray(i * Z.cols, (i + 1) * Z.cols);
    const max = row.reduce((a, b) => Math.max(a, b), -Infinity);
    let sum = 0;
    for (let j = 0; j < Z.cols; j++) sum += Math.exp(row[j]! - max);
    for (let j = 0; j < Z.cols; j++) A.data[i * Z.cols + j] = Math.exp(row[j]! - max) / sum;
  }
  return A;
}

/** ∂L/∂A of the mean cross-entropy −(1/B) Σ T log A: −T / (B A), zero off the true class. */
function crossEntropyDA(A: Tensor, T: Tensor, B: number): Tensor {
  return broadcast(A, T, (a, t) => (t === 0 ? 0 : -t / (B * a)));
}
