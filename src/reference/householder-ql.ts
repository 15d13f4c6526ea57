// All eigenpairs of a symmetric matrix in O(n³): Householder reduction to tridiagonal form, then the
// implicit QL algorithm with Wilkinson-type shifts (EISPACK's tred2 and tql2, as in JAMA), in float64.
// Jacobi (pca.ts) is the simpler reference; this one is for n = 784, where Jacobi takes minutes.
import type { SymmetricEigen } from './linalg';
import { assertLength, assertSizes } from './shape';

/** QL needs two or three iterations per eigenvalue; this many means the input is not finite. */
const QL_MAX_ITERATIONS = 60;

/**
 * Eigenvalues (descending) and unit eigenvectors (rows) of the symmetric S [n, n]; S is not modified.
 * `onProgress(done)` is called now and then with the fraction done, in [0, 1].
 */
export function householderQlEigen(S: Float64Array, n: number, onProgress?: (done: number) => void): SymmetricEigen {
  assertSizes({ n });
  assertLength('S', S, n * n);
  // V is kept transposed (Vt[j][k] = V[k][j]) so that the inner loops of both phases run along rows.
  const Vt = Float64Array.from(S); // S is symmetric, so it is its own transpose
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalise(Vt, n, d, e, (done) => onProgress?.(0.6 * done));
  diagonalise(Vt, n, d, e, (done) => onProgress?.(0.6 + 0.4 * done));
  const order = Array.from({ length: n }, (_, j) => j).sort((i, j) => d[j]! - d[i]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((row, j) => {
    values[j] = d[row]!;
    vectors.set(Vt.subarray(row * n, (row + 1) * n), j * n);
  });
  onProgress?.(1);
  return { values, vectors };
}

/**
 * tred2: Householder reflections bring V to tridiagonal form (diagonal d, sub-diagonal e[1..n−1])
 * and leave their product in V, all stored transposed in Vt.
 */
function tridiagonalise(Vt: Float64Array, n: number, d: Float64Array, e: Float64Array, onProgress: (done: number) => void): void {
  // V[a][b] is Vt[b * n + a] throughout.
  for (let j = 0; j < n; j++) d[j] = Vt[j * n + n - 1]!;
  for (let i = n - 1; i > 0; i--) {
    if (i % 32 === 0) onProgress((0.75 * (n - i)) / n);
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = Vt[j * n + i - 1]!;
        Vt[j * n + i] = 0;
        Vt[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // e ← A u over the leading i×i block (its lower triangle, V[k][j] for k ≥ j, is column j of Vt).
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        Vt[i * n + j] = f;
        const col = j * n;
        g = e[j]! + Vt[col + j]! * f;
        for (let k = j + 1; k < i; k++) {
          const v = Vt[col + k]!;
          g += v * d[k]!;
          e[k] = e[k]! + v * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        const col = j * n;
        for (let k = j; k < i; k++) Vt[col + k] = Vt[col + k]! - (f * e[k]! + g * d[k]!);
        d[j] = Vt[col + i - 1]!;
        Vt[col + i] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the reflections into V.
  for (let i = 0; i < n - 1; i++) {
    if (i % 32 === 0) onProgress(0.75 + (0.25 * i) / n);
    Vt[i * n + n - 1] = Vt[i * n + i]!;
    Vt[i * n + i] = 1;
    const h = d[i + 1]!;
    const u = (i + 1) * n; // column i + 1 of V: the Householder vector
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = Vt[u + k]! / h;
      for (let j = 0; j <= i; j++) {
        const col = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += Vt[u + k]! * Vt[col + k]!;
        for (let k = 0; k <= i; k++) Vt[col + k] = Vt[col + k]! - g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) Vt[u + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = Vt[j * n + n - 1]!;
    Vt[j * n + n - 1] = 0;
  }
  Vt[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/**
 * tql2: implicit QL iterations on the tridiagonal (d, e) until e vanishes; d becomes the eigenvalues
 * (unsorted) and the rotations turn the rows of Vt into the eigenvectors.
 */
function diagonalise(Vt: Float64Array, n: number, d: Float64Array, e: Float64Array, onProgress: (done: number) => void): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    if (l % 32 === 0) onProgress(l / n);
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > QL_MAX_ITERATIONS) throw new Error(`householderQlEigen: no convergence in ${QL_MAX_ITERATIONS} iterations`);
        // The implicit shift from the leading 2×2 block.
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          // The same rotation on rows i and i + 1 of Vt (columns of V).
          const a = i * n;
          const b = a + n;
          for (let k = 0; k < n; k++) {
            const vb = Vt[b + k]!;
            const va = Vt[a + k]!;
            Vt[b + k] = s * va + c * vb;
            Vt[a + k] = c * va - s * vb;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}
