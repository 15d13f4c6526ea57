// The three matrix products of a step on float32, row-major, for the output rows [m0, m1) so that
// threads can share one product by rows. Every output element is summed in the same order whatever
// the row range and the blocking (lane-wise partial sums in k, then a fixed reduction, then the tail),
// which is what keeps one thread and N threads bit-identical. Blocking is by panels of output
// columns sized to stay in the core's cache while every row of the range passes over them, and by
// small register blocks within. Operands read with a stride are first copied into the thread's
// scratch in the order the loops read them. The dot products never split k; the dW products split
// it into blocks whose sums are stored in C and loaded back, so neither changes a sum.
import { hsum, madd } from './simd';

// @ts-ignore: decorator
@inline function at(base: usize, row: i32, ld: i32, col: i32): usize {
  return base + ((<usize>row * <usize>ld + <usize>col) << 2);
}

/** Σ_k a[k] b[k] from lane sums `acc` over k < K4, plus the scalar tail K4 ≤ k < K. */
// @ts-ignore: decorator
@inline function finish(acc: v128, a: usize, b: usize, K4: i32, K: i32): f32 {
  let s = hsum(acc);
  for (let k = K4; k < K; k++) s += load<f32>(a + (<usize>k << 2)) * load<f32>(b + (<usize>k << 2));
  return s;
}

/** Bytes of B that a panel of output columns may read: about a quarter of a 2 MB L2, which both ends of the x86 range have. */
const PANEL_BYTES = 512 * 1024;

/** Rows (k's) per packed block of 8 columns: 16 KB, which stays in L1 while the rows of C pass over it. */
const KC = 512;

/** Columns per panel when each column reads `K` floats of B, a multiple of `unit` (the register block's width). */
// @ts-ignore: decorator
@inline function panelColumns(K: i32, unit: i32): i32 {
  const n = (PANEL_BYTES / (max(K, 1) << 2)) & ~(unit - 1);
  return max(n, unit);
}

/**
 * C[i, j] = Σ_k A[i, k] B[j, k] (C = A Bᵀ) for i in [m0, m1), j < N: the forward products. Each
 * panel's rows of B are first interleaved by fours (packQuads) into the calling thread's `scratch`
 * (scratchBytes bytes), so that the inner loop reads them from one pointer; the sums are the same.
 */
export function gemmNT(A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, m0: i32, m1: i32, N: i32, K: i32, scratch: usize): void {
  // Panels of B's rows (C's columns) that stay in L2 while every row of A passes over them.
  const panel = panelColumns(K, 4);
  for (let j0 = 0; j0 < N; j0 += panel) {
    const j1 = min(N, j0 + panel);
    const j4 = j0 + ((j1 - j0) & ~3);
    // The copy fits the scratch's PANEL_BYTES unless K alone is wider (over 32 Ki floats).
    const quads = <i64>(j4 - j0) * <i64>K <= PANEL_BYTES / 4 ? scratch : 0;
    if (quads != 0) packQuads(B, ldb, j0, j4, K, quads);
    panelNT(A, lda, B, ldb, C, ldc, m0, m1, j0, j1, K, quads);
  }
}

/**
 * Rows [j0, j4) of B (j4 − j0 a multiple of 4) by fours, each four as its K/4 steps of four k's: at
 * each step the four rows' vectors one after the other (64 bytes). The k's past K & ~3 are left out.
 */
// @ts-ignore: decorator
@inline function packQuads(B: usize, ldb: i32, j0: i32, j4: i32, K: i32, out: usize): void {
  const K4 = K & ~3;
  for (let j = j0; j < j4; j += 4) {
    const b0 = at(B, j, ldb, 0);
    const b1 = at(B, j + 1, ldb, 0);
    const b2 = at(B, j + 2, ldb, 0);
    const b3 = at(B, j + 3, ldb, 0);
    for (let k = 0; k < K4; k += 4) {
      const o = <usize>k << 2;
      v128.store(out, v128.load(b0 + o));
      v128.store(out, v128.load(b1 + o), 16);
      v128.store(out, v128.load(b2 + o), 32);
      v128.store(out, v128.load(b3 + o), 48);
      out += 64;
    }
  }
}

/**
 * gemmNT for the columns [j0, j1): rows in pairs, columns in fours (from `quads`, packQuads' copy of
 * this panel, where not 0), then the rest one by one.
 */
