// checkDerivation on the built-in assignments: every correct solution passes; the seed's two
// mistakes (σ(2 − σ) and W2 where W2ᵀ belongs), a missing 1/B, the autoencoder's forgotten term, a
// transpose and a flipped sign are each diagnosed on the right lines, with the lines that use them
// marked as inheriting; names and shapes are refused with the student's names.
import { describe, expect, it } from 'vitest';
import { ASSIGNMENTS, assignmentById, assignmentProblem, solutionText, starterText } from '../src/derive/assignments';
import { checkDerivation } from '../src/derive/check';
import { randomProblem, type Problem } from '../src/derive/problem';
import type { LineReport } from '../src/derive/report';

function assignment(id: string) {
  const a = assignmentById(id);
  if (!a) throw new Error(`no assignment ${id}`);
  return a;
}

/** The assignment's solution with `from` replaced by `to` (which must occur). */
function edited(id: string, from: string, to: string): string {
  const text = solutionText(assignment(id));
  expect(text).toContain(from);
  return text.replace(from, to);
}

function byName(lines: LineReport[]): Record<string, LineReport> {
  return Object.fromEntries(lines.map((l) => [l.name ?? `line ${l.line}`, l]));
}

/** The swish MLP at the assignment's sizes (D 5, H1 6, C 3, B 8), or with H1 = C = 3. */
const swish = assignmentProblem(assignment('swish-mlp'), 11);
const swishSquare = randomProblem({ model: 'mlp', D: 5, hidden: [3], C: 3, activation: 'swish', B: 8 }, 11);

