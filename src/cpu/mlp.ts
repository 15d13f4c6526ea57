// The float32 CPU engine of the two-layer swish MLP (MATH.md, Model 1): the same forward pass,
// hand-derived backward pass and SGD step as the WGSL kernels, on Float32Arrays with cache-blocked
// products (gemm.ts). It is the fair CPU side of the benchmark; src/reference/mlp.ts stays the
// float64 oracle. Knows no DOM, so it runs in Node, on the page and in a Web Worker alike.
import { activationOf, type MlpShape } from '../reference/mlp';
import { gemmNN, gemmNT, gemmTN } from './gemm';

/** The MLP's tensors in float32, row-major: W1 [H, D], b1 [H], W2 [C, H], b2 [C]. */
export interface CpuMlpParams {
  W1: Float32Array;
  b1: Float32Array;
  W2: Float32Array;
  b2: Float32Array;
}

/** One batch's mean loss and correct count. */
export interface CpuStepResult {
  loss: number;
  correct: number;
}

function sigmoid(v: number): number {
  const e = Math.exp(-Math.abs(v)); // never overflows
  return v >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** A float32 MLP for batches of B rows, with its activation and gradient buffers allocated once. */
export class CpuMlp {
  readonly grads: CpuMlpParams;
  private readonly V: Float32Array; // [B, H]
  private readonly Y: Float32Array; // [B, H]
  private readonly Z: Float32Array; // [B, C]
  private readonly GZ: Float32Array; // [B, C]
  private readonly GV: Float32Array; // [B, H]

  constructor(
    readonly shape: MlpShape,
    readonly B: number,
  ) {
    const { D, H, C } = shape;
    if (activationOf(shape) !== 'swish') throw new RangeError('the float32 CPU engine has swish only (so far)');
    for (const [name, v] of Object.entries({ B, D, H, C })) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`CPU MLP size ${name} must be a positive integer`);
    }
    this.grads = { W1: new Float32Array(H * D), b1: new Float32Array(H), W2: new Float32Array(C * H), b2: new Float32Array(C) };
    this.V = new Float32Array(B * H);
    this.Y = new Float32Array(B * H);
    this.Z = new Float32Array(B * C);
    this.GZ = new Float32Array(B * C);
    this.GV = new Float32Array(B * H);
  }

  /** Loss and gradients (into `this.grads`) of one batch X [B, D] with labels [B]. */
  gradients(p: CpuMlpParams, X: Float32Array, labels: Uint32Array): CpuStepResult {
    const { B } = this;
    const { D, H, C } = this.shape;
    const { V, Y, Z, GZ, GV, grads } = this;
    if (X.length !== B * D || labels.length !== B) throw new RangeError('batch has the wrong shape');

    gemmNT(X, p.W1, V, B, H, D); // V = X W1ᵀ
    for (let i = 0; i < B; i++) {
      for (let h = 0; h < H; h++) {
        const v = V[i * H + h]! + p.b1[h]!;
        V[i * H + h] = v;
        Y[i * H + h] = v * sigmoid(v);
      }
    }
    gemmNT(Y, p.W2, Z, B, C, H); // Z = Y W2ᵀ

    // Softmax cross-entropy with its gradient G_Z = (softmax(Z) − onehot) / B.
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < B; i++) {
      const z = i * C;
      let best = 0;
      for (let c = 0; c < C; c++) {
        Z[z + c] = Z[z + c]! + p.b2[c]!;
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

    gemmTN(GZ, Y, grads.W2, C, H, B); // dW2 = G_Zᵀ Y
    colsum(GZ, grads.b2, B, C);
    gemmNN(GZ, p.W2, GV, B, H, C); // G_Y = G_Z W2
    for (let e = 0; e < B * H; e++) {
      const v = V[e]!;
      const s = sigmoid(v);
      GV[e] = GV[e]! * s * (1 + v * (1 - s)); // G_V = G_Y ⊙ swish'(V)
    }
    gemmTN(GV, X, grads.W1, H, D, B); // dW1 = G_Vᵀ X
    colsum(GV, grads.b1, B, H);
    return { loss: loss / B, correct };
  }

  /** One SGD step: gradients, then p −= lr · g for every tensor. */
  step(p: CpuMlpParams, X: Float32Array, labels: Uint32Array, lr: number): CpuStepResult {
    const result = this.gradients(p, X, labels);
    for (const name of ['W1', 'b1', 'W2', 'b2'] as const) {
      const w = p[name];
      const g = this.grads[name];
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