// @ts-ignore: decorator
@inline function panelNT(A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, m0: i32, m1: i32, j0: i32, N: i32, K: i32, quads: usize): void {
  const K4 = K & ~3;
  const quadBytes = <usize>K4 << 4;
  let i = m0;
  for (; i + 2 <= m1; i += 2) {
    const a0 = at(A, i, lda, 0);
    const a1 = at(A, i + 1, lda, 0);
    let j = j0;
    for (; j + 4 <= N; j += 4) {
      const b0 = at(B, j, ldb, 0);
      const b1 = at(B, j + 1, ldb, 0);
      const b2 = at(B, j + 2, ldb, 0);
      const b3 = at(B, j + 3, ldb, 0);
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
      if (quads != 0) {
        let q = quads + <usize>((j - j0) >> 2) * quadBytes;
        for (let k = 0; k < K4; k += 4) {
          const o = <usize>k << 2;
          const x0 = v128.load(a0 + o);
          const x1 = v128.load(a1 + o);
          const y0 = v128.load(q);
          const y1 = v128.load(q, 16);
          const y2 = v128.load(q, 32);
          const y3 = v128.load(q, 48);
          s00 = madd(x0, y0, s00); s01 = madd(x0, y1, s01); s02 = madd(x0, y2, s02); s03 = madd(x0, y3, s03);
          s10 = madd(x1, y0, s10); s11 = madd(x1, y1, s11); s12 = madd(x1, y2, s12); s13 = madd(x1, y3, s13);
          q += 64;
        }
      } else {
        for (let k = 0; k < K4; k += 4) {
          const o = <usize>k << 2;
          const x0 = v128.load(a0 + o);
          const x1 = v128.load(a1 + o);
          const y0 = v128.load(b0 + o);
          const y1 = v128.load(b1 + o);
          const y2 = v128.load(b2 + o);
          const y3 = v128.load(b3 + o);
          s00 = madd(x0, y0, s00); s01 = madd(x0, y1, s01); s02 = madd(x0, y2, s02); s03 = madd(x0, y3, s03);
          s10 = madd(x1, y0, s10); s11 = madd(x1, y1, s11); s12 = madd(x1, y2, s12); s13 = madd(x1, y3, s13);
        }
      }
      const c0 = at(C, i, ldc, j);
      const c1 = at(C, i + 1, ldc, j);
      store<f32>(c0, finish(s00, a0, b0, K4, K)); store<f32>(c0 + 4, finish(s01, a0, b1, K4, K));
      store<f32>(c0 + 8, finish(s02, a0, b2, K4, K)); store<f32>(c0 + 12, finish(s03, a0, b3, K4, K));
      store<f32>(c1, finish(s10, a1, b0, K4, K)); store<f32>(c1 + 4, finish(s11, a1, b1, K4, K));
      store<f32>(c1 + 8, finish(s12, a1, b2, K4, K)); store<f32>(c1 + 12, finish(s13, a1, b3, K4, K));
    }
    for (; j < N; j++) {
      const b0 = at(B, j, ldb, 0);
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) {
        const o = <usize>k << 2;
        const y = v128.load(b0 + o);
        s0 = madd(v128.load(a0 + o), y, s0);
        s1 = madd(v128.load(a1 + o), y, s1);
      }
      store<f32>(at(C, i, ldc, j), finish(s0, a0, b0, K4, K));
      store<f32>(at(C, i + 1, ldc, j), finish(s1, a1, b0, K4, K));
    }
  }
  for (; i < m1; i++) {
    const a0 = at(A, i, lda, 0);
    for (let j = j0; j < N; j++) {
      const b0 = at(B, j, ldb, 0);
      let s0 = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) s0 = madd(v128.load(a0 + (<usize>k << 2)), v128.load(b0 + (<usize>k << 2)), s0);
      store<f32>(at(C, i, ldc, j), finish(s0, a0, b0, K4, K));
    }
  }
}

/**
 * Bytes of a thread's scratch: for gemmXN with transA, `K` rows and at most `units` rows of C (the
 * thread's share of a layer's units), its strips of A' and one packed block of B; for gemmNT, a
 * panel of B's rows.
 */
export function scratchBytes(K: i32, units: i32): i32 {
  return max(((units + 3) & ~3) * K * 4 + KC * 32, PANEL_BYTES) + 64;
}

