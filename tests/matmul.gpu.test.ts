// Every matmul variant (transposes × epilogues) on every entry point against the float64 reference,
// on awkward sizes that are not multiples of any tile, with the output poisoned before each run;
// and the tuner that times the entry points against each other.
import { describe, expect, it, onTestFinished } from 'vitest';
import { encodeDispatches } from '../src/gpu/kernel';
import { forgetTuning, keepTuningIn, tuneDispatches, type TuneStore } from '../src/gpu/tune';
import { Matmul, MATMUL_PATHS, MATMUL_TILE, type Epilogue, type MatmulPath } from '../src/kernels/matmul';
import { ACTIVATION_FUNCTIONS, ACTIVATIONS, swishPrimeWrong, type Activation } from '../src/reference/activations';
import { colsum, matmul, relativeError, toFloat64, worstElement } from '../src/reference/linalg';
import { gpuDevice, poisoned, randomArray, readFloats, Rng, storageBuffer } from './gpu-context';

const SIZES = [
  { M: 1, N: 1, K: 1 },
  { M: 37, N: 70, K: 19 },
  { M: 65, N: 10, K: 130 },
  { M: MATMUL_TILE + 3, N: 2 * MATMUL_TILE - 1, K: 17 },
  { M: 131, N: 129, K: 75 }, // past one 128×128 tile on both sides, K past one split-K sweep
];

async function run(
  variant: { transA: boolean; transB: boolean; epilogue: Epilogue; activation?: Activation; wrong?: boolean },
  size: { M: number; N: number; K: number },
  seed: number,
  ab: { alpha?: number; beta?: number; path?: MatmulPath; anyVariant?: boolean } = {},
) {
  const device = await gpuDevice();
  const rng = new Rng(seed);
  const { M, N, K } = size;
  const A = randomArray(rng, M * K);
  const B = randomArray(rng, K * N);
  const auxLen = variant.epilogue === 'bias' || variant.epilogue === 'bias-activation' ? N : M * N;
  const aux = randomArray(rng, auxLen, 2);
  const C0 = randomArray(rng, M * N);
  const kernel = await Matmul.create(
    device,
    {
      transA: variant.transA,
      transB: variant.transB,
      epilogue: variant.epilogue,
      activation: variant.activation,
      wrongSwishPrime: variant.wrong,
    },
    ab.path ? [ab.path] : MATMUL_PATHS,
    { anyVariant: ab.anyVariant },
  );
  const C = ab.beta ? storageBuffer(device, 'test/C', C0) : poisoned(device, 'test/C', M * N);
  const C2 = poisoned(device, 'test/C2', M * N);
  const d = kernel.bind(
    'test/matmul',
    {
      A: storageBuffer(device, 'test/A', A),
      B: storageBuffer(device, 'test/B', B),
      aux: variant.epilogue === 'none' ? undefined : storageBuffer(device, 'test/aux', aux),
      C,
      C2: variant.epilogue === 'bias-activation' ? C2 : undefined,
    },
    { M, N, K, alpha: ab.alpha, beta: ab.beta, path: ab.path },
  );
  const encoder = device.createCommandEncoder();
  encodeDispatches(encoder, [d], 'test');
  device.queue.submit([encoder.finish()]);
  const got = await readFloats(device, C);
  const got2 = variant.epilogue === 'bias-activation' ? await readFloats(device, C2) : null;

  // Reference in float64.
  const { f, fPrime } = ACTIVATION_FUNCTIONS[variant.activation ?? 'swish'];
  const r = matmul(toFloat64(A), toFloat64(B), M, N, K, { transA: variant.transA, transB: variant.transB });
  const alpha = ab.alpha ?? 1;
  const expected = new Float64Array(M * N);
  const expected2 = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const i = m * N + n;
      let x = alpha * r[i]! + (ab.beta ? ab.beta * C0[i]! : 0);
      if (variant.epilogue === 'bias') x += aux[n]!;
      if (variant.epilogue === 'bias-activation') {
        expected2[i] = x + aux[n]!;
        x = f(x + aux[n]!);
      }
      if (variant.epilogue === 'activation-backward') x *= (variant.wrong ? swishPrimeWrong : fPrime)(aux[i]!);
      if (variant.epilogue === 'subtract') x -= aux[i]!;
      expected[i] = x;
    }
  }
  return { got, expected, got2, expected2 };
}

