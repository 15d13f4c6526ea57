// Register-blocked matmul: C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] (+ beta · C), then an
// epilogue. Transposed operands are read through indexing, never copied. Five entry points, one
// per shape of problem (src/kernels/matmul.ts picks one, or times them on the device):
// `main`, tiled: each 16×16 workgroup computes a 64×64 tile of C, each thread a 4×4 block, staging
// 64×16 slices of A and B in workgroup memory;
// `mainWide`: the same with a 128×128 tile, 8×8 outputs per thread read as vec4 from workgroup
// memory (twice the arithmetic per load, for large products that still fill the GPU), the next
// slice loaded into registers while the current one is multiplied;
// `mainSmall`: no workgroup memory and no barriers, each thread of an 8×8 workgroup computes an 8×4
// block straight from storage, for shapes too small to fill a GPU with 64×64 tiles;
// `mainBlock`: mainSmall with an 8×8 block per thread (two vec4 of columns), for CPU implementations
// of WebGPU (SwiftShader), where a barrier across 256 invocations is expensive, each load from
// storage costs more than the arithmetic it feeds (a gather across the SIMD lanes) and spilled
// accumulators are cheap: a third fewer loads per multiply-add than mainSmall (16 per 64, not 12
// per 32), about 1.3× faster there (a GPU, short of threads on small shapes, keeps mainSmall);
// `mainSplitK`: 64 threads share the K loop of one 4×4 block and add their sums in workgroup
// memory, for the narrow products (the 10-class layer, its weight gradient, the bias gradients
// 1ᵀ·G) whose long K loop would otherwise run on a handful of threads. The other four add the K
// products in one order (k = 0, 1, …, one fma each), so they give the same bits; split K does not,
// and runs only when asked for by name (see src/kernels/matmul.ts).
// The relations between the constants below are checked in src/kernels/matmul.ts.

const WG: u32 = 16u;        // threads per side of the workgroup
const TM: u32 = 4u;         // outputs per thread per side
const TILE: u32 = 64u;      // WG * TM: the C tile one workgroup computes per side
const TK: u32 = 16u;        // depth of the K slice staged in workgroup memory
const SWG: u32 = 8u;        // mainSmall: threads per side of the workgroup
const SROWS: u32 = 8u;      // mainSmall: rows of C per thread (written out by hand below)
const SCOLS: u32 = 4u;      // mainSmall: columns of C per thread (one vec4)
const STILE_M: u32 = 64u;   // SWG * SROWS: rows of the C tile of one mainSmall workgroup
const STILE_N: u32 = 32u;   // SWG * SCOLS: its columns
const BCOLS: u32 = 8u;      // mainBlock: columns of C per thread (two vec4), with SROWS rows
const BTILE: u32 = 64u;     // SWG * SROWS = SWG * BCOLS: the C tile of one mainBlock workgroup per side
const WTILE: u32 = 128u;    // mainWide: the C tile per side (16 threads × 8 outputs)
const WTK: u32 = 8u;        // mainWide: depth of the staged K slice
const WVEC: u32 = 32u;      // mainWide: WTILE / 4, vec4s across a slice
const WROW: u32 = 33u;      // mainWide: WVEC + 1, a slice row padded against bank conflicts
const WHALF: u32 = 64u;     // mainWide: WTILE / 2, where a thread's second rows and columns start
const KLANES: u32 = 64u;    // mainSplitK: threads sharing one K loop
const KTILE: u32 = 4u;      // mainSplitK: rows and columns of its block of C

// The variant: the transposes, the epilogue and its activation. Fixed per pipeline by these
// overrides, or, with VARIANT_FROM_DIMS, read from the uniform block, so that one pipeline serves
// every variant: where compiling is slow (a CPU implementation of WebGPU takes about a second per
// pipeline) one compile replaces five, at the cost of a few branches on uniform values.
override VARIANT_FROM_DIMS: bool = false;
override TRANS_A: bool = false;      // A is stored [K, M]
override TRANS_B: bool = false;      // B is stored [N, K]
// 0: C = r   1: C = r + aux[n] (bias)   2: C2 = r + aux[n], C = f(C2)
// 3: C = r ⊙ f′(aux)   4: C = r − aux   where r = alpha·acc (+ beta·C) and f the activation
override EPILOGUE: u32 = 0u;
// f of epilogues 2 and 3: 0 swish, 1 ReLU, 2 tanh, 3 sigmoid, 4 GELU (tanh form), 5 linear
override ACTIVATION: u32 = 0u;
override WRONG_SWISH_PRIME: bool = false;  // the swish-prime mistake of MATH.md's catalogue (its known trap)

