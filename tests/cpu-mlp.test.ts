// The float32 CPU engine (src/cpu) against the float64 reference, on awkward sizes: row counts that
// are not multiples of the 4-row register block, and widths that straddle the 128-column cache block.
import { describe, expect, it } from 'vitest';
import { gemmNN, gemmNT, gemmTN } from '../src/cpu/gemm';
import { CpuMlp } from '../src/cpu/mlp';
import { matmul, relativeError, worstElement } from '../src/reference/linalg';
import { ACTIVATIONS } from '../src/reference/activations';
import { mlpGradients, mlpParamsFrom, mlpTensorNames, mlpTensorShapes, type MlpShape } from '../src/reference/mlp';
import { initParams } from '../src/train/init';
import { Rng } from '../src/base/rng';

function random(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

describe('CPU float32 gemm', () => {
  it.each([
    [1, 1, 1],
    [7, 131, 13],
    [13, 5, 130],
    [6, 260, 3],
  ])('NT, NN and TN agree with the float64 matmul at M=%i N=%i K=%i', (M, N, K) => {
    const rng = new Rng(M * 1000 + N + K);
    const A = random(rng, M * K);
    const At = random(rng, K * M);
    const Bn = random(rng, K * N);
    const Bt = random(rng, N * K);
    const C = new Float32Array(M * N).fill(Number.NaN);
    gemmNT(A, Bt, C, M, N, K);
    expect(relativeError(C, matmul(Float64Array.from(A), Float64Array.from(Bt), M, N, K, { transB: true }))).toBeLessThan(1e-6);
    C.fill(Number.NaN);
    gemmNN(A, Bn, C, M, N, K);
    expect(relativeError(C, matmul(Float64Array.from(A), Float64Array.from(Bn), M, N, K))).toBeLessThan(1e-6);
    C.fill(Number.NaN);
    gemmTN(At, Bn, C, M, N, K);
    expect(relativeError(C, matmul(Float64Array.from(At), Float64Array.from(Bn), M, N, K, { transA: true }))).toBeLessThan(1e-6);
  });
});

describe('CPU float32 MLP', () => {
  it('matches the float64 reference: loss, accuracy and every gradient', () => {
    const [B, D, H, C] = [13, 37, 131, 10];
    const rng = new Rng(4);
    const p = { W1: random(rng, H * D), b1: random(rng, H), W2: random(rng, C * H), b2: random(rng, C) };
    const X = random(rng, B * D);
    const labels = Uint32Array.from({ length: B }, () => rng.int(C));
    const cpu = new CpuMlp({ D, hidden: [H], C }, B);
    const got = cpu.gradients(p, X, labels);
    const ref = mlpGradients({ D, hidden: [H], C }, {
      W1: Float64Array.from(p.W1), b1: Float64Array.from(p.b1), W2: Float64Array.from(p.W2), b2: Float64Array.from(p.b2),
    }, Float64Array.from(X), labels, B);
    expect(Math.abs(got.loss - ref.loss) / ref.loss).toBeLessThan(1e-6);
    expect(got.correct).toBe(ref.correct);
    for (const name of ['W1', 'b1', 'W2', 'b2'] as const) {
      const err = relativeError(cpu.grads[name]!, ref.grads[name]!);
      expect(err, `${name}: worst ${JSON.stringify(worstElement(cpu.grads[name]!, ref.grads[name]!))}`).toBeLessThan(1e-5);
    }
  });

  it('an SGD step moves every tensor by −lr · gradient and lowers the loss', () => {
    const [B, D, H, C] = [9, 5, 6, 3];
    const rng = new Rng(5);
    const p = { W1: random(rng, H * D), b1: random(rng, H), W2: random(rng, C * H), b2: random(rng, C) };
    const X = random(rng, B * D);
    const labels = Uint32Array.from({ length: B }, () => rng.int(C));
    const cpu = new CpuMlp({ D, hidden: [H], C }, B);
    const before = Float32Array.from(p.W1);
    const first = cpu.step(p, X, labels, 0.1);
    for (let i = 0; i < before.length; i++) expect(p.W1[i]).toBeCloseTo(before[i]! - 0.1 * cpu.grads.W1![i]!, 6);
    let last = first.loss;
    for (let s = 0; s < 20; s++) last = cpu.step(p, X, labels, 0.1).loss;
    expect(last).toBeLessThan(first.loss);
  });

  for (const activation of ACTIVATIONS) {
    it(`3 hidden layers of ${activation}: every tensor of every layer against the float64 reference within 1e-4`, () => {
      const shape: MlpShape = { D: 7, hidden: [11, 6, 9], C: 4, activation };
      const B = 10;
      const rng = new Rng(6 + activation.length);
      const p = initParams(Object.entries(mlpTensorShapes(shape)), rng, 1.5);
      const X = random(rng, B * shape.D);
      const labels = Uint32Array.from({ length: B }, () => rng.int(shape.C));
      const cpu = new CpuMlp(shape, B);
      const got = cpu.gradients(p, X, labels);
      const ref = mlpGradients(shape, mlpParamsFrom(shape, p), Float64Array.from(X), labels, B);
      expect(Math.abs(got.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
      expect(Object.keys(cpu.grads)).toEqual(mlpTensorNames(shape));
      for (const name of mlpTensorNames(shape)) expect(relativeError(cpu.grads[name]!, ref.grads[name]!), name).toBeLessThan(1e-4);
    });
  }
});