/**
 * C[m, j] = Σ_k A'[m, k] B[k, j] for m in [m0, m1), j < N, where A' is A (transA = false: A[m, k]) or
 * Aᵀ (transA = true: A[k, m]). With `accumulate` the sums start from C instead of 0.
 * transA = false is G_{l−1} = G_l W_l; transA = true is dW_l = G_lᵀ Y_{l−1}, which takes the
 * calling thread's `scratch` (scratchBytes(K, m1 − m0) bytes; unused without transA).
 */
export function gemmXN(transA: bool, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, m0: i32, m1: i32, N: i32, K: i32, accumulate: bool, scratch: usize): void {
  if (transA) {
    packedTN(A, lda, B, ldb, C, ldc, m0, m1, N, K, accumulate, scratch);
    return;
  }
  // Panels of B's columns (K rows by `panel` columns) that stay in L2 while every row of C passes over them.
  const panel = panelColumns(K, 8);
  for (let j0 = 0; j0 < N; j0 += panel) {
    const j1 = min(N, j0 + panel);
    let m = m0;
    for (; m + 4 <= m1; m += 4) rowsXN(4, at(A, m, lda, 0), <usize>lda, 1, B, ldb, at(C, m, ldc, 0), ldc, j0, j1, K, accumulate);
    for (; m < m1; m++) rowsXN(1, at(A, m, lda, 0), <usize>lda, 1, B, ldb, at(C, m, ldc, 0), ldc, j0, j1, K, accumulate);
  }
}

/**
 * gemmXN with transA from packed copies: A' is read down columns of A and B down its rows, a whole
 * row apart at each k, so A' is copied once into strips of four of its rows, and B a block of 8
 * columns by KC rows at a time, which stays in L1 while every strip passes over it. Each sum still
 * runs over k in order from 0 (a block of k ends with its sums stored in C, the next one loads them
 * back: float32 both ways), as in rowsXN, which takes the columns and rows left over.
 */
function packedTN(A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, m0: i32, m1: i32, N: i32, K: i32, accumulate: bool, scratch: usize): void {
  const m4 = m0 + ((m1 - m0) & ~3);
  const N8 = N & ~7;
  const stripBytes = <usize>K << 4;
  const block = scratch;
  const strips = scratch + (<usize>KC << 5);
  const rowC = <usize>ldc << 2;
  packStrips(A, lda, m0, m4, K, strips);
  // With no strip (fewer than four rows), no block of B is worth copying.
  for (let k0 = 0; m4 > m0 && k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const sumsInC = accumulate || k0 > 0;
    for (let j = 0; j < N8; j += 8) {
      packBlock(B, ldb, j, k0, kc, block);
      let strip = strips + (<usize>k0 << 4);
      for (let m = m0; m < m4; m += 4) {
        block8(4, strip, 4, 16, block, 32, at(C, m, ldc, j), rowC, kc, sumsInC);
        strip += stripBytes;
      }
    }
  }
  for (let m = m0; m < m4; m += 4) rowsXN(4, A + (<usize>m << 2), 1, <usize>lda, B, ldb, at(C, m, ldc, 0), ldc, N8, N, K, accumulate);
  for (let m = m4; m < m1; m++) rowsXN(1, A + (<usize>m << 2), 1, <usize>lda, B, ldb, at(C, m, ldc, 0), ldc, 0, N, K, accumulate);
}

/** B's columns j … j + 7 over rows [k0, k0 + kc) as kc runs of 8 floats. */
// @ts-ignore: decorator
@inline function packBlock(B: usize, ldb: i32, j: i32, k0: i32, kc: i32, out: usize): void {
  let from = at(B, k0, ldb, j);
  const rowB = <usize>ldb << 2;
  for (let k = 0; k < kc; k++) {
    v128.store(out, v128.load(from));
    v128.store(out, v128.load(from, 16), 16);
    from += rowB;
    out += 32;
  }
}

/**
 * Columns [m0, m4) of A (rows k < K, `lda` apart; m4 − m0 a multiple of 4) as strips of four
 * columns, each K runs of 4 floats (A'[m … m + 3, k]), `K`·16 bytes apart; read a row of A at a time.
 */
