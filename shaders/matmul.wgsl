// Register-blocked matmul: C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] (+ beta · C), then an
// epilogue. Transposed operands are read through indexing, never copied. Two entry points:
// `main`, tiled: each 16×16 workgroup computes a 64×64 tile of C, each thread a 4×4 block, staging
// 64×16 slices of A and B in workgroup memory (the path for large shapes);
// `mainSmall`: no workgroup memory and no barriers, each thread of an 8×8 workgroup computes an 8×4
// block straight from storage, for shapes too small to fill a GPU with 64×64 tiles, and for CPU
// implementations of WebGPU (SwiftShader), where a barrier across 256 invocations is expensive.

const WG: u32 = 16u;        // threads per side of the workgroup
const TM: u32 = 4u;         // outputs per thread per side
const TILE: u32 = 64u;      // WG * TM: the C tile one workgroup computes per side
const TK: u32 = 16u;        // depth of the K slice staged in workgroup memory
const SWG: u32 = 8u;        // mainSmall: threads per side of the workgroup
const SROWS: u32 = 8u;      // mainSmall: rows of C per thread (written out by hand below)
const SCOLS: u32 = 4u;      // mainSmall: columns of C per thread (one vec4)
const STILE_M: u32 = 64u;   // SWG * SROWS: rows of the C tile of one mainSmall workgroup
const STILE_N: u32 = 32u;   // SWG * SCOLS: its columns

override TRANS_A: bool = false;      // A is stored [K, M]
override TRANS_B: bool = false;      // B is stored [N, K]
// 0: C = r   1: C = r + aux[n] (bias)   2: C2 = r + aux[n], C = swish(C2)
// 3: C = r ⊙ swish'(aux)   4: C = r − aux   where r = alpha·acc (+ beta·C)
override EPILOGUE: u32 = 0u;
override WRONG_SWISH_PRIME: bool = false;  // MATH.md's known trap, for the teaching experiment

struct Dims { M: u32, N: u32, K: u32, alpha: f32, beta: f32 }

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read> aux: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<storage, read_write> C2: array<f32>;
@group(0) @binding(5) var<uniform> dims: Dims;

var<workgroup> tileA: array<f32, TK * TILE>;  // [TK][TILE]: op(A) slice, k-major
var<workgroup> tileB: array<f32, TK * TILE>;  // [TK][TILE]: op(B) slice, k-major

fn sigmoid(v: f32) -> f32 {
  // exp of a non-positive number never overflows, so no NaN for large |v|.
  let e = exp(-abs(v));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), v >= 0.0);
}

fn swishPrime(v: f32) -> f32 {
  let s = sigmoid(v);
  if (WRONG_SWISH_PRIME) { return s * (2.0 - s); }
  return s * (1.0 + v * (1.0 - s));
}

fn loadA(m: u32, k: u32) -> f32 {
  if (m >= dims.M || k >= dims.K) { return 0.0; }
  if (TRANS_A) { return A[k * dims.M + m]; }
  return A[m * dims.K + k];
}

fn loadB(k: u32, n: u32) -> f32 {
  if (k >= dims.K || n >= dims.N) { return 0.0; }
  if (TRANS_B) { return B[n * dims.K + k]; }
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
      if (TRANS_A) { m = e % TILE; ka = e / TILE; } else { ka = e % TK; m = e / TK; }
      tileA[ka * TILE + m] = loadA(row0 + m, k0 + ka);
      var n: u32; var kb: u32;
      if (TRANS_B) { kb = e % TK; n = e / TK; } else { n = e % TILE; kb = e / TILE; }
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
  switch EPILOGUE {
    case 1u: { C[idx] = r + aux[n]; }
    case 2u: {
      let v = r + aux[n];
      C2[idx] = v;
      C[idx] = v * sigmoid(v);
    }
    case 3u: { C[idx] = r * swishPrime(aux[idx]); }
    case 4u: { C[idx] = r - aux[idx]; }
    default: { C[idx] = r; }
  }
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
  // Element (m, k) of op(A) is A[m·sa + k·ka]; element (k, n) of op(B) is B[k·kb + n·sb].
  var sa = dims.K; var ka = 1u;
  if (TRANS_A) { sa = 1u; ka = dims.M; }
  var sb = 1u; var kb = dims.N;
  if (TRANS_B) { sb = dims.K; kb = 1u; }
  let iaLo = mLo * sa;
  let iaHi = mHi * sa;
  let ib = n * sb;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  var acc4 = vec4f(0.0);
  var acc5 = vec4f(0.0);
  var acc6 = vec4f(0.0);
  var acc7 = vec4f(0.0);
  for (var k = 0u; k < dims.K; k++) {
    let oa = k * ka;
    let ob = k * kb;
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
  storeRow(m0, n0, acc0);
  storeRow(m0 + 1u, n0, acc1);
  storeRow(m0 + 2u, n0, acc2);
  storeRow(m0 + 3u, n0, acc3);
  storeRow(m0 + 4u, n0, acc4);
  storeRow(m0 + 5u, n0, acc5);
  storeRow(m0 + 6u, n0, acc6);
  storeRow(m0 + 7u, n0, acc7);
}

/** Stores the in-bounds part of four neighbouring elements of one row of C. */
fn storeRow(m: u32, n0: u32, acc: vec4f) {
  if (m >= dims.M) { return; }
  store(m, n0, acc.x);
  if (n0 + 1u < dims.N) { store(m, n0 + 1u, acc.y); }
  if (n0 + 2u < dims.N) { store(m, n0 + 2u, acc.z); }
  if (n0 + 3u < dims.N) { store(m, n0 + 3u, acc.w); }
}
