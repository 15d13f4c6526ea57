// The float32 CPU engine of the MLP (MATH.md, Model 1 and "Deeper MLPs"): 1 to 4 hidden layers of
// any of the six activations, the same forward pass, hand-derived backward pass and SGD step as the
// WGSL kernels, on Float32Arrays with cache-blocked products (gemm.ts). It is the fair CPU side of the
// benchmark; src/reference/mlp.ts stays the float64 oracle. Knows no DOM, so it runs in Node, on the
// page and in a Web Worker alike.
import { ACTIVATION_FUNCTIONS } from '../reference/activations';
import { activationOf, checkMlpShape, layerWidths, mlpTensorShapes, type MlpShape } from '../reference/mlp';
import { gemmNN, gemmNT, gemmTN } from './gemm';

/** The MLP's tensors in float32, row-major: W_l [H_l, H_{l−1}], b_l [H_l], named W1, b1, W2, b2, … */
export type CpuMlpParams = Record<string, Float32Array>;

/** One batch's mean loss and correct count. */
export interface CpuStepResult {
  loss: number;
  correct: number;
}

/** One batch's mean loss and correct count. */
export interface CpuStepResult {
  loss: number;
  correct: number;
}

/** A float32 MLP for batches of B rows, with its activation and gradient buffers allocated once. */
export class CpuMlp {
  readonly grads: CpuMlpParams;
  private readonly widths: number[];
  private readonly V: Float32Array[] = []; // V[l]: hidden layer l's pre-activations [B, H_l]
  private readonly Y: Float32Array[] = []; // Y[l]: its activations [B, H_l]
  private readonly G: Float32Array[] = []; // G[l]: ∂L/∂V_l [B, H_l]
  private readonly Z: Float32Array; // [B, C]
  private readonly GZ: Float32Array; // [B, C]

  constructor(
    readonly shape: MlpShape,
    readonly B: number,
  ) {
    checkMlpShape(shape);
    if (!Number.isInteger(B) || B < 1) throw new RangeError('CPU MLP batch B must be a positive integer');
    this.widths = layerWidths(shape);
    this.grads = Object.fromEntries(Object.entries(mlpTensorShapes(shape)).map(([name, dims]) => [name, new Float32Array(dims.reduce((a, b) => a * b, 1))]));
    for (let l = 1; l < this.widths.length - 1; l++) {
      for (const list of [this.V, this.Y, this.G]) list[l] = new Float32Array(B * this.widths[l]!);
    }
    this.Z = new Float32Array(B * shape.C);
    this.GZ = new Float32Array(B * shape.C);
  }

  /** Loss and gradients (into `this.grads`) of one batch X [B, D] with labels [B]. */
  gradients(p: CpuMlpParams, X: Float32Array, labels: Uint32Array): CpuStepResult {
    const { B, widths, V, Y, G, Z, GZ, grads } = this;
    const { D, C } = this.shape;
    const L = widths.length - 1;
    const { f, fPrime } = ACTIVATION_FUNCTIONS[activationOf(this.shape)];
    if (X.length !== B * D || labels.length !== B) throw new RangeError('batch has the wrong shape');

    let input = X;
    for (let l = 1; l < L; l++) {
      const H = widths[l]!;
      const v = V[l]!;
      const y = Y[l]!;
      const bias = p[`b${l}`]!;
      gemmNT(input, p[`W${l}`]!, v, B, H, widths[l - 1]!); // V_l = Y_{l−1} W_lᵀ
      for (let i = 0; i < B; i++) {
        for (let h = 0; h < H; h++) {
          const e = i * H + h;
          v[e] = v[e]! + bias[h]!;
          y[e] = f(v[e]!);
        }
      }
      input = y;
    }
    gemmNT(input, p[`W${L}`]!, Z, B, C, widths[L - 1]!); // Z = Y W_Lᵀ

    // Softmax cross-entropy with its gradient G_Z = (softmax(Z) − onehot) / B.
    const bZ = p[`b${L}`]!;
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < B; i++) {
      const z = i * C;
      let best = 0;
      for (let c = 0; c < C; c++) {
        Z[z + c] = Z[z + c]! + bZ[c]!;
        if (Z[z + c]! > Z[z + best]!) best = c;
      }
      const max = Z[z + best]!;
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(Z[z + c]! - max);
      const k = labels[i]!;
      if (k >= C) throw new RangeError(`labels[${i}] = ${k} is not a class below C = ${C}`);
      loss += max + Math.log(sum) - Z[z + k]!;
      if (best === k) correct++;
      for (let c = 0; c < C; c++) GZ[z + c] = (Math.exp(Z[z + c]! - max) / sum - (c === k ? 1 : 0)) / B;
    }

    // From the top: dW_l = G_lᵀ Y_{l−1}, db_l = colsum(G_l), G_{l−1} = (G_l W_l) ⊙ f′(V_{l−1}).
    let g = GZ;
    for (let l = L; l >= 1; l--) {
      gemmTN(g, l === 1 ? X : Y[l - 1]!, grads[`W${l}`]!, widths[l]!, widths[l - 1]!, B);
      colsum(g, grads[`b${l}`]!, B, widths[l]!);
      if (l === 1) break;
      const below = G[l - 1]!;
      const v = V[l - 1]!;
      gemmNN(g, p[`W${l}`]!, below, B, widths[l - 1]!, widths[l]!);
      for (let e = 0; e < below.length; e++) below[e] = below[e]! * fPrime(v[e]!);
      g = below;
    }
    return { loss: loss / B, correct };
  }

  /** One SGD step: gradients, then p −= lr · g for every tensor. */
  step(p: CpuMlpParams, X: Float32Array, labels: Uint32Array, lr: number): CpuStepResult {
    const result = this.gradients(p, X, labels);
    for (const [name, g] of Object.entries(this.grads)) {
      const w = p[name]!;
      for (let i = 0; i < w.length; i++) w[i] = w[i]! - lr * g[i]!;
    }
    return result;
  }
}

/** sums[c] = Σ_r A[r, c], rows added in order. */
function colsum(A: Float32Array, sums: Float32Array, rows: number, cols: number): void {
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) acc[c] = acc[c]! + A[r * cols + c]!;
  }
  sums.set(acc);
}