// @ts-ignore: decorator
@inline function packStrips(A: usize, lda: i32, m0: i32, m4: i32, K: i32, out: usize): void {
  const stripBytes = <usize>K << 4;
  for (let k = 0; k < K; k++) {
    let from = at(A, k, lda, m0);
    let to = out + (<usize>k << 4);
    for (let m = m0; m < m4; m += 4) {
      v128.store(to, v128.load(from));
      from += 16;
      to += stripBytes;
    }
  }
}

/**
 * One block of C, `rows` (4 or 1) rows by 8 columns at c, `rowC` bytes apart: Σ_k A'[r, k] B[k, j … j + 7],
 * A'[r, k] at a + r·rowA + k·stepA and B's 8 columns of row k at b + k·stepB (strided or packed alike).
 */
// @ts-ignore: decorator
@inline function block8(rows: i32, a: usize, rowA: usize, stepA: usize, b: usize, stepB: usize, c: usize, rowC: usize, K: i32, accumulate: bool): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  if (accumulate) {
    s00 = v128.load(c); s01 = v128.load(c + 16);
    if (rows == 4) {
      s10 = v128.load(c + rowC); s11 = v128.load(c + rowC + 16);
      s20 = v128.load(c + 2 * rowC); s21 = v128.load(c + 2 * rowC + 16);
      s30 = v128.load(c + 3 * rowC); s31 = v128.load(c + 3 * rowC + 16);
    }
  }
  for (let k = 0; k < K; k++) {
    const y0 = v128.load(b);
    const y1 = v128.load(b + 16);
    const x0 = v128.load32_splat(a);
    s00 = madd(x0, y0, s00); s01 = madd(x0, y1, s01);
    if (rows == 4) {
      const x1 = v128.load32_splat(a + rowA);
      const x2 = v128.load32_splat(a + 2 * rowA);
      const x3 = v128.load32_splat(a + 3 * rowA);
      s10 = madd(x1, y0, s10); s11 = madd(x1, y1, s11);
      s20 = madd(x2, y0, s20); s21 = madd(x2, y1, s21);
      s30 = madd(x3, y0, s30); s31 = madd(x3, y1, s31);
    }
    a += stepA;
    b += stepB;
  }
  v128.store(c, s00); v128.store(c + 16, s01);
  if (rows == 4) {
    v128.store(c + rowC, s10); v128.store(c + rowC + 16, s11);
    v128.store(c + 2 * rowC, s20); v128.store(c + 2 * rowC + 16, s21);
    v128.store(c + 3 * rowC, s30); v128.store(c + 3 * rowC + 16, s31);
  }
}

/** `rows` (4 or 1) rows of the product above over the columns [j0, N), in blocks of 8, then 4, then one by one. */
// @ts-ignore: decorator
@inline function rowsXN(rows: i32, A: usize, sm: usize, sk: usize, B: usize, ldb: i32, C: usize, ldc: i32, j0: i32, N: i32, K: i32, accumulate: bool): void {
  const rowC = <usize>ldc << 2;
  const rowA = sm << 2;
  const stepA = sk << 2;
  const stepB = <usize>ldb << 2;
  let j = j0;
  for (; j + 8 <= N; j += 8) block8(rows, A, rowA, stepA, B + (<usize>j << 2), stepB, C + (<usize>j << 2), rowC, K, accumulate);
  for (; j + 4 <= N; j += 4) {
    for (let r = 0; r < rows; r++) {
      const c = C + <usize>r * rowC + (<usize>j << 2);
      let s = accumulate ? v128.load(c) : f32x4.splat(0);
      let a = A + <usize>r * rowA;
      let b = B + (<usize>j << 2);
      for (let k = 0; k < K; k++) {
        s = madd(v128.load32_splat(a), v128.load(b), s);
        a += stepA;
        b += stepB;
      }
      v128.store(c, s);
    }
  }
  for (; j < N; j++) {
    for (let r = 0; r < rows; r++) {
      const c = C + <usize>r * rowC + (<usize>j << 2);
      let s: f32 = accumulate ? load<f32>(c) : 0;
      let a = A + <usize>r * rowA;
      let b = B + (<usize>j << 2);
      for (let k = 0; k < K; k++) {
        s += load<f32>(a) * load<f32>(b);
        a += stepA;
        b += stepB;
      }
      store<f32>(c, s);
    }
  }
}
