// The CPU engine's step in WebAssembly (MATH.md, Models 1 and 2; src/train/cpu-engine.ts drives it).
// A step is two phases with a barrier after each: forwardRows (every layer's forward pass, the loss
// and the backward pass of G, for a range of the batch's rows: rows are independent) and
// updateUnits (dW, db and the optimizer's update for a range of each layer's units: units are
// independent). Threads take ranges of one phase; sums over the batch stay within one thread in a
// fixed order. The model is described by a table of i32/f32 words in memory (layout below,
// exported so that the host reads it from here, its one home). passRows and passUnits run one pass
// of the step alone (PASS_*), so that the host can time each; a step never calls them.
import { biasActivate, scaleByDerivative, LINEAR } from './activations';
import { gemmNT, gemmXN } from './gemm';
export { scratchBytes } from './gemm';

// The table's words.
export const D_KIND = 0; // 0 MLP, 1 autoencoder
export const D_LAYERS = 1; // L: weight layers (hidden layers + 1); 1 for the autoencoder
export const D_ACTIVATION = 2; // activations.ts's codes
export const D_MISTAKES = 3; // MISTAKE_* bits
export const D_SCALE = 4; // f32: 1/B, or 1 for the no-batch-mean mistake
export const D_BATCH = 5; // B: the rows of a training step
export const D_ROW_LOSS = 6; // → f64 [rows]: each row's loss
export const D_ROW_CLASS = 7; // → i32 [rows]: each row's argmax class (MLP)
export const D_OPT_KIND = 8; // 0 SGD, 1 momentum, 2 Adam
export const D_LR = 9; // f32, negative for the update-sign mistake
export const D_MU = 10; // f32
export const D_NESTEROV = 11; // 0 or 1
export const D_BETA1 = 12; // f32
export const D_BETA2 = 13; // f32
export const D_EPS = 14; // f32
export const D_WEIGHT_DECAY = 15; // f32
export const D_L1 = 16; // f32
export const D_SCRATCH = 17; // → each thread's scratch for the dW products, D_SCRATCH_BYTES apart
export const D_SCRATCH_BYTES = 18;
export const D_OUTPUT = 19; // 0 softmax cross-entropy, 1 a regression's squared error (the labels hold float32 targets)
export const D_LAYER0 = 24; // first layer's words
export const LAYER_WORDS = 16; // words per layer
// A layer's words (the autoencoder: IN = n, OUT = m, V = Z [rows, m], Y = V [rows, n], G = U [rows, m]).
export const L_IN = 0;
export const L_OUT = 1;
export const L_W = 2; // → W [OUT, IN]
export const L_B = 3; // → b [OUT]
export const L_DW = 4;
export const L_DB = 5;
export const L_V = 6; // → pre-activations [rows, OUT]
export const L_Y = 7; // → activations [rows, OUT]
export const L_G = 8; // → ∂L/∂V [rows, OUT]
export const L_MW = 9; // → the optimizer's moments of W and b
export const L_VW = 10;
export const L_MB = 11;
export const L_VB = 12;
export const DESCRIPTOR_WORDS = D_LAYER0 + 5 * LAYER_WORDS;

// A step's passes, for passRows and passUnits: forward, loss (with its gradient), backward (G of
// every layer over rows, then dW and db over units) and the optimizer's update.
export const PASS_FORWARD = 1;
export const PASS_LOSS = 2;
export const PASS_BACKWARD = 3;
export const PASS_UPDATE = 4;
// What mlpUnits and autoencoderUnits compute: the gradients, the update, or both (a step).
const UNITS_GRADIENTS = 1;
const UNITS_UPDATE = 2;

export const MISTAKE_SWISH_PRIME = 1;
export const MISTAKE_W2_LAYOUT = 2;
export const MISTAKE_NO_ONE_HOT = 4;
export const MISTAKE_BIAS_ONE_ROW = 8;
export const MISTAKE_AE_ONE_TERM = 16;

// @ts-ignore: decorator
@inline function word(desc: usize, w: i32): i32 {
  return load<i32>(desc + (<usize>w << 2));
}
// @ts-ignore: decorator
@inline function threadScratch(desc: usize, tid: i32): usize {
  return <usize>word(desc, D_SCRATCH) + <usize>tid * <usize>word(desc, D_SCRATCH_BYTES);
}
// @ts-ignore: decorator
@inline function real(desc: usize, w: i32): f32 {
  return load<f32>(desc + (<usize>w << 2));
}
// @ts-ignore: decorator
@inline function layer(desc: usize, l: i32, w: i32): i32 {
  return word(desc, D_LAYER0 + (l - 1) * LAYER_WORDS + w);
}
// @ts-ignore: decorator
@inline function row(base: usize, r: i32, width: i32): usize {
  return base + ((<usize>r * <usize>width) << 2);
}