// The variant's fields are read only with VARIANT_FROM_DIMS (src/kernels/matmul.ts writes them always).
struct Dims {
  M: u32, N: u32, K: u32, alpha: f32, beta: f32,
  transA: u32, transB: u32, epilogue: u32, activation: u32, wrongSwishPrime: u32,
}

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read> aux: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<storage, read_write> C2: array<f32>;
@group(0) @binding(5) var<uniform> dims: Dims;

var<workgroup> tileA: array<f32, TK * TILE>;  // [TK][TILE]: op(A) slice, k-major
var<workgroup> tileB: array<f32, TK * TILE>;  // [TK][TILE]: op(B) slice, k-major
var<workgroup> wideA: array<vec4f, WTK * WROW>;  // mainWide: [WTK][WROW], op(A) slice
var<workgroup> wideB: array<vec4f, WTK * WROW>;  // mainWide: [WTK][WROW], op(B) slice
var<workgroup> partial: array<vec4f, KTILE * KLANES>;  // mainSplitK: [KTILE rows][KLANES] partial sums

fn transA() -> bool {
  if (VARIANT_FROM_DIMS) { return dims.transA != 0u; }
  return TRANS_A;
}

fn transB() -> bool {
  if (VARIANT_FROM_DIMS) { return dims.transB != 0u; }
  return TRANS_B;
}

fn epilogue() -> u32 {
  if (VARIANT_FROM_DIMS) { return dims.epilogue; }
  return EPILOGUE;
}

fn activation() -> u32 {
  if (VARIANT_FROM_DIMS) { return dims.activation; }
  return ACTIVATION;
}

fn wrongSwishPrime() -> bool {
  if (VARIANT_FROM_DIMS) { return dims.wrongSwishPrime != 0u; }
  return WRONG_SWISH_PRIME;
}

fn sigmoid(v: f32) -> f32 {
  // exp of a non-positive number never overflows, so no NaN for large |v|.
  let e = exp(-abs(v));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), v >= 0.0);
}

fn swishPrime(v: f32) -> f32 {
  let s = sigmoid(v);
  if (wrongSwishPrime()) { return s * (2.0 - s); }
  return s * (1.0 + v * (1.0 - s));
}

// tanh from exp(−2|v|): never inf/inf for large |v|, whatever the built-in does there; near 0, where
// 1 − e cancels, its series.
fn safeTanh(v: f32) -> f32 {
  let a = abs(v);
  if (a < 0.0625) { let v2 = v * v; return v * (1.0 - v2 * (1.0 / 3.0 - v2 * (2.0 / 15.0))); }
  let e = exp(-2.0 * a);
  return sign(v) * ((1.0 - e) / (1.0 + e));
}

// Past this |v| GELU is ReLU to f32 precision, and v³ would overflow on the way.
const GELU_LINEAR: f32 = 10.0;

const GELU_C: f32 = 0.7978845608028654;  // √(2/π)
const GELU_A: f32 = 0.044715;

fn activate(v: f32) -> f32 {
  switch activation() {
    case 1u: { return max(v, 0.0); }
    case 2u: { return safeTanh(v); }
    case 3u: { return sigmoid(v); }
    case 4u: {
      if (abs(v) > GELU_LINEAR) { return max(v, 0.0); }
      return 0.5 * v * (1.0 + safeTanh(GELU_C * (v + GELU_A * v * v * v)));
    }
    case 5u: { return v; }
    default: { return v * sigmoid(v); }
  }
}

fn activatePrime(v: f32) -> f32 {
  switch activation() {
    case 1u: { return select(0.0, 1.0, v > 0.0); }
    case 2u: { let t = safeTanh(v); return 1.0 - t * t; }
    case 3u: { let s = sigmoid(v); return s * (1.0 - s); }
    case 4u: {
      if (abs(v) > GELU_LINEAR) { return select(0.0, 1.0, v > 0.0); }
      let t = safeTanh(GELU_C * (v + GELU_A * v * v * v));
      return 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_A * v * v);
    }
    case 5u: { return 1.0; }
    default: { return swishPrime(v); }
  }
}