describe('matmul kernel against the float64 reference', () => {
  let seed = 1;
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`op(A)·op(B) with transA=${transA} transB=${transB} on awkward sizes, every entry point`, async () => {
        for (const size of SIZES) {
          for (const path of MATMUL_PATHS) {
            const { got, expected } = await run({ transA, transB, epilogue: 'none' }, size, seed++, { path });
            const err = relativeError(got, expected);
            expect(err, `${path} ${JSON.stringify(size)} worst ${JSON.stringify(worstElement(got, expected))}`).toBeLessThan(1e-5);
          }
        }
      });
    }
  }

  for (const epilogue of ['bias', 'bias-activation', 'activation-backward', 'subtract'] as const) {
    it(`the ${epilogue} epilogue, every entry point`, async () => {
      for (const path of MATMUL_PATHS) {
        const { got, expected, got2, expected2 } = await run({ transA: false, transB: true, epilogue }, { M: 131, N: 133, K: 23 }, seed++, { path });
        expect(relativeError(got, expected), path).toBeLessThan(1e-5);
        if (epilogue === 'bias-activation') expect(relativeError(got2!, expected2), path).toBeLessThan(1e-5);
      }
    });
  }

  // The activation is one function that every entry point's store calls: two entry points suffice.
  for (const activation of ACTIVATIONS.filter((a) => a !== 'swish')) {
    it(`the ${activation} activation, forward and backward epilogues`, async () => {
      for (const epilogue of ['bias-activation', 'activation-backward'] as const) {
        for (const path of ['block', 'tiled'] as const) {
          const { got, expected, got2, expected2 } = await run({ transA: false, transB: true, epilogue, activation }, { M: 37, N: 70, K: 19 }, seed++, {
            path,
          });
          expect(relativeError(got, expected), `${epilogue} ${path} worst ${JSON.stringify(worstElement(got, expected))}`).toBeLessThan(1e-5);
          if (got2) expect(relativeError(got2, expected2), `${epilogue} ${path}`).toBeLessThan(1e-5);
        }
      }
    });
  }

  it('the wrong swish derivative is a different kernel (the teaching experiment)', async () => {
    for (const path of MATMUL_PATHS) {
      const { got, expected } = await run({ transA: false, transB: false, epilogue: 'activation-backward', wrong: true }, { M: 9, N: 33, K: 5 }, seed++, {
        path,
      });
      expect(relativeError(got, expected), path).toBeLessThan(1e-5);
    }
  });

  it('alpha scales and beta accumulates into C', async () => {
    for (const path of MATMUL_PATHS) {
      for (const size of [
        { M: 13, N: 66, K: 129 },
        { M: 131, N: 130, K: 70 },
      ]) {
        const { got, expected } = await run({ transA: true, transB: false, epilogue: 'none' }, size, seed++, { alpha: 0.25, beta: 1, path });
        expect(relativeError(got, expected), `${path} ${JSON.stringify(size)}`).toBeLessThan(1e-5);
      }
    }
  });
});

describe('column sums as 1ᵀ·G (the bias gradients), on every entry point', () => {
  for (const [rows, cols] of [
    [1, 1],
    [97, 3],
    [5, 130],
    [300, 10],
  ] as const) {
    it(`${rows}×${cols}`, async () => {
      const device = await gpuDevice();
      const G = randomArray(new Rng(rows + cols), rows * cols);
      const kernel = await Matmul.create(device, {}, MATMUL_PATHS);
      const ones = storageBuffer(device, 'test/ones', new Float32Array(rows).fill(1));
      const expected = colsum(toFloat64(G), rows, cols);
      for (const path of MATMUL_PATHS) {
        const out = poisoned(device, 'test/sums', cols);
        const d = kernel.bind('test/colsum', { A: ones, B: storageBuffer(device, 'test/G', G), C: out }, { M: 1, N: cols, K: rows, path });
        const encoder = device.createCommandEncoder();
        encodeDispatches(encoder, [d], 'test');
        device.queue.submit([encoder.finish()]);
        expect(relativeError(await readFloats(device, out), expected), path).toBeLessThan(1e-5);
      }
    });
  }
});