/**
 * Phase 1 for rows [r0, r1) of X, by thread `tid` (whose scratch it takes): forward, each row's
 * loss (and class); with `train`, the G of every layer.
 */
export function forwardRows(desc: usize, X: usize, labels: usize, r0: i32, r1: i32, train: bool, tid: i32): void {
  if (r0 >= r1) return;
  const scratch = threadScratch(desc, tid);
  if (word(desc, D_KIND) == 1) {
    autoencoderForward(desc, X, r0, r1, scratch);
    autoencoderLoss(desc, X, r0, r1);
    if (train) autoencoderBackward(desc, r0, r1, scratch);
  } else {
    mlpForward(desc, X, r0, r1, scratch);
    mlpLoss(desc, labels, r0, r1, train);
    if (train) mlpBackward(desc, r0, r1, scratch);
  }
}

/** Phase 2 for thread `tid` of `threads`: its share of every layer's units; c1, c2 are Adam's bias corrections. */
export function updateUnits(desc: usize, X: usize, tid: i32, threads: i32, c1: f32, c2: f32): void {
  const both = UNITS_GRADIENTS | UNITS_UPDATE;
  if (word(desc, D_KIND) == 1) autoencoderUnits(desc, X, tid, threads, c1, c2, both);
  else mlpUnits(desc, X, tid, threads, c1, c2, both);
}

/** Phase 1's share of pass `pass` alone (forward, loss or backward; the loss as in training, with its gradient). */
export function passRows(desc: usize, X: usize, labels: usize, r0: i32, r1: i32, pass: i32, tid: i32): void {
  if (r0 >= r1) return;
  const scratch = threadScratch(desc, tid);
  const ae = word(desc, D_KIND) == 1;
  if (pass == PASS_FORWARD) {
    if (ae) autoencoderForward(desc, X, r0, r1, scratch);
    else mlpForward(desc, X, r0, r1, scratch);
  } else if (pass == PASS_LOSS) {
    if (ae) autoencoderLoss(desc, X, r0, r1);
    else mlpLoss(desc, labels, r0, r1, true);
  } else if (pass == PASS_BACKWARD) {
    if (ae) autoencoderBackward(desc, r0, r1, scratch);
    else mlpBackward(desc, r0, r1, scratch);
  }
}

/** Phase 2's share of pass `pass` alone: the backward's dW and db, or the update. */
export function passUnits(desc: usize, X: usize, tid: i32, threads: i32, c1: f32, c2: f32, pass: i32): void {
  const parts = pass == PASS_BACKWARD ? UNITS_GRADIENTS : pass == PASS_UPDATE ? UNITS_UPDATE : 0;
  if (parts == 0) return;
  if (word(desc, D_KIND) == 1) autoencoderUnits(desc, X, tid, threads, c1, c2, parts);
  else mlpUnits(desc, X, tid, threads, c1, c2, parts);
}

function mlpForward(desc: usize, X: usize, r0: i32, r1: i32, scratch: usize): void {
  const L = word(desc, D_LAYERS);
  const act = word(desc, D_ACTIVATION);
  let input = X;
  for (let l = 1; l <= L; l++) {
    const K = layer(desc, l, L_IN);
    const N = layer(desc, l, L_OUT);
    const V = <usize>layer(desc, l, L_V);
    const Y = l < L ? <usize>layer(desc, l, L_Y) : V;
    gemmNT(input, K, layer(desc, l, L_W), K, V, N, r0, r1, N, K, scratch); // V_l = Y_{l−1} W_lᵀ
    const bias = <usize>layer(desc, l, L_B);
    for (let r = r0; r < r1; r++) biasActivate(l < L ? act : LINEAR, row(V, r, N), bias, row(Y, r, N), N);
    input = Y;
  }
}

