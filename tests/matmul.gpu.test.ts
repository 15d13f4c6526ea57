// Every matmul variant (transposes × epilogues) against the float64 reference, on awkward sizes
// that are not multiples of the tile, with the output poisoned before each run.
import { describe, expect, it } from 'vitest';
import { encodeDispatches } from '../src/gpu/kernel';
import { Matmul, MATMUL_TILE, type Epilogue, type MatmulPath } from '../src/kernels/matmul';
import { swish, swishPrime, swishPrimeWrong } from '../src/reference/activations';
import { matmul, relativeError, toFloat64, worstElement } from '../src/reference/linalg';
import { gpuDevice, poisoned, randomArray, readFloats, Rng, storageBuffer } from './gpu-context';

const SIZES = [
  { M: 1, N: 1, K: 1 },
  { M: 37, N: 70, K: 19 },
  { M: 65, N: 10, K: 130 },
  { M: MATMUL_TILE + 3, N: 2 * MATMUL_TILE - 1, K: 17 },
];

async function run(
  variant: { transA: boolean; transB: boolean; epilogue: Epilogue; wrong?: boolean },
  size: { M: number; N: number; K: number },
  seed: number,
  ab: { alpha?: number; beta?: number; path?: MatmulPath } = {},
) {
  const device = await gpuDevice();
  const rng = new Rng(seed);
  const { M, N, K } = size;
  const A = randomArray(rng, M * K);
  const B = randomArray(rng, K * N);
  const auxLen = variant.epilogue === 'bias' || variant.epilogue === 'bias-swish' ? N : M * N;
  const aux = randomArray(rng, auxLen, 2);
  const C0 = randomArray(rng, M * N);
  const kernel = await Matmul.create(device, {
    transA: variant.transA, transB: variant.transB, epilogue: variant.epilogue, wrongSwishPrime: variant.wrong,
  });
  const C = ab.beta ? storageBuffer(device, 'test/C', C0) : poisoned(device, 'test/C', M * N);
  const C2 = poisoned(device, 'test/C2', M * N);
  const d = kernel.bind('test/matmul', {
    A: storageBuffer(device, 'test/A', A),
    B: storageBuffer(device, 'test/B', B),
    aux: variant.epilogue === 'none' ? undefined : storageBuffer(device, 'test/aux', aux),
    C,
    C2: variant.epilogue === 'bias-swish' ? C2 : undefined,
  }, { M, N, K, ...ab });
  const encoder = device.createCommandEncoder();
  encodeDispatches(encoder, [d], 'test');
  device.queue.submit([encoder.finish()]);
  const got = await readFloats(device, C);
  const got2 = variant.epilogue === 'bias-swish' ? await readFloats(device, C2) : null;

  // Reference in float64.
  const r = matmul(toFloat64(A), toFloat64(B), M, N, K, { transA: variant.transA, transB: variant.transB });
  const alpha = ab.alpha ?? 1;
  const expected = new Float64Array(M * N);
  const expected2 = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const i = m * N + n;
      let x = alpha * r[i]! + (ab.beta ? ab.beta * C0[i]! : 0);
      if (variant.epilogue === 'bias') x += aux[n]!;
      if (variant.epilogue === 'bias-swish') {
        expected2[i] = x + aux[n]!;
        x = swish(x + aux[n]!);
      }
      if (variant.epilogue === 'swish-backward') x *= (variant.wrong ? swishPrimeWrong : swishPrime)(aux[i]!);
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
      it(`op(A)·op(B) with transA=${transA} transB=${transB} on awkward sizes, tiled and small paths`, async () => {
        for (const size of SIZES) {
          for (const path of ['tiled', 'small'] as const) {
            const { got, expected } = await run({ transA, transB, epilogue: 'none' }, size, seed++, { path });
            const err = relativeError(got, expected);
            expect(err, `${path} ${JSON.stringify(size)} worst ${JSON.stringify(worstElement(got, expected))}`).toBeLessThan(1e-5);
          }
        }
      });
    }
  }

  for (const epilogue of ['bias', 'bias-swish', 'swish-backward', 'subtract'] as const) {
    it(`the ${epilogue} epilogue, tiled and small paths`, async () => {
      for (const path of ['tiled', 'small'] as const) {
        const { got, expected, got2, expected2 } = await run({ transA: false, transB: true, epilogue }, { M: 45, N: 71, K: 23 }, seed++, { path });
        expect(relativeError(got, expected), path).toBeLessThan(1e-5);
        if (epilogue === 'bias-swish') expect(relativeError(got2!, expected2), path).toBeLessThan(1e-5);
      }
    });
  }

  it('the wrong swish derivative is a different kernel (the teaching experiment)', async () => {
    const { got, expected } = await run({ transA: false, transB: false, epilogue: 'swish-backward', wrong: true }, { M: 9, N: 33, K: 5 }, seed++);
    expect(relativeError(got, expected)).toBeLessThan(1e-5);
  });

  it('alpha scales and beta accumulates into C', async () => {
    const { got, expected } = await run({ transA: true, transB: false, epilogue: 'none' }, { M: 13, N: 66, K: 29 }, seed++, { alpha: 0.25, beta: 1 });
    expect(relativeError(got, expected)).toBeLessThan(1e-5);
  });
});