fn loadA(m: u32, k: u32) -> f32 {
  if (m >= dims.M || k >= dims.K) { return 0.0; }
  if (transA()) { return A[k * dims.M + m]; }
  return A[m * dims.K + k];
}

fn loadB(k: u32, n: u32) -> f32 {
  if (k >= dims.K || n >= dims.N) { return 0.0; }
  if (transB()) { return B[n * dims.K + k]; }
  return B[k * dims.N + n];
}

@compute @workgroup_size(WG, WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  let tid = lid.y * WG + lid.x;
  var acc: array<array<f32, TM>, TM>;

  for (var k0 = 0u; k0 < dims.K; k0 += TK) {
    // Stage the slices so that neighbouring threads read neighbouring addresses.
    for (var e = tid; e < TK * TILE; e += WG * WG) {
      var m: u32; var ka: u32;
      if (transA()) { m = e % TILE; ka = e / TILE; } else { ka = e % TK; m = e / TK; }
      tileA[ka * TILE + m] = loadA(row0 + m, k0 + ka);
      var n: u32; var kb: u32;
      if (transB()) { kb = e % TK; n = e / TK; } else { n = e % TILE; kb = e / TILE; }
      tileB[kb * TILE + n] = loadB(k0 + kb, col0 + n);
    }
    workgroupBarrier();
    for (var k = 0u; k < TK; k++) {
      var a: array<f32, TM>;
      var b: array<f32, TM>;
      for (var i = 0u; i < TM; i++) {
        a[i] = tileA[k * TILE + lid.y + i * WG];
        b[i] = tileB[k * TILE + lid.x + i * WG];
      }
      for (var i = 0u; i < TM; i++) {
        for (var j = 0u; j < TM; j++) {
          acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
      }
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < TM; i++) {
    let m = row0 + lid.y + i * WG;
    if (m >= dims.M) { continue; }
    for (var j = 0u; j < TM; j++) {
      let n = col0 + lid.x + j * WG;
      if (n >= dims.N) { continue; }
      store(m, n, acc[i][j]);
    }
  }
}

/** Applies alpha, beta and the epilogue to one accumulated element of C and stores it. */
fn store(m: u32, n: u32, acc: f32) {
  let idx = m * dims.N + n;
  var r = dims.alpha * acc;
  if (dims.beta != 0.0) { r += dims.beta * C[idx]; }
  switch epilogue() {
    case 1u: { C[idx] = r + aux[n]; }
    case 2u: {
      let v = r + aux[n];
      C2[idx] = v;
      C[idx] = activate(v);
    }
    case 3u: { C[idx] = r * activatePrime(aux[idx]); }
    case 4u: { C[idx] = r - aux[idx]; }
    default: { C[idx] = r; }
  }
}

/**
 * Strides of the operands as stored: element (m, k) of op(A) is A[m·x + k·y], element (k, n) of
 * op(B) is B[k·w + n·z]. For the paths that read straight from storage.
 */
fn strides() -> vec4u {
  var s = vec4u(dims.K, 1u, 1u, dims.N);
  if (transA()) { s.x = 1u; s.y = dims.M; }
  if (transB()) { s.z = dims.K; s.w = 1u; }
  return s;
}

@compute @workgroup_size(SWG, SWG)
fn mainSmall(@builtin(global_invocation_id) gid: vec3u) {
  let m0 = gid.y * SROWS;
  let n0 = gid.x * SCOLS;
  if (m0 >= dims.M || n0 >= dims.N) { return; }  // no barrier follows, so threads may leave early
  // Rows and columns past the edge are clamped onto the last one: loads need no bounds checks,
  // and their results are never stored. Written out by hand (no private arrays indexed in loops),
  // so that a CPU implementation keeps everything in registers.
  let last = dims.M - 1u;
  let mLo = min(vec4u(m0) + vec4u(0u, 1u, 2u, 3u), vec4u(last));
  let mHi = min(vec4u(m0) + vec4u(4u, 5u, 6u, 7u), vec4u(last));
  let n = min(vec4u(n0) + vec4u(0u, 1u, 2u, 3u), vec4u(dims.N - 1u));
  let st = strides();
  let iaLo = mLo * st.x;
  let iaHi = mHi * st.x;
  let ib = n * st.z;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  var acc4 = vec4f(0.0);
  var acc5 = vec4f(0.0);
  var acc6 = vec4f(0.0);
  var acc7 = vec4f(0.0);
  for (var k = 0u; k < dims.K; k++) {
    let oa = k * st.y;
    let ob = k * st.w;
    let b = vec4f(B[ib.x + ob], B[ib.y + ob], B[ib.z + ob], B[ib.w + ob]);
    acc0 = fma(vec4f(A[iaLo.x + oa]), b, acc0);
    acc1 = fma(vec4f(A[iaLo.y + oa]), b, acc1);
    acc2 = fma(vec4f(A[iaLo.z + oa]), b, acc2);
    acc3 = fma(vec4f(A[iaLo.w + oa]), b, acc3);
    acc4 = fma(vec4f(A[iaHi.x + oa]), b, acc4);
    acc5 = fma(vec4f(A[iaHi.y + oa]), b, acc5);
    acc6 = fma(vec4f(A[iaHi.z + oa]), b, acc6);
    acc7 = fma(vec4f(A[iaHi.w + oa]), b, acc7);
  }
  var c = array<vec4f, 8>(acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7);
  for (var i = 0u; i < 8u; i++) { storeRow(m0 + i, n0, c[i]); }
}

@compute @workgroup_size(SWG, SWG)
fn mainBlock(@builtin(global_invocation_id) gid: vec3u) {
  let m0 = gid.y * SROWS;
  let n0 = gid.x * BCOLS;
  if (m0 >= dims.M || n0 >= dims.N) { return; }
  // As in mainSmall: clamped rows and columns, no bounds checks in the loop, everything by hand.
  let last = dims.M - 1u;
  let mLo = min(vec4u(m0) + vec4u(0u, 1u, 2u, 3u), vec4u(last));
  let mHi = min(vec4u(m0) + vec4u(4u, 5u, 6u, 7u), vec4u(last));
  let nLo = min(vec4u(n0) + vec4u(0u, 1u, 2u, 3u), vec4u(dims.N - 1u));
  let nHi = min(vec4u(n0) + vec4u(4u, 5u, 6u, 7u), vec4u(dims.N - 1u));
  let st = strides();
  let iaLo = mLo * st.x;
  let iaHi = mHi * st.x;
  let ibLo = nLo * st.z;
  let ibHi = nHi * st.z;
  // cR: row R, columns n0…n0+3; dR: row R, columns n0+4…n0+7.
  var c0 = vec4f(0.0); var c1 = vec4f(0.0); var c2 = vec4f(0.0); var c3 = vec4f(0.0);
  var c4 = vec4f(0.0); var c5 = vec4f(0.0); var c6 = vec4f(0.0); var c7 = vec4f(0.0);
  var d0 = vec4f(0.0); var d1 = vec4f(0.0); var d2 = vec4f(0.0); var d3 = vec4f(0.0);
  var d4 = vec4f(0.0); var d5 = vec4f(0.0); var d6 = vec4f(0.0); var d7 = vec4f(0.0);
  for (var k = 0u; k < dims.K; k++) {
    let oa = k * st.y;
    let ob = k * st.w;
    let bLo = vec4f(B[ibLo.x + ob], B[ibLo.y + ob], B[ibLo.z + ob], B[ibLo.w + ob]);
    let bHi = vec4f(B[ibHi.x + ob], B[ibHi.y + ob], B[ibHi.z + ob], B[ibHi.w + ob]);
    var a = vec4f(A[iaLo.x + oa]); c0 = fma(a, bLo, c0); d0 = fma(a, bHi, d0);
    a = vec4f(A[iaLo.y + oa]); c1 = fma(a, bLo, c1); d1 = fma(a, bHi, d1);
    a = vec4f(A[iaLo.z + oa]); c2 = fma(a, bLo, c2); d2 = fma(a, bHi, d2);
    a = vec4f(A[iaLo.w + oa]); c3 = fma(a, bLo, c3); d3 = fma(a, bHi, d3);
    a = vec4f(A[iaHi.x + oa]); c4 = fma(a, bLo, c4); d4 = fma(a, bHi, d4);
    a = vec4f(A[iaHi.y + oa]); c5 = fma(a, bLo, c5); d5 = fma(a, bHi, d5);
    a = vec4f(A[iaHi.z + oa]); c6 = fma(a, bLo, c6); d6 = fma(a, bHi, d6);
    a = vec4f(A[iaHi.w + oa]); c7 = fma(a, bLo, c7); d7 = fma(a, bHi, d7);
  }
  var c = array<vec4f, 16>(c0, d0, c1, d1, c2, d2, c3, d3, c4, d4, c5, d5, c6, d6, c7, d7);
  for (var i = 0u; i < 16u; i++) { storeRow(m0 + i / 2u, n0 + (i % 2u) * 4u, c[i]); }
}

/**
 * Stores the in-bounds part of four neighbouring elements of one row of C. The entry points call it
 * in loops, never written out: each store holds the epilogue (with VARIANT_FROM_DIMS every epilogue
 * and activation), and its 32 or 64 copies took SwiftShader far longer to compile than the rest of
 * the kernel (mainBlock: about 5 times as long), for no gain at run time.
 */
fn storeRow(m: u32, n0: u32, acc: vec4f) {
  if (m >= dims.M) { return; }
  for (var j = 0u; j < 4u; j++) {
    if (n0 + j < dims.N) { store(m, n0 + j, acc[j]); }
  }
}

/** mainWide's share of one K slice of op(A): four rows at one k, as one vec4 (zero past the edges). */
fn wideSliceA(row0: u32, k0: u32, am: u32, ak: u32) -> vec4f {
  let m = row0 + am;
  let k = k0 + ak;
  return vec4f(loadA(m, k), loadA(m + 1u, k), loadA(m + 2u, k), loadA(m + 3u, k));
}

/** mainWide's share of one K slice of op(B): four columns at one k. */
fn wideSliceB(col0: u32, k0: u32, bn: u32, bk: u32) -> vec4f {
  let n = col0 + bn;
  let k = k0 + bk;
  return vec4f(loadB(k, n), loadB(k, n + 1u), loadB(k, n + 2u), loadB(k, n + 3u));
}

@compute @workgroup_size(WG, WG)
fn mainWide(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row0 = wid.y * WTILE;
  let col0 = wid.x * WTILE;
  let t = lid.y * WG + lid.x;
  // Staging: each thread writes one whole vec4 of each slice (a write to one component of a shared
  // vector may touch all four), and neighbouring threads read along whichever index is contiguous
  // in storage. Slice rows are padded to WROW vec4s, so that eight threads writing eight k of one m
  // land in different banks.
  var am: u32; var ak: u32;
  if (transA()) { am = 4u * (t % WVEC); ak = t / WVEC; } else { ak = t % WTK; am = 4u * (t / WTK); }
  var bn: u32; var bk: u32;
  if (transB()) { bk = t % WTK; bn = 4u * (t / WTK); } else { bn = 4u * (t % WVEC); bk = t / WVEC; }
  // Thread (y, x) owns rows 4y…4y+3 (a0) and 64+4y…64+4y+3 (a1) of the tile, and those columns of
  // x (b0, b1). Sixteen accumulators, written out by hand so that no compiler leaves them in memory:
  // cRC is row group R (a0 lanes 0–3, then a1 lanes 0–3), column half C.
  var c00 = vec4f(0.0); var c01 = vec4f(0.0); var c10 = vec4f(0.0); var c11 = vec4f(0.0);
  var c20 = vec4f(0.0); var c21 = vec4f(0.0); var c30 = vec4f(0.0); var c31 = vec4f(0.0);
  var c40 = vec4f(0.0); var c41 = vec4f(0.0); var c50 = vec4f(0.0); var c51 = vec4f(0.0);
  var c60 = vec4f(0.0); var c61 = vec4f(0.0); var c70 = vec4f(0.0); var c71 = vec4f(0.0);
  // The next slice is loaded into registers while the current one is multiplied.
  var nextA = wideSliceA(row0, 0u, am, ak);
  var nextB = wideSliceB(col0, 0u, bn, bk);
  for (var k0 = 0u; k0 < dims.K; k0 += WTK) {
    wideA[ak * WROW + am / 4u] = nextA;
    wideB[bk * WROW + bn / 4u] = nextB;
    workgroupBarrier();
    nextA = wideSliceA(row0, k0 + WTK, am, ak);
    nextB = wideSliceB(col0, k0 + WTK, bn, bk);
    for (var k = 0u; k < WTK; k++) {
      let a0 = wideA[k * WROW + lid.y];
      let a1 = wideA[k * WROW + WG + lid.y];
      let b0 = wideB[k * WROW + lid.x];
      let b1 = wideB[k * WROW + WG + lid.x];
      c00 = fma(vec4f(a0.x), b0, c00); c01 = fma(vec4f(a0.x), b1, c01);
      c10 = fma(vec4f(a0.y), b0, c10); c11 = fma(vec4f(a0.y), b1, c11);
      c20 = fma(vec4f(a0.z), b0, c20); c21 = fma(vec4f(a0.z), b1, c21);
      c30 = fma(vec4f(a0.w), b0, c30); c31 = fma(vec4f(a0.w), b1, c31);
      c40 = fma(vec4f(a1.x), b0, c40); c41 = fma(vec4f(a1.x), b1, c41);
      c50 = fma(vec4f(a1.y), b0, c50); c51 = fma(vec4f(a1.y), b1, c51);
      c60 = fma(vec4f(a1.z), b0, c60); c61 = fma(vec4f(a1.z), b1, c61);
      c70 = fma(vec4f(a1.w), b0, c70); c71 = fma(vec4f(a1.w), b1, c71);
    }
    workgroupBarrier();
  }
  let m0 = row0 + 4u * lid.y;
  let m1 = m0 + WHALF;
  let n0 = col0 + 4u * lid.x;
  let n1 = n0 + WHALF;
  // Entry i: row group r = i / 2 (rows m0 + r for r < 4, then m1 + r − 4), columns n0 (i even) or n1 (i odd).
  var c = array<vec4f, 16>(c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71);
  for (var i = 0u; i < 16u; i++) {
    let r = i / 2u;
    storeRow(select(m1 + r - 4u, m0 + r, r < 4u), select(n1, n0, i % 2u == 0u), c[i]);
  }
}

@compute @workgroup_size(KLANES)
fn mainSplitK(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let m0 = wid.y * KTILE;
  let n0 = wid.x * KTILE;
  // As in mainSmall, rows and columns past the edge are clamped onto the last one and never stored.
  let m = min(vec4u(m0) + vec4u(0u, 1u, 2u, 3u), vec4u(dims.M - 1u));
  let n = min(vec4u(n0) + vec4u(0u, 1u, 2u, 3u), vec4u(dims.N - 1u));
  let st = strides();
  let ia = m * st.x;
  let ib = n * st.z;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  // Lane l takes k = l, l + 64, …: neighbouring lanes read neighbouring k.
  for (var k = lid.x; k < dims.K; k += KLANES) {
    let oa = k * st.y;
    let ob = k * st.w;
    let b = vec4f(B[ib.x + ob], B[ib.y + ob], B[ib.z + ob], B[ib.w + ob]);
    acc0 = fma(vec4f(A[ia.x + oa]), b, acc0);
    acc1 = fma(vec4f(A[ia.y + oa]), b, acc1);
    acc2 = fma(vec4f(A[ia.z + oa]), b, acc2);
    acc3 = fma(vec4f(A[ia.w + oa]), b, acc3);
  }
  partial[lid.x] = acc0;
  partial[KLANES + lid.x] = acc1;
  partial[2u * KLANES + lid.x] = acc2;
  partial[3u * KLANES + lid.x] = acc3;
  // Tree sum over the lanes; the barriers stay in uniform control flow.
  for (var half = KLANES / 2u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (lid.x < half) {
      for (var r = 0u; r < KTILE; r++) {
        partial[r * KLANES + lid.x] += partial[r * KLANES + lid.x + half];
      }
    }
  }
  workgroupBarrier();
  if (lid.x < KTILE) { storeRow(m0 + lid.x, n0, partial[lid.x * KLANES]); }
}