describe('choosing an entry point', () => {
  it('a CPU adapter compiles only the block path; a forced path that was not compiled is an error', async () => {
    const device = await gpuDevice(); // SwiftShader here
    const kernel = await Matmul.create(device, { transB: true });
    expect(kernel.paths).toEqual(['block']);
    const buf = storageBuffer(device, 'test/any', new Float32Array(4));
    expect(() => kernel.bind('test', { A: buf, B: buf, C: buf }, { M: 2, N: 2, K: 1, path: 'wide' })).toThrow(/not compiled/);
    const d = kernel.bind('test', { A: buf, B: buf, C: buf }, { M: 2, N: 2, K: 1 });
    expect(d.variant).toBe('block');
    expect(d.alternatives).toBeUndefined(); // nothing to time
    d.uniform.destroy();
  });

  it('times only the paths that add in the same order; the wide one where both sides fill a 128×128 tile', async () => {
    const kernel = await Matmul.create(await gpuDevice(), {}, MATMUL_PATHS);
    expect(kernel.candidates(512, 1024)).toEqual(['tiled', 'wide', 'small', 'block']);
    expect(kernel.candidates(512, 10)).toEqual(['tiled', 'small', 'block']); // split K: only when forced
    expect(kernel.candidates(1, 1024)).toEqual(['tiled', 'small', 'block']);
  });

  it("tiled, wide, small and block give the same bits, so the tuner's choice never changes a run; so do their pipelines for any variant", async () => {
    for (const [transA, transB] of [
      [false, true],
      [true, false],
    ] as const) {
      const outputs = [];
      for (const path of ['tiled', 'wide', 'small', 'block'] as const) {
        for (const anyVariant of [false, true]) {
          outputs.push((await run({ transA, transB, epilogue: 'bias-activation' }, { M: 131, N: 133, K: 77 }, 99, { path, anyVariant })).got);
        }
      }
      const names = ['tiled', 'tiled (any variant)', 'wide', 'wide (any variant)', 'small', 'small (any variant)', 'block', 'block (any variant)'];
      for (let i = 1; i < outputs.length; i++) expect(Array.from(outputs[i]!), `${names[i]}, transA=${transA}`).toEqual(Array.from(outputs[0]!));
    }
  });

  it('the pipeline for any variant gives the bits of each variant’s own: every transpose, epilogue, activation, alpha and beta', async () => {
    const cases: Array<[Parameters<typeof run>[0], { alpha?: number; beta?: number }]> = [];
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const epilogue of ['none', 'bias', 'bias-activation', 'activation-backward', 'subtract'] as const) cases.push([{ transA, transB, epilogue }, {}]);
      }
    }
    for (const activation of ACTIVATIONS) {
      for (const epilogue of ['bias-activation', 'activation-backward'] as const) cases.push([{ transA: false, transB: true, epilogue, activation }, {}]);
    }
    cases.push([{ transA: false, transB: false, epilogue: 'activation-backward', wrong: true }, {}]);
    cases.push([
      { transA: true, transB: false, epilogue: 'none' },
      { alpha: 0.25, beta: 1 },
    ]);
    let seed = 300;
    for (const [variant, ab] of cases) {
      const size = { M: 37, N: 70, K: 19 };
      const own = await run(variant, size, seed, { ...ab, path: 'block' });
      const any = await run(variant, size, seed++, { ...ab, path: 'block', anyVariant: true });
      const what = JSON.stringify({ ...variant, ...ab });
      expect(Array.from(any.got), what).toEqual(Array.from(own.got));
      if (own.got2) expect(Array.from(any.got2!), what).toEqual(Array.from(own.got2));
    }
  });

  it('a dispatch bound on the pipeline for any variant moves onto its own, which later binds use; the bits stay', async () => {
    const device = await gpuDevice();
    const rng = new Rng(8);
    const [M, N, K] = [45, 30, 21];
    const A = storageBuffer(device, 'test/A', randomArray(rng, M * K));
    const B = storageBuffer(device, 'test/B', randomArray(rng, N * K));
    const bias = storageBuffer(device, 'test/bias', randomArray(rng, N));
    const C = poisoned(device, 'test/C', M * N);
    const C2 = poisoned(device, 'test/C2', M * N);
    const kernel = await Matmul.create(device, { transB: true, epilogue: 'bias-activation', activation: 'tanh' }, ['block'], { anyVariant: true });
    const d = kernel.bind('test/any', { A, B, aux: bias, C, C2 }, { M, N, K });
    const product = async () => {
      const encoder = device.createCommandEncoder();
      encoder.clearBuffer(C);
      encodeDispatches(encoder, [d], 'test');
      device.queue.submit([encoder.finish()]);
      return Array.from(await readFloats(device, C));
    };
    expect(d.pipeline.label).toBe('matmul/any/block');
    const before = await product();
    await d.specialize!();
    expect(d.pipeline.label).toBe('matmul/ABt+bias-activation(tanh)/block');
    expect(d.specialize).toBeUndefined();
    expect(await product()).toEqual(before);
    const later = kernel.bind('test/later', { A, B, aux: bias, C, C2 }, { M, N, K });
    expect(later.pipeline.label).toBe('matmul/ABt+bias-activation(tanh)/block');
    expect(later.specialize).toBeUndefined();
    for (const x of [d, later]) x.uniform.destroy();
  });

  it('the tuner times every candidate, keeps one, remembers it for the same problem, and the kept one is right', async () => {
    const device = await gpuDevice();
    forgetTuning(device);
    const [M, N, K] = [130, 140, 200];
    const rng = new Rng(5);
    const A = randomArray(rng, M * K);
    const B = randomArray(rng, K * N);
    const kernel = await Matmul.create(device, {}, MATMUL_PATHS);
    const ops = { A: storageBuffer(device, 'test/A', A), B: storageBuffer(device, 'test/B', B), C: poisoned(device, 'test/C', M * N) };
    const list = [kernel.bind('test/tuned', ops, { M, N, K })];
    const progress: Array<[number, number]> = [];
    const [report] = await tuneDispatches(device, [list], (current, total) => progress.push([current, total]));
    expect(progress).toEqual([[1, 1]]);
    expect(Object.keys(report!.ms).sort()).toEqual(['block', 'small', 'tiled', 'wide']);
    for (const ms of Object.values(report!.ms)) expect(ms).toBeGreaterThan(0);
    expect(report!.chosen).toBe(list[0]!.variant);
    expect(report!.ms[report!.chosen]).toBe(Math.min(...Object.values(report!.ms)));
    // The next bind of the same problem starts on the remembered path and is not timed again.
    expect(kernel.choosePath(M, N, K)).toBe(report!.chosen);
    const again = [kernel.bind('test/again', ops, { M, N, K })];
    const [second] = await tuneDispatches(device, [again], () => progress.push([0, 0]));
    expect(second!.ms).toEqual({});
    expect(progress).toHaveLength(1);
    expect(again[0]!.variant).toBe(report!.chosen);
    // One bound on another entry point before the timing (as the second product of the same sizes
    // in a model's lists is) is moved onto the kept one.
    const onKept = kernel.bind('test/kept', ops, { M, N, K });
    const others = onKept.alternatives!();
    const stale = others.find((d) => d.variant !== report!.chosen)!;
    for (const d of others) if (d !== stale) d.uniform.destroy();
    Object.assign(stale, { tuneKey: onKept.tuneKey, alternatives: () => [onKept] });
    const staleList = [stale];
    const [third] = await tuneDispatches(device, [staleList]);
    expect(third).toMatchObject({ chosen: report!.chosen, ms: {} });
    expect(staleList[0]).toBe(onKept);
    onKept.uniform.destroy();
    // Whatever was kept computes the product.
    const encoder = device.createCommandEncoder();
    encoder.clearBuffer(ops.C);
    encodeDispatches(encoder, list, 'test');
    device.queue.submit([encoder.finish()]);
    const got = await readFloats(device, ops.C);
    expect(relativeError(got, matmul(toFloat64(A), toFloat64(B), M, N, K))).toBeLessThan(1e-5);
    forgetTuning(device);
  });

  it('a choice kept in a store (the page’s localStorage) is used from the first bind on the same adapter, timed nowhere, and gives the same bits', async () => {
    const device = await gpuDevice();
    forgetTuning(device);
    onTestFinished(() => forgetTuning(device)); // the tier's files share the device: no store of this test stays on it
    const entries = new Map<string, string>();
    const store: TuneStore = { get: (k) => entries.get(k), set: (k, v) => void entries.set(k, v) };
    const [M, N, K] = [70, 60, 50];
    const rng = new Rng(6);
    const ops = {
      A: storageBuffer(device, 'test/A', randomArray(rng, M * K)),
      B: storageBuffer(device, 'test/B', randomArray(rng, K * N)),
      C: poisoned(device, 'test/C', M * N),
    };
    const kernel = await Matmul.create(device, {}, MATMUL_PATHS);
    const product = async (list: ReturnType<typeof kernel.bind>[]) => {
      const encoder = device.createCommandEncoder();
      encoder.clearBuffer(ops.C);
      encodeDispatches(encoder, list, 'test');
      device.queue.submit([encoder.finish()]);
      return Array.from(await readFloats(device, ops.C));
    };
    keepTuningIn(device, store, 'test adapter');
    const first = [kernel.bind('test/first', ops, { M, N, K })];
    // Read before tuning: the winner put in its place may be an alternative, which carries no key.
    const key = `test adapter ${first[0]!.tuneKey}`;
    const [timed] = await tuneDispatches(device, [first]);
    expect(Object.keys(timed!.ms).length).toBeGreaterThan(1);
    expect(`test adapter ${timed!.key}`).toBe(key);
    expect([...entries]).toEqual([[key, timed!.chosen]]);
    const bits = await product(first);
    first[0]!.uniform.destroy();

    // The next visit: nothing in memory, the store read back. A choice other than the rule's shows it is the store's.
    for (const kept of ['small', 'tiled']) {
      forgetTuning(device);
      keepTuningIn(device, store, 'test adapter');
      entries.set(key, kept);
      const list = [kernel.bind('test/next', ops, { M, N, K })];
      expect(list[0]!.variant).toBe(kept);
      const progress: number[] = [];
      const [report] = await tuneDispatches(device, [list], (current) => progress.push(current));
      expect(report).toMatchObject({ chosen: kept, ms: {} });
      expect(progress).toEqual([]);
      expect(await product(list)).toEqual(bits);
      list[0]!.uniform.destroy();
    }

    // Another adapter (or driver) does not read it; a storage that refuses is only a memory lost.
    forgetTuning(device);
    keepTuningIn(device, store, 'other adapter');
    const other = kernel.bind('test/other', ops, { M, N, K });
    expect(other.variant).toBe(kernel.choosePath(M, N, K));
    expect(other.variant).toBe('block'); // the rule on a CPU adapter
    other.uniform.destroy();
    forgetTuning(device);
    const refusing: TuneStore = {
      get: () => {
        throw new Error('SecurityError');
      },
      set: () => {
        throw new Error('QuotaExceededError');
      },
    };
    keepTuningIn(device, refusing, 'test adapter');
    const refused = [kernel.bind('test/refused', ops, { M, N, K })];
    const [again] = await tuneDispatches(device, [refused]);
    expect(Object.keys(again!.ms).length).toBeGreaterThan(1);
    refused[0]!.uniform.destroy();
    forgetTuning(device);
  });
});