/** The loss in float64 (C is small) and with `train` G_Z: softmax cross-entropy, or a regression's squared error. */
function mlpLoss(desc: usize, labels: usize, r0: i32, r1: i32, train: bool): void {
  const L = word(desc, D_LAYERS);
  const C = layer(desc, L, L_OUT);
  const Z = <usize>layer(desc, L, L_V);
  const GZ = <usize>layer(desc, L, L_G);
  const scale = <f64>real(desc, D_SCALE);
  const oneHot: f64 = word(desc, D_MISTAKES) & MISTAKE_NO_ONE_HOT ? 0 : 1;
  const rowLoss = <usize>word(desc, D_ROW_LOSS);
  const rowClass = <usize>word(desc, D_ROW_CLASS);
  if (word(desc, D_OUTPUT) == 1) {
    // One linear output: L = ½ (z − t)², G_Z = (z − t) · scale; each label slot holds its float32
    // target's bits, as the GPU's labels do.
    for (let r = r0; r < r1; r++) {
      const e = <f64>load<f32>(Z + (<usize>r << 2)) - <f64>load<f32>(labels + (<usize>r << 2));
      store<f64>(rowLoss + (<usize>r << 3), 0.5 * e * e);
      store<i32>(rowClass + (<usize>r << 2), 0);
      if (train) store<f32>(GZ + (<usize>r << 2), <f32>(e * scale));
    }
  } else {
    // G_Z = (softmax(Z) − onehot) · scale.
    for (let r = r0; r < r1; r++) {
      const z = row(Z, r, C);
      let best = 0;
      for (let c = 1; c < C; c++) if (load<f32>(z + (<usize>c << 2)) > load<f32>(z + (<usize>best << 2))) best = c;
      const max = <f64>load<f32>(z + (<usize>best << 2));
      let sum: f64 = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(<f64>load<f32>(z + (<usize>c << 2)) - max);
      const label = load<i32>(labels + (<usize>r << 2));
      store<f64>(rowLoss + (<usize>r << 3), max + Math.log(sum) - <f64>load<f32>(z + (<usize>label << 2)));
      store<i32>(rowClass + (<usize>r << 2), best);
      if (!train) continue;
      const g = row(GZ, r, C);
      for (let c = 0; c < C; c++) {
        const p = Math.exp(<f64>load<f32>(z + (<usize>c << 2)) - max) / sum;
        store<f32>(g + (<usize>c << 2), <f32>((p - (c == label ? oneHot : 0)) * scale));
      }
    }
  }
}

/** From the top: G_{l−1} = (G_l W_l) ⊙ f′(V_{l−1}). */
function mlpBackward(desc: usize, r0: i32, r1: i32, scratch: usize): void {
  const L = word(desc, D_LAYERS);
  const act = word(desc, D_ACTIVATION);
  const mistakes = word(desc, D_MISTAKES);
  const wrongSwish = (mistakes & MISTAKE_SWISH_PRIME) != 0;
  for (let l = L; l >= 2; l--) {
    const K = layer(desc, l, L_OUT);
    const N = layer(desc, l, L_IN);
    const G = <usize>layer(desc, l, L_G);
    const below = <usize>layer(desc, l - 1, L_G);
    const W = <usize>layer(desc, l, L_W);
    // w2-layout: the output weights' [C, H] buffer read as if it held [H, C].
    if (l == L && mistakes & MISTAKE_W2_LAYOUT) gemmNT(G, K, W, K, below, N, r0, r1, N, K, scratch);
    else gemmXN(false, G, K, W, N, below, N, r0, r1, N, K, false, 0);
    const V = <usize>layer(desc, l - 1, L_V);
    for (let r = r0; r < r1; r++) scaleByDerivative(act, row(below, r, N), row(V, r, N), N, wrongSwish);
  }
}

