// Tiled, register-blocked matmul: C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] (+ beta · C), then an
// epilogue. Transposed operands are read through indexing, never copied. Each 16×16 workgroup
// computes a 64×64 tile of C, each thread a 4×4 block, staging 64×16 slices of A and B in
// workgroup memory.

const WG: u32 = 16u;        // threads per side of the workgroup
const TM: u32 = 4u;         // outputs per thread per side
const TILE: u32 = 64u;      // WG * TM: the C tile one workgroup computes per side
const TK: u32 = 16u;        // depth of the K slice staged in workgroup memory

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
      let idx = m * dims.N + n;
      var r = dims.alpha * acc[i][j];
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
  }
}
