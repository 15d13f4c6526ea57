// The page's PCA numbers on the same-thread path (Node has no Worker): the sparse second moment is
// the plain double loop's to the bit, and the spectrum, the bound and the top eigenvectors are the
// float64 reference's, with progress that rises to 1.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/base/rng';
import { BYTE_VALUES, rowsAsFloats, type Dataset } from '../src/data/dataset';
import { eigenDecompose, JACOBI_MAX_N, pcaBound, secondMoment } from '../src/reference/pca';
import { pcaBoundAsync } from '../src/train/pca-bound';
import { computeSpectrum } from '../src/train/pca-spectrum';
import { PCA_MAX_FEATURES, PcaSkipped, principalSubspaceAsync, spectrumAsync, watchSpectrumProgress, type SpectrumProgress } from '../src/train/pca-subspace';

/** N rows of n features, most of them zero (like MNIST's background), some negative. */
function sparseSet(seed: number, N: number, n: number): Dataset {
  const rng = new Rng(seed);
  const X = Float32Array.from({ length: N * n }, (_, k) => (rng.uniform(0, 1) < 0.7 ? 0 : rng.normal() * (1 + (k % n) / 8)));
  return { name: `sparse-${seed}`, X, labels: new Uint32Array(N), N, D: n, classes: 1 };
}

describe('the second moment', () => {
  it('is bit for bit the plain double loop over all pairs', () => {
    const { X, N, D: n } = sparseSet(1, 57, 23);
    const want = new Float64Array(n * n);
    for (let i = 0; i < N; i++) {
      for (let a = 0; a < n; a++) for (let b = a; b < n; b++) want[a * n + b]! += X[i * n + a]! * X[i * n + b]!;
    }
    for (let a = 0; a < n; a++) for (let b = a; b < n; b++) want[b * n + a] = want[a * n + b] = want[a * n + b]! / N;
    expect(secondMoment(X, N, n)).toEqual(want);
  });

  it('of byte features is that of the float32 values they stand for, and so are the spectrum and the bound', async () => {
    const rng = new Rng(9);
    const [N, n] = [61, 13];
    const bytes: Dataset = {
      name: 'bytes',
      X: Uint8Array.from({ length: N * n }, () => (rng.next() < 0.6 ? 0 : rng.int(256))),
      labels: new Uint32Array(N),
      N,
      D: n,
      classes: 1,
    };
    const floats = rowsAsFloats(bytes, 0, N);
    expect(floats[Array.prototype.indexOf.call(bytes.X, 255)]).toBe(1);
    expect(secondMoment(bytes.X, N, n, BYTE_VALUES)).toEqual(secondMoment(floats, N, n));
    expect(pcaBound(bytes.X, N, n, 4, BYTE_VALUES)).toBe(pcaBound(floats, N, n, 4));
    const spectrum = await computeSpectrum(bytes.X, N, n, () => {});
    expect(spectrum).toEqual(await computeSpectrum(floats, N, n, () => {}));
  });
});

describe('the page’s spectrum on this thread', () => {
  it.each([7, JACOBI_MAX_N + 9])('is the reference’s, for n = %i, with progress to 1', async (n) => {
    const set = sparseSet(n, 300, n);
    const seen: SpectrumProgress[] = [];
    const stop = watchSpectrumProgress((p) => seen.push(p));
    const spectrum = await spectrumAsync(set);
    stop();
    const want = eigenDecompose(secondMoment(set.X, set.N, n), n);
    expect(spectrum.values).toEqual(want.values);
    expect(spectrum.vectors).toEqual(want.vectors);
    const mine = seen.filter((p) => p.n === n).map((p) => p.done);
    expect(mine.length).toBeGreaterThan(10);
    for (let i = 1; i < mine.length; i++) expect(mine[i]).toBeGreaterThanOrEqual(mine[i - 1]!);
    expect(mine.at(-1)).toBe(1);

    const m = 3;
    expect(await pcaBoundAsync(set, m)).toBeCloseTo(pcaBound(set.X, set.N, n, m), 12);
    const top = await principalSubspaceAsync(set, m);
    expect(top.values).toEqual(want.values.slice(0, m));
    expect(top.vectors).toEqual(want.vectors.slice(0, m * n));
    expect(spectrumAsync(set)).toBe(spectrumAsync(set)); // computed once per data set
  });

  it('pauses between slices when asked, and reports a failure to the watchers', async () => {
    const set = sparseSet(3, 200, 5);
    let pauses = 0;
    await computeSpectrum(
      set.X,
      set.N,
      set.D,
      () => {},
      async () => void pauses++,
    );
    expect(pauses).toBeGreaterThanOrEqual(50);

    const seen: SpectrumProgress[] = [];
    const stop = watchSpectrumProgress((p) => seen.push(p));
    const bad: Dataset = { ...set, X: set.X.subarray(0, 10) }; // N n values promised, 10 given
    await expect(spectrumAsync(bad)).rejects.toThrow(/expected 1000 elements/);
    stop();
    expect(seen.at(-1)?.error).toMatch(/expected 1000 elements/);
  });

  it('is not computed past PCA_MAX_FEATURES: a file of 10,000 columns is skipped at once, with the reason, as a skip', async () => {
    const n = 10_000;
    // Two rows only: a spectrum computed anyway would still allocate its n×n matrices (800 MB each).
    const wide: Dataset = { ...sparseSet(1, 2, 1), N: 2, D: n, X: new Float32Array(2 * n) };
    const seen: SpectrumProgress[] = [];
    const stop = watchSpectrumProgress((p) => seen.push(p));
    const started = performance.now();
    const skipped = await spectrumAsync(wide).catch((e: unknown) => e);
    await Promise.resolve();
    stop();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(skipped).toBeInstanceOf(PcaSkipped);
    expect((skipped as Error).message).toBe(
      `not computed for 10000 features: past ${PCA_MAX_FEATURES}, the 10000×10000 eigendecomposition would hold 763 MB per copy and take minutes`,
    );
    expect(seen).toEqual([{ n, done: 0, error: (skipped as Error).message, skipped: true }]);
    // MNIST's 784 features stay under the limit.
    expect(PCA_MAX_FEATURES).toBeGreaterThanOrEqual(784);
  });
});