function mlpUnits(desc: usize, X: usize, tid: i32, threads: i32, c1: f32, c2: f32, parts: i32): void {
  const scratch = threadScratch(desc, tid);
  const L = word(desc, D_LAYERS);
  const B = word(desc, D_BATCH);
  const oneRow = (word(desc, D_MISTAKES) & MISTAKE_BIAS_ONE_ROW) != 0;
  for (let l = 1; l <= L; l++) {
    const K = layer(desc, l, L_IN);
    const N = layer(desc, l, L_OUT);
    const u0 = <i32>((<i64>N * tid) / threads);
    const u1 = <i32>((<i64>N * (tid + 1)) / threads);
    if (u0 >= u1) continue;
    const dW = <usize>layer(desc, l, L_DW);
    const db = <usize>layer(desc, l, L_DB);
    if (parts & UNITS_GRADIENTS) {
      const G = <usize>layer(desc, l, L_G);
      const input = l == 1 ? X : <usize>layer(desc, l - 1, L_Y);
      gemmXN(true, G, N, input, K, dW, K, u0, u1, K, B, false, scratch); // dW_l = G_lᵀ Y_{l−1}
      for (let u = u0; u < u1; u++) {
        // bias-one-row: the first row of G instead of the sum over the batch.
        let s: f64 = 0;
        if (oneRow) s = load<f32>(G + (<usize>u << 2));
        else for (let b = 0; b < B; b++) s += load<f32>(row(G, b, N) + (<usize>u << 2));
        store<f32>(db + (<usize>u << 2), <f32>s);
      }
    }
    if (parts & UNITS_UPDATE) {
      const span = (u1 - u0) * K;
      update(desc, row(layer(desc, l, L_W), u0, K), row(dW, u0, K), row(layer(desc, l, L_MW), u0, K), row(layer(desc, l, L_VW), u0, K), span, c1, c2);
      const at = <usize>u0 << 2;
      update(desc, <usize>layer(desc, l, L_B) + at, db + at, <usize>layer(desc, l, L_MB) + at, <usize>layer(desc, l, L_VB) + at, u1 - u0, c1, c2);
    }
  }
}

function autoencoderForward(desc: usize, X: usize, r0: i32, r1: i32, scratch: usize): void {
  const n = layer(desc, 1, L_IN);
  const m = layer(desc, 1, L_OUT);
  const W = <usize>layer(desc, 1, L_W);
  const Z = <usize>layer(desc, 1, L_V);
  gemmNT(X, n, W, n, Z, m, r0, r1, m, n, scratch); // Z = X Wᵀ
  gemmXN(false, Z, m, W, n, layer(desc, 1, L_Y), n, r0, r1, n, m, false, 0); // V = Z W (the loss subtracts X)
}

/** V ← V − X, each row's loss ½‖V‖². */
function autoencoderLoss(desc: usize, X: usize, r0: i32, r1: i32): void {
  const n = layer(desc, 1, L_IN);
  const V = <usize>layer(desc, 1, L_Y);
  const rowLoss = <usize>word(desc, D_ROW_LOSS);
  for (let r = r0; r < r1; r++) {
    const v = row(V, r, n);
    const x = row(X, r, n);
    let sq: f64 = 0;
    for (let j = 0; j < n; j++) {
      const e = load<f32>(v + (<usize>j << 2)) - load<f32>(x + (<usize>j << 2));
      store<f32>(v + (<usize>j << 2), e);
      sq += <f64>e * <f64>e;
    }
    store<f64>(rowLoss + (<usize>r << 3), 0.5 * sq);
  }
}

function autoencoderBackward(desc: usize, r0: i32, r1: i32, scratch: usize): void {
  const n = layer(desc, 1, L_IN);
  const m = layer(desc, 1, L_OUT);
  gemmNT(layer(desc, 1, L_Y), n, layer(desc, 1, L_W), n, layer(desc, 1, L_G), m, r0, r1, m, n, scratch); // U = V Wᵀ
}

function autoencoderUnits(desc: usize, X: usize, tid: i32, threads: i32, c1: f32, c2: f32, parts: i32): void {
  const scratch = threadScratch(desc, tid);
  const n = layer(desc, 1, L_IN);
  const m = layer(desc, 1, L_OUT);
  const B = word(desc, D_BATCH);
  const u0 = <i32>((<i64>m * tid) / threads);
  const u1 = <i32>((<i64>m * (tid + 1)) / threads);
  if (u0 >= u1) return;
  const dW = <usize>layer(desc, 1, L_DW);
  const first = row(dW, u0, n);
  const count = (u1 - u0) * n;
  if (parts & UNITS_GRADIENTS) {
    gemmXN(true, layer(desc, 1, L_G), m, X, n, dW, n, u0, u1, n, B, false, scratch); // Uᵀ X
    // ae-one-term forgets the decoder's term Zᵀ V.
    if (!(word(desc, D_MISTAKES) & MISTAKE_AE_ONE_TERM)) gemmXN(true, layer(desc, 1, L_V), m, layer(desc, 1, L_Y), n, dW, n, u0, u1, n, B, true, scratch);
    const scale = real(desc, D_SCALE);
    for (let i = 0; i < count; i++) store<f32>(first + (<usize>i << 2), load<f32>(first + (<usize>i << 2)) * scale);
  }
  if (parts & UNITS_UPDATE) update(desc, row(layer(desc, 1, L_W), u0, n), first, row(layer(desc, 1, L_MW), u0, n), row(layer(desc, 1, L_VW), u0, n), count, c1, c2);
}