describe('the correct derivations', () => {
  it.each(ASSIGNMENTS.map((a) => [a.id, a] as const))('%s: every line right, nothing missing', (_, a) => {
    const report = checkDerivation(solutionText(a), assignmentProblem(a, 5), { required: a.required });
    expect(report.summary.allRight, report.summary.message).toBe(true);
    expect(report.summary.missing).toEqual([]);
    for (const l of report.lines) {
      if (l.kind === 'gradient') {
        expect(l.verdict, `${l.name}: ${l.message}`).toBe('right');
        expect(l.relError!).toBeLessThan(1e-12);
      }
    }
  });

  it('keeps a right line right when it uses nothing the student defined', () => {
    const report = checkDerivation('dW2 = ((A - T) / B).T @ Y1', swish, { required: ['dW2'] });
    expect(report.lines[0]).toMatchObject({ name: 'dW2', verdict: 'right', dependsOn: ['A', 'T', 'B', 'Y1'] });
    expect(report.summary.allRight).toBe(true);
  });

  it('gives a starter text with the given lines and a hint for each other one', () => {
    const text = starterText(assignment('swish-mlp'));
    expect(text).toContain('\ndZ = (A - T) / B\n');
    expect(text).toMatch(/^# dV1 = \? {3}\(swish\(v\) = v σ\(v\) is a product/m);
    const report = checkDerivation(text, swish);
    expect(report.summary.missing).toEqual(['dW2', 'db2', 'dW1', 'db1']);
    expect(report.summary.allRight).toBe(false);
  });
});

describe("the seed's mistakes", () => {
  it('σ(2 − σ) makes exactly dV1, dW1 and db1 wrong: dV1 on its own, dW1 and db1 through it', () => {
    const text = edited('swish-mlp', 'sigmoid(V1) * (1 + V1 * (1 - sigmoid(V1)))', 'sigmoid(V1) * (2 - sigmoid(V1))');
    const lines = byName(checkDerivation(text, swish).lines);
    for (const name of ['dZ', 'dW2', 'db2', 'dY1']) expect(lines[name]!.verdict, name).toBe('right');
    expect(lines.dV1).toMatchObject({ verdict: 'wrong' });
    expect(lines.dV1!.inherits).toBeUndefined();
    expect(lines.dV1!.relError!).toBeGreaterThan(1e-2);
    expect(lines.dV1!.message).toMatch(/^wrong: relative error \S+; \d+ of 48 entries differ$/);
    expect(lines.dV1!.wrongMask!.some((m) => m === 1)).toBe(true);
    for (const name of ['dW1', 'db1']) {
      expect(lines[name], name).toMatchObject({ verdict: 'wrong', inherits: ['dV1'] });
      expect(lines[name]!.message).toBe('wrong: uses dV1, which is wrong; with the true dV1 this line is right');
    }
  });

  it('W2 where W2ᵀ belongs is a shape error on its line when C ≠ H1, and the lines below say so', () => {
    const text = edited('swish-mlp', 'dY1 = dZ @ W2', 'dY1 = dZ @ W2.T');
    const report = checkDerivation(text, swish);
    const lines = byName(report.lines);
    expect(lines.dY1!.verdict).toBe('error');
    expect(lines.dY1!.message).toBe('line 4, column 10: dZ @ W2.T: [B, C] @ [H1, C] — the inner sizes C and H1 differ; did you mean dZ @ W2?');
    expect(lines.dV1).toMatchObject({ verdict: 'error', column: 7, inherits: ['dY1'] });
    expect(lines.dV1!.message).toBe('line 5, column 7: uses dY1, which has an error (line 4); with the true dY1 this line would be right');
    for (const name of ['dW1', 'db1']) expect(lines[name]!.message, name).toMatch(/uses dV1, which has an error \(line 5\)/);
    for (const name of ['dZ', 'dW2', 'db2']) expect(lines[name]!.verdict).toBe('right');
    expect(report.summary.message).toBe('3 of 3 checked lines right; errors on lines 4, 5, 6, 7');
  });

  it('W2 where W2ᵀ belongs is only a wrong value when C = H1: dY1 wrong, the lines below inheriting', () => {
    const text = edited('swish-mlp', 'dY1 = dZ @ W2', 'dY1 = dZ @ W2.T');
    const lines = byName(checkDerivation(text, swishSquare).lines);
    expect(lines.dY1).toMatchObject({ verdict: 'wrong' });
    expect(lines.dY1!.inherits).toBeUndefined();
    expect(lines.dV1).toMatchObject({ verdict: 'wrong', inherits: ['dY1'] });
    expect(lines.dW1).toMatchObject({ verdict: 'wrong', inherits: ['dV1'] });
    expect(lines.db1).toMatchObject({ verdict: 'wrong', inherits: ['dV1'] });
  });
});

describe('diagnoses', () => {
  it('a missing 1/B: dZ is B times too large, and every line below inherits it', () => {
    const text = edited('swish-mlp', 'dZ = (A - T) / B', 'dZ = A - T');
    const report = checkDerivation(text, swish);
    const lines = byName(report.lines);
    expect(lines.dZ).toMatchObject({ verdict: 'wrong', scale: expect.closeTo(8, 9) });
    expect(lines.dZ!.message).toMatch(/; it is B times too large$/);
    expect(lines.dW2).toMatchObject({ verdict: 'wrong', inherits: ['dZ'], scale: expect.closeTo(8, 9) });
    expect(lines.dW2!.message).toBe('wrong: uses dZ, which is wrong; with the true dZ this line is right (as it stands, it is B times too large)');
    expect(lines.db1).toMatchObject({ verdict: 'wrong', inherits: ['dV1'] });
    expect(report.summary.wrong).toBe(7);
  });

  it('B times too small, and other factors, in words', () => {
    const small = byName(checkDerivation(edited('swish-mlp', 'dZ = (A - T) / B', 'dZ = (A - T) / B / B'), swish).lines);
    expect(small.dZ!.message).toMatch(/it is B times too small$/);
    const double = byName(checkDerivation(edited('swish-mlp', 'db2 = sum(dZ, 0)', 'db2 = 2 * sum(dZ, 0)'), swish).lines);
    expect(double.db2).toMatchObject({ scale: expect.closeTo(2, 9) });
    expect(double.db2!.message).toMatch(/it is 2\.0× the true gradient$/);
    const nearOne = byName(checkDerivation(edited('swish-mlp', 'db2 = sum(dZ, 0)', 'db2 = 1.0001 * sum(dZ, 0)'), swish).lines);
    expect(nearOne.db2!.message).toMatch(/it is 1\.000100× the true gradient$/);
  });

  it('a flipped sign', () => {
    const lines = byName(checkDerivation(edited('swish-mlp', 'dW1 = dV1.T @ X', 'dW1 = -dV1.T @ X'), swish).lines);
    expect(lines.dW1).toMatchObject({ verdict: 'wrong', scale: expect.closeTo(-1, 9) });
    expect(lines.dW1!.message).toMatch(/; the sign is flipped$/);
  });

  it('a transpose: a shape error that says so, or, for a square tensor, a wrong value that says so', () => {
    const text = edited('swish-mlp', 'dW2 = dZ.T @ Y1', 'dW2 = Y1.T @ dZ');
    const lines = byName(checkDerivation(text, swish).lines);
    expect(lines.dW2).toMatchObject({ verdict: 'error', transposed: true });
    expect(lines.dW2!.message).toBe('line 2, column 7: dW2 is [C, H1] but this line gives [H1, C]; it holds the true dW2, transposed');
    const square = byName(checkDerivation(text, swishSquare).lines);
    expect(square.dW2).toMatchObject({ verdict: 'wrong', transposed: true });
    expect(square.dW2!.message).toMatch(/; it holds the true dW2, transposed$/);
  });

  it('right in some rows only: which rows', () => {
    const lines = byName(checkDerivation(edited('swish-mlp', 'dZ = (A - T) / B', 'dZ = (A - T) / B * step(sum(X, 1))'), swish).lines);
    const { rows } = lines.dZ!;
    expect(rows!.total).toBe(8);
    expect(rows!.wrong.length).toBeGreaterThan(0);
    expect(rows!.wrong.length).toBeLessThan(8);
    expect(lines.dZ!.message).toContain(`right in ${8 - rows!.wrong.length} of 8 rows; wrong in row`);
  });

  it("the autoencoder with one of W's two terms is wrong, with either term", () => {
    const problem = assignmentProblem(assignment('autoencoder'), 2);
    for (const term of ['dZ.T @ X', 'Z.T @ dV']) {
      const lines = byName(checkDerivation(edited('autoencoder', 'dW = dZ.T @ X + Z.T @ dV', `dW = ${term}`), problem).lines);
      expect(lines.dW).toMatchObject({ verdict: 'wrong' });
      expect(lines.dW!.relError!).toBeGreaterThan(1e-2);
      expect(lines.dW!.inherits).toBeUndefined();
    }
    const oneLine = checkDerivation('dW = (W @ V.T @ X + Z.T @ V) / B', problem);
    expect(oneLine.lines[0]).toMatchObject({ verdict: 'right' });
    expect(oneLine.summary.allRight).toBe(true);
  });

  it('exposes the tensors for a heatmap and the shape of every node for a code generator', () => {
    const text = edited('swish-mlp', 'sigmoid(V1) * (1 + V1 * (1 - sigmoid(V1)))', 'sigmoid(V1) * (2 - sigmoid(V1))');
    const dV1 = byName(checkDerivation(text, swish).lines).dV1!;
    expect(dV1.value).toMatchObject({ rows: 8, cols: 6 });
    expect(dV1.truth).toMatchObject({ rows: 8, cols: 6 });
    expect(dV1.wrongMask!.length).toBe(48);
    expect(dV1.dependsOn).toEqual(['dY1', 'V1']);
    expect(dV1.shape).toMatchObject({ rows: { name: 'B', size: 8 }, cols: { name: 'H1', size: 6 } });
    expect(dV1.definition?.kind).toBe('tensor');
    if (dV1.definition?.kind !== 'tensor') return;
    expect(dV1.shapes!.get(dV1.definition.expr)).toBe(dV1.shape);
    expect(dV1.shapes!.size).toBeGreaterThan(8);
  });
});

describe('names and shapes', () => {
  const at = (text: string, problem: Problem = swish) => checkDerivation(text, problem).lines.map((l) => l.message);

  it('an unknown name lists the known ones, and guesses a typo', () => {
    expect(at('dW2 = G.T @ Y1')[0]).toBe("line 1, column 7: unknown name 'G'; the names here are X, T, V1, Y1, Z, A, W1, b1, W2, b2, B, D, H1, C");
    expect(at('dZ = (A - T) / B\ndW2 = dz.T @ Y1')[1]).toMatch(/^line 2, column 7: unknown name 'dz' \(did you mean dZ\?\); the names here are /);
    expect(at('dZ = (A - T) / B\ndW2 = dZ.T @ Y2')[1]).toBe(
      "line 2, column 14: unknown name 'Y2' (did you mean Y1?); the names here are X, T, V1, Y1, Z, A, W1, b1, W2, b2, B, D, H1, C, and the lines above: dZ",
    );
    expect(at('g = sigmod(V1)')[0]).toBe(
      "line 1, column 5: unknown function 'sigmod' (did you mean sigmoid?); the functions are sigmoid, tanh, exp, log, relu, step, sum, mean, ones",
    );
  });

  it('a name used before its line, a name defined twice, and a name the forward pass gives are errors', () => {
    expect(at('dW2 = dZ.T @ Y1\ndZ = (A - T) / B')[0]).toBe(
      'line 1, column 7: dZ is used before it is defined (on line 2): a line may use only the lines above it',
    );
    const twice = at('dZ = (A - T) / B\ndZ = A - T\ndW2 = dZ.T @ Y1');
    expect(twice[1]).toBe('line 2, column 1: dZ is already defined on line 1: each name is defined once');
    expect(twice[2]).toBe('right (relative error 0.0e+0)');
    expect(at('X = A - T')[0]).toBe('line 1, column 1: X is given by the forward pass: give your line another name');
  });

  it("an entrywise mismatch names both shapes in the student's dimensions", () => {
    const deep = assignmentProblem(assignment('deep-tanh'), 1);
    const text = edited('deep-tanh', 'dV1 = dY1 * (1 - Y1 * Y1)', 'dV1 = dY1 * (1 - V2 * V2)');
    expect(at(text, deep)[8]).toBe('line 9, column 11: dY1 * (1 - V2 * V2): [B, H1] * [B, H2] — H1 and H2 differ, and neither is 1 to broadcast');
  });

  it('a matrix product whose inner sizes differ suggests the transpose that fits', () => {
    expect(at('dZ = (A - T) / B\ndY1 = dZ.T @ W2')[1]).toBe(
      'line 2, column 12: dZ.T @ W2: [C, B] @ [C, H1] — the inner sizes B and C differ; did you mean dZ @ W2?',
    );
    const batchLikeH1 = randomProblem({ model: 'mlp', D: 5, hidden: [6], C: 3, activation: 'swish', B: 6 }, 1);
    expect(at('dZ = (A - T) / B\ndY1 = dZ @ W2.T', batchLikeH1)[1]).toMatch(/the inner sizes C and H1 differ; did you mean dZ @ W2\?$/);
    expect(at('dZ = (A - T) / B\ndW1 = sum(dZ, 1)')[1]).toBe('line 2, column 7: dW1 is [H1, D] but this line gives [B, 1]');
  });

  it('sizes and broadcasting as numpy has them: a row over the rows, ones(B, 1) with named sizes', () => {
    const text = 'dZ = (A - T) / B\ndb2 = ones(B, 1).T @ dZ\nm = mean(dZ, 0) * B + 0 * b2';
    const lines = checkDerivation(text, swish).lines;
    expect(lines[1]).toMatchObject({ name: 'db2', verdict: 'right' });
    expect(lines[2]).toMatchObject({ verdict: 'helper', message: 'a helper, [1, C]' });
  });
});

describe('a custom activation', () => {
  const custom = assignment('custom-activation');
  const problem = assignmentProblem(custom, 4);

  it('checks fprime against f by central differences, and says where it is wrong', () => {
    const text = edited('custom-activation', 'fprime(v) = sigmoid(v)', 'fprime(v) = sigmoid(v) * (1 - sigmoid(v))');
    const lines = byName(checkDerivation(text, problem).lines);
    expect(lines.f).toMatchObject({ verdict: 'helper', kind: 'function' });
    expect(lines.fprime).toMatchObject({ verdict: 'wrong', kind: 'function' });
    expect(lines.fprime!.message).toMatch(
      /^fprime is not the derivative of f: at v = \S+ it gives \S+, while the slope of f there is \S+ \(wrong at \d+ of 41 points/,
    );
    expect(lines.dV1).toMatchObject({ verdict: 'wrong', inherits: ['fprime'] });
    expect(lines.dW1).toMatchObject({ verdict: 'wrong', inherits: ['dV1'] });
    expect(lines.dW2!.verdict).toBe('right');
  });

  it('takes any f the student gives, with its derivative', () => {
    const text = edited(
      'custom-activation',
      'f(v) = log(1 + exp(v))\nfprime(v) = sigmoid(v)',
      'f(v) = v * tanh(v)\nfprime(v) = tanh(v) + v * (1 - tanh(v) ** 2)',
    );
    const report = checkDerivation(text, problem);
    expect(report.summary.allRight, report.summary.message).toBe(true);
  });

  it('without f there is no forward pass, and every tensor line says so', () => {
    const text = solutionText(custom).replace('f(v) = log(1 + exp(v))\n', '');
    const report = checkDerivation(text, problem);
    expect(report.bindings).toBeNull();
    expect(report.lines.find((l) => l.name === 'dZ')!.message).toMatch(/the forward pass needs your activation: define it on a line f\(v\) = …/);
    expect(report.summary.missing).toEqual(['f']);
  });

  it('an f that is not finite everywhere is an error on its line', () => {
    const text = edited('custom-activation', 'f(v) = log(1 + exp(v))', 'f(v) = log(v)');
    const lines = byName(checkDerivation(text, problem).lines);
    expect(lines.f!.verdict).toBe('error');
    expect(lines.f!.message).toMatch(/^line 1, column 1: f\(-3\.927\) is NaN: an activation must be a finite number for every v$/);
    expect(lines.dZ!.message).toMatch(/its line \(1\) has an error/);
  });
});
