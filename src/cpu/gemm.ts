// Float32 matrix products for the CPU timing engine: cache-blocked loops over row-major
// Float32Arrays, four output rows at a time so each loaded value of the shared operand is used four
// times. gemmNT and gemmTN sum in float64 (JavaScript numbers, a Float64Array) and round once,
// when stored; gemmNN accumulates in the float32 output, rounding at every step of k.

/** Columns of B (rows of the C tile) kept hot in cache while every row block of A streams past. */
const COL_BLOCK = 128;
/** Output rows computed together (register blocking). */
const ROWS = 4;

/** C[M,N] = A[M,K] · B[N,K]ᵀ: rows of A dotted with rows of B (both contiguous in k). */
export function gemmNT(A: Float32Array, B: Float32Array, C: Float32Array, M: number, N: number, K: number): void {
  for (let j0 = 0; j0 < N; j0 += COL_BLOCK) {
    const j1 = Math.min(N, j0 + COL_BLOCK);
    let i = 0;
    for (; i + ROWS <= M; i += ROWS) {
      const a0 = i * K;
      const a1 = a0 + K;
      const a2 = a1 + K;
      const a3 = a2 + K;
      for (let j = j0; j < j1; j++) {
        const b = j * K;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let k = 0; k < K; k++) {
          const bk = B[b + k]!;
          s0 += A[a0 + k]! * bk;
          s1 += A[a1 + k]! * bk;
          s2 += A[a2 + k]! * bk;
          s3 += A[a3 + k]! * bk;
        }
        C[i * N + j] = s0;
        C[(i + 1) * N + j] = s1;
        C[(i + 2) * N + j] = s2;
        C[(i + 3) * N + j] = s3;
      }
    }
    for (; i < M; i++) {
      const a = i * K;
      for (let j = j0; j < j1; j++) {
        const b = j * K;
        let s = 0;
        for (let k = 0; k < K; k++) s += A[a + k]! * B[b + k]!;
        C[i * N + j] = s;
      }
    }
  }
}

/** C[M,N] = A[M,K] · B[K,N], i-k-j order: row i of C accumulates a[i,k] times row k of B. */
export function gemmNN(A: Float32Array, B: Float32Array, C: Float32Array, M: number, N: number, K: number): void {
  C.fill(0, 0, M * N);
  for (let j0 = 0; j0 < N; j0 += COL_BLOCK) {
    const j1 = Math.min(N, j0 + COL_BLOCK);
    for (let i = 0; i < M; i++) {
      const c = i * N;
      for (let k = 0; k < K; k++) {
        const a = A[i * K + k]!;
        const b = k * N;
        for (let j = j0; j < j1; j++) C[c + j] = C[c + j]! + a * B[b + j]!;
      }
    }
  }
}

/**
 * C[M,N] = A[K,M]ᵀ · B[K,N], k-i-j order over a block of columns: for each k, four rows of C take
 * a[k,i..i+3] times row k of B. The batch's outer products, without a transposed copy.
 */
export function gemmTN(A: Float32Array, B: Float32Array, C: Float32Array, M: number, N: number, K: number): void {
  C.fill(0, 0, M * N);
  const acc = new Float64Array(ROWS * COL_BLOCK);
  for (let j0 = 0; j0 < N; j0 += COL_BLOCK) {
    const w = Math.min(N, j0 + COL_BLOCK) - j0;
    for (let i = 0; i < M; i += ROWS) {
      const rows = Math.min(ROWS, M - i);
      acc.fill(0);
      for (let k = 0; k < K; k++) {
        const b = k * N + j0;
        const ak = k * M + i;
        const x0 = A[ak]!;
        const x1 = rows > 1 ? A[ak + 1]! : 0;
        const x2 = rows > 2 ? A[ak + 2]! : 0;
        const x3 = rows > 3 ? A[ak + 3]! : 0;
        for (let j = 0; j < w; j++) {
          const bj = B[b + j]!;
          acc[j] = acc[j]! + x0 * bj;
          acc[COL_BLOCK + j] = acc[COL_BLOCK + j]! + x1 * bj;
          acc[2 * COL_BLOCK + j] = acc[2 * COL_BLOCK + j]! + x2 * bj;
          acc[3 * COL_BLOCK + j] = acc[3 * COL_BLOCK + j]! + x3 * bj;
        }
      }
      for (let r = 0; r < rows; r++) {
        const c = (i + r) * N + j0;
        for (let j = 0; j < w; j++) C[c + j] = acc[r * COL_BLOCK + j]!;
      }
    }
  }
}