/**
 * p ← p − lr·step(g) for `count` elements, g = grad + λp + λ₁ sign(p) (src/reference/optimizer.ts):
 * SGD, momentum (optionally Nesterov), Adam with bias corrections c1 = 1 − β1^t, c2 = 1 − β2^t.
 */
function update(desc: usize, p: usize, grad: usize, m: usize, v: usize, count: i32, c1: f32, c2: f32): void {
  const kind = word(desc, D_OPT_KIND);
  const lr = real(desc, D_LR);
  const mu = real(desc, D_MU);
  const nesterov = word(desc, D_NESTEROV) != 0;
  const beta1 = real(desc, D_BETA1);
  const beta2 = real(desc, D_BETA2);
  const eps = real(desc, D_EPS);
  const wd = real(desc, D_WEIGHT_DECAY);
  const l1 = real(desc, D_L1);
  // Four at a time, with the scalar loop's operations in its order (no fused multiply-add), so the
  // lanes and the tail round alike.
  const count4 = count & ~3;
  const zero = f32x4.splat(0), one = f32x4.splat(1), minusOne = f32x4.splat(-1);
  const lr4 = f32x4.splat(lr), mu4 = f32x4.splat(mu), wd4 = f32x4.splat(wd), l14 = f32x4.splat(l1);
  const b14 = f32x4.splat(beta1), b24 = f32x4.splat(beta2), nb14 = f32x4.splat(1 - beta1), nb24 = f32x4.splat(1 - beta2);
  const c14 = f32x4.splat(c1), c24 = f32x4.splat(c2), eps4 = f32x4.splat(eps);
  for (let i = 0; i < count4; i += 4) {
    const o = <usize>i << 2;
    const w = v128.load(p + o);
    const sign = v128.or(v128.and(f32x4.gt(w, zero), one), v128.and(f32x4.lt(w, zero), minusOne));
    const g = f32x4.add(f32x4.add(v128.load(grad + o), f32x4.mul(wd4, w)), f32x4.mul(l14, sign));
    if (kind == 0) {
      v128.store(p + o, f32x4.sub(w, f32x4.mul(lr4, g)));
    } else if (kind == 1) {
      const mi = f32x4.add(f32x4.mul(mu4, v128.load(m + o)), g);
      v128.store(m + o, mi);
      v128.store(p + o, f32x4.sub(w, f32x4.mul(lr4, nesterov ? f32x4.add(g, f32x4.mul(mu4, mi)) : mi)));
    } else {
      const mi = f32x4.add(f32x4.mul(b14, v128.load(m + o)), f32x4.mul(nb14, g));
      const vi = f32x4.add(f32x4.mul(b24, v128.load(v + o)), f32x4.mul(f32x4.mul(nb24, g), g));
      v128.store(m + o, mi);
      v128.store(v + o, vi);
      v128.store(p + o, f32x4.sub(w, f32x4.div(f32x4.mul(lr4, f32x4.div(mi, c14)), f32x4.add(f32x4.sqrt(f32x4.div(vi, c24)), eps4))));
    }
  }
  for (let i = count4; i < count; i++) {
    const o = <usize>i << 2;
    const w = load<f32>(p + o);
    const sign: f32 = w > 0 ? 1 : w < 0 ? -1 : 0;
    const g = load<f32>(grad + o) + wd * w + l1 * sign;
    if (kind == 0) {
      store<f32>(p + o, w - lr * g);
    } else if (kind == 1) {
      const mi = mu * load<f32>(m + o) + g;
      store<f32>(m + o, mi);
      store<f32>(p + o, w - lr * (nesterov ? g + mu * mi : mi));
    } else {
      const mi = beta1 * load<f32>(m + o) + (1 - beta1) * g;
      const vi = beta2 * load<f32>(v + o) + (1 - beta2) * g * g;
      store<f32>(m + o, mi);
      store<f32>(v + o, vi);
      store<f32>(p + o, w - (lr * (mi / c1)) / (Mathf.sqrt(vi / c2) + eps));
    }
  }
}
