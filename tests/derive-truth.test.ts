// The true gradients a derivation is checked against, checked in turn against central differences
// of the loss: the parameters' (the reference's) and the intermediate ones derived from it (dZ, dA,
// dY_l, dV_l; the autoencoder's dV and dZ), for built-in and custom activations; and the numerical
// derivative that stands in for a custom activation's wrong fprime.
import { describe, expect, it } from 'vitest';
import { numericDerivative } from '../src/derive/activation-check';
import { randomProblem, type AutoencoderProblem, type MlpProblem } from '../src/derive/problem';
import { broadcast, map, matmul, tensor, transpose, type Tensor } from '../src/derive/tensor';
import { autoencoderTruth, builtinActivation, mlpTruth, type ActivationPair } from '../src/derive/truth';
import { centralDifferences, checkAutoencoder, checkMlp } from '../src/reference/finite-differences';
import { relativeError } from '../src/reference/linalg';

/** Central differences of `loss` at `x`, compared with `analytic` by norm-relative error. */
function againstDifferences(analytic: Tensor, x: Tensor, loss: (x: Tensor) => number): number {
  const numeric = centralDifferences((data) => loss(tensor(x.rows, x.cols, data)), Float64Array.from(x.data));
  return relativeError(analytic.data, numeric);
}

/** Mean cross-entropy of logits Z against one-hot T. */
function crossEntropy(Z: Tensor, T: Tensor): number {
  let loss = 0;
  for (let i = 0; i < Z.rows; i++) {
    const row = Z.data.subarray(i * Z.cols, (i + 1) * Z.cols);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, z) => s + Math.exp(z - max), 0));
    for (let j = 0; j < Z.cols; j++) loss += T.data[i * Z.cols + j]! * (lse - row[j]!);
  }
  return loss / Z.rows;
}

/** The loss from hidden layer l's activations Y_l upwards (l = 0 is X). */
function lossFromLayer(p: MlpProblem, act: ActivationPair, T: Tensor, l: number, Y: Tensor): number {
  const widths = [p.shape.D, ...p.shape.hidden, p.shape.C];
  let input = Y;
  for (let k = l + 1; k < widths.length; k++) {
    const W = tensor(widths[k]!, widths[k - 1]!, p.params[`W${k}`]!);
    const v = broadcast(matmul(input, transpose(W)), tensor(1, widths[k]!, p.params[`b${k}`]!), (a, b) => a + b);
    input = k === widths.length - 1 ? v : act.f(v);
  }
  return crossEntropy(input, T);
}

function checkMlpTruth(p: MlpProblem, act: ActivationPair, custom?: ActivationPair): void {
  const t = mlpTruth(p, custom);
  const L = p.shape.hidden.length;
  expect(
    againstDifferences(t.dZ, t.Z, (Z) => crossEntropy(Z, t.T)),
    'dZ',
  ).toBeLessThan(1e-7);
  const fromA = (A: Tensor) => -broadcast(A, t.T, (a, y) => (y === 0 ? 0 : y * Math.log(a))).data.reduce((s, v) => s + v, 0) / p.B;
  expect(againstDifferences(t.dA, t.A, fromA), 'dA').toBeLessThan(1e-7);
  for (let l = 1; l <= L; l++) {
    expect(
      againstDifferences(t.dY[l - 1]!, t.Y[l - 1]!, (Y) => lossFromLayer(p, act, t.T, l, Y)),
      `dY${l}`,
    ).toBeLessThan(1e-7);
    expect(
      againstDifferences(t.dV[l - 1]!, t.V[l - 1]!, (V) => lossFromLayer(p, act, t.T, l, act.f(V))),
      `dV${l}`,
    ).toBeLessThan(1e-7);
  }
  const widths = [p.shape.D, ...p.shape.hidden, p.shape.C];
  for (let l = 1; l <= L + 1; l++) {
    const W = tensor(widths[l]!, widths[l - 1]!, p.params[`W${l}`]!);
    const b = tensor(1, widths[l]!, p.params[`b${l}`]!);
    const withParam = (name: string, value: Tensor) =>
      lossFromLayer({ ...p, params: { ...p.params, [name]: value.data } }, act, t.T, 0, tensor(p.B, p.shape.D, p.X));
    expect(
      againstDifferences(t.dW[l - 1]!, W, (w) => withParam(`W${l}`, w)),
      `dW${l}`,
    ).toBeLessThan(1e-7);
    expect(
      againstDifferences(t.db[l - 1]!, b, (x) => withParam(`b${l}`, x)),
      `db${l}`,
    ).toBeLessThan(1e-7);
  }
}

