// The derive card's TeX of a line, built from the parsed tree: names with their subscripts, ᵀ, ⊙,
// fractions, the built-in functions, parentheses only where the tree needs them; every line of every
// assignment's solution and 300 seeded random lines typeset by KaTeX without an error.
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/base/rng';
import { ASSIGNMENTS, parseDerivation } from '../src/derive';
import { definitionTex, nameTex } from '../src/ui/derive/line-tex';

/** The TeX of a one-line derivation. */
function tex(line: string): string {
  const [parsed] = parseDerivation(line).lines;
  if (!parsed?.definition) throw new Error(`does not parse: ${line}`);
  return definitionTex(parsed.definition);
}

/** The TeX of an expression alone. */
const rhs = (expr: string) => tex(`g = ${expr}`).slice('g = '.length);

describe('the TeX of a line, from its tree', () => {
  it('names: trailing digits as subscripts, d and one letter kept, longer names as words', () => {
    expect(nameTex('Y1')).toBe('Y_1');
    expect(nameTex('dW2')).toBe('dW_2');
    expect(nameTex('W12')).toBe('W_{12}');
    expect(nameTex('dZ')).toBe('dZ');
    expect(nameTex('B')).toBe('B');
    expect(nameTex('H1')).toBe('H_1');
    expect(nameTex('tmp')).toBe(String.raw`\mathit{tmp}`);
    expect(nameTex('my_grad2')).toBe(String.raw`\mathit{my\_grad2}`);
  });

  it("writes the seed's lines as a student would on paper", () => {
    expect(tex('dW2 = dZ.T @ Y1')).toBe(String.raw`dW_2 = dZ^\top Y_1`);
    expect(tex('dZ = (A - T) / B')).toBe(String.raw`dZ = \frac{A - T}{B}`);
    expect(tex('db2 = sum(dZ, 0)')).toBe(String.raw`db_2 = \operatorname{colsum}(dZ)`);
    expect(tex('dV1 = dY1 * sigmoid(V1) * (1 + V1 * (1 - sigmoid(V1)))')).toBe(
      String.raw`dV_1 = dY_1 \odot \sigma(V_1) \odot \left(1 + V_1 \odot \left(1 - \sigma(V_1)\right)\right)`,
    );
    expect(tex('dW = dZ.T @ X + Z.T @ dV')).toBe(String.raw`dW = dZ^\top X + Z^\top dV`);
  });

  it('functions, reductions, ones and numbers', () => {
    expect(tex('f(v) = log(1 + exp(v))')).toBe(String.raw`f(v) = \log(1 + \exp(v))`);
    expect(tex('fprime(v) = sigmoid(v)')).toBe(String.raw`f'(v) = \sigma(v)`);
    expect(rhs('fprime(V1) * relu(V1) * step(V1) * tanh(V1)')).toBe(
      String.raw`f'(V_1) \odot \operatorname{relu}(V_1) \odot \operatorname{step}(V_1) \odot \tanh(V_1)`,
    );
    expect(rhs('sum(X, 1) + mean(X, 0) + sum(X) + mean(X)')).toBe(
      String.raw`\operatorname{rowsum}(X) + \operatorname{colmean}(X) + \operatorname{sum}(X) + \operatorname{mean}(X)`,
    );
    expect(rhs('ones(1, B) @ X')).toBe(String.raw`\mathbf{1}_{1 \times B} X`);
    expect(rhs('0.5 * X + 1e-3 + 1e-7 + 2.5e-8')).toBe(String.raw`0.5 \odot X + 0.001 + 10^{-7} + 2.5 \cdot 10^{-8}`);
  });

  it('parentheses only where the tree needs them', () => {
    expect(rhs('A - (B + C)')).toBe(String.raw`A - \left(B + C\right)`);
    expect(rhs('(A - B) + C')).toBe('A - B + C');
    expect(rhs('-X ** 2')).toBe('-X^{2}');
    expect(rhs('(-X) ** 2')).toBe(String.raw`\left(-X\right)^{2}`);
    expect(rhs('X * -Y')).toBe(String.raw`X \odot \left(-Y\right)`);
    expect(rhs('(X @ W1.T) * V1')).toBe(String.raw`\left(X W_1^\top\right) \odot V_1`);
    expect(rhs('X @ (W1.T * V1)')).toBe(String.raw`X \left(W_1^\top \odot V_1\right)`);
    expect(rhs('X @ W1.T @ W1')).toBe(String.raw`X W_1^\top W_1`);
    expect(rhs('(dZ @ W2).T')).toBe(String.raw`\left(dZ W_2\right)^\top`);
    expect(rhs('X.T.T')).toBe(String.raw`{X^\top}^\top`);
    expect(rhs('(X / B).T ** 2')).toBe(String.raw`{\left(\frac{X}{B}\right)^\top}^{2}`);
  });

  it('every solution line and 300 random lines typeset without a KaTeX error', () => {
    const lines = ASSIGNMENTS.flatMap((a) => a.solution.map((l) => l.text));
    const rng = new Rng(7);
    const names = ['X', 'V1', 'Y1', 'dZ', 'W2', 'B', 'tmp', 'my_h2', '0.5', '2', '1e-3'];
    const unary = ['sigmoid', 'tanh', 'exp', 'log', 'relu', 'step', 'f', 'fprime'];
    const random = (depth: number): string => {
      const pick = <T>(xs: readonly T[]) => xs[rng.int(xs.length)]!;
      if (depth === 0 || rng.uniform(0, 1) < 0.25) return pick(names);
      const kind = rng.int(6);
      if (kind === 0) return `-${random(depth - 1)}`;
      if (kind === 1) return `(${random(depth - 1)}).T`;
      if (kind === 2) return `${pick(unary)}(${random(depth - 1)})`;
      if (kind === 3) return `sum(${random(depth - 1)}, ${rng.int(2)})`;
      if (kind === 4) return `${pick(names.slice(0, 7))}.T`;
      return `(${random(depth - 1)}) ${pick(['@', '*', '/', '+', '-', '**'])} (${random(depth - 1)})`;
    };
    for (let i = 0; i < 300; i++) lines.push(`g${i} = ${random(4)}`);
    for (const line of lines) expect(() => katex.renderToString(tex(line), { throwOnError: true }), line).not.toThrow();
  });
});