describe('the true gradients agree with central differences', () => {
  it('the reference MLP at the parameters (swish, one hidden layer; tanh, two)', () => {
    for (const [hidden, activation] of [
      [[6], 'swish'],
      [[6, 4], 'tanh'],
    ] as const) {
      const p = randomProblem({ model: 'mlp', D: 5, hidden: [...hidden], C: 3, activation, B: 7 }, 9) as MlpProblem;
      const errors = checkMlp({ ...p.shape, activation }, p.params, p.X, p.labels, p.B);
      for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(1e-7);
    }
  });

  it('every gradient name of the MLP, parameters and intermediates, built-in activations', () => {
    for (const [hidden, activation] of [
      [[6], 'swish'],
      [[6, 4], 'tanh'],
    ] as const) {
      const p = randomProblem({ model: 'mlp', D: 5, hidden: [...hidden], C: 3, activation, B: 7 }, 9) as MlpProblem;
      checkMlpTruth(p, builtinActivation(activation));
    }
  });

  it('a custom activation (softplus) through the same formulas; f = tanh gives what the reference gives', () => {
    const softplus: ActivationPair = { f: (v) => map(v, (x) => Math.log1p(Math.exp(x))), fPrime: (v) => map(v, (x) => 1 / (1 + Math.exp(-x))) };
    const p = randomProblem({ model: 'mlp', D: 4, hidden: [5, 3], C: 3, activation: 'custom', B: 6 }, 2) as MlpProblem;
    checkMlpTruth(p, softplus, softplus);
    const tanh = builtinActivation('tanh');
    const custom = mlpTruth(p, tanh);
    const reference = mlpTruth({ ...p, activation: 'tanh' });
    for (const key of ['dW', 'db', 'dV', 'dY'] as const) {
      custom[key].forEach((t, i) => expect(relativeError(t.data, reference[key][i]!.data), `${key}${i + 1}`).toBeLessThan(1e-14));
    }
  });

  it("the autoencoder's dW (the reference), dV and dZ", () => {
    const p = randomProblem({ model: 'autoencoder', n: 6, m: 3, B: 7 }, 4) as AutoencoderProblem;
    const t = autoencoderTruth(p);
    expect(checkAutoencoder(p.shape, p.W, p.X, p.B).W).toBeLessThan(1e-7);
    const X = tensor(p.B, p.shape.n, p.X);
    const W = tensor(p.shape.m, p.shape.n, p.W);
    const fromV = (V: Tensor) => V.data.reduce((s, v) => s + 0.5 * v * v, 0) / p.B;
    expect(againstDifferences(t.dV, t.V, fromV), 'dV').toBeLessThan(1e-7);
    expect(
      againstDifferences(t.dZ, t.Z, (Z) => fromV(broadcast(matmul(Z, W), X, (a, b) => a - b))),
      'dZ',
    ).toBeLessThan(1e-7);
    expect(
      againstDifferences(t.dW, W, (w) => fromV(broadcast(matmul(matmul(X, transpose(w)), w), X, (a, b) => a - b))),
      'dW',
    ).toBeLessThan(1e-7);
  });

  it('the numerical derivative that stands in for a wrong fprime is accurate to 1e-9', () => {
    const v = tensor(1, 9, Float64Array.of(-5, -2.2, -1, -0.3, 0.01, 0.4, 1.7, 3, 6));
    const slope = numericDerivative((x) => map(x, Math.tanh))(v);
    slope.data.forEach((s, k) => expect(Math.abs(s - (1 - Math.tanh(v.data[k]!) ** 2))).toBeLessThan(1e-9));
  });
});
