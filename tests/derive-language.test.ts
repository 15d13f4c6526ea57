// The derivation language's tokenizer and parser: numpy's precedence, positions on every node,
// messages with a line and a column for every text that does not parse, and 500 random and mutated
// texts (seeded) through the parser and the whole check without an exception escaping.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/base/rng';
import { ASSIGNMENTS, assignmentProblem, solutionText } from '../src/derive/assignments';
import { checkDerivation } from '../src/derive/check';
import { parseDerivation, parseLine } from '../src/derive/parser';
import { sourceOf, type Expr } from '../src/derive/tree';

/** The tree as a Lisp-like string, to compare structure at a glance. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'name':
      return e.name;
    case 'negate':
      return `(neg ${show(e.operand)})`;
    case 'transpose':
      return `(T ${show(e.operand)})`;
    case 'binary':
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'call':
      return `(${e.callee} ${e.args.map(show).join(' ')})`;
  }
}

function expression(text: string): string {
  const parsed = parseLine(`g = ${text}`, 1);
  if (!parsed || parsed.error) throw new Error(parsed?.error.message ?? 'blank');
  const def = parsed.definition;
  if (def.kind !== 'tensor') throw new Error('not a tensor line');
  return show(def.expr);
}

function errorOf(text: string): string {
  const program = parseDerivation(text);
  const failed = program.lines.find((l) => l.error);
  if (!failed?.error) throw new Error(`no error in ${JSON.stringify(text)}`);
  return failed.error.message;
}

describe('parsing', () => {
  it("reads the seed's seven lines into tensor definitions, each node spanning its own characters", () => {
    const text = solutionText(ASSIGNMENTS.find((a) => a.id === 'swish-mlp')!);
    const program = parseDerivation(`# the seed\n\n${text}`);
    expect(program.lines.map((l) => l.definition?.name)).toEqual(['dZ', 'dW2', 'db2', 'dY1', 'dV1', 'dW1', 'db1']);
    expect(program.lines.map((l) => l.line)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    const dW2 = program.lines[1]!;
    expect(dW2.error).toBeNull();
    if (dW2.definition?.kind !== 'tensor') throw new Error('tensor line expected');
    const { expr } = dW2.definition;
    expect(show(expr)).toBe('(@ (T dZ) Y1)');
    expect(sourceOf(expr.span, dW2.text)).toBe('dZ.T @ Y1');
    if (expr.kind !== 'binary') throw new Error('binary expected');
    expect(sourceOf(expr.opSpan, dW2.text)).toBe('@');
    expect(expr.span).toEqual({ line: 4, column: 7, endColumn: 16 });
    expect(show((program.lines[0]!.definition as { expr: Expr }).expr)).toBe('(/ (- A T) B)');
  });

  it("follows numpy's precedence: .T > ** > unary minus > @ * / (left to right) > + -", () => {
    expect(expression('-a @ b.T * c + d')).toBe('(+ (* (@ (neg a) (T b)) c) d)');
    expect(expression('a - b - c')).toBe('(- (- a b) c)');
    expect(expression('a / b * c')).toBe('(* (/ a b) c)');
    expect(expression('a @ b @ c')).toBe('(@ (@ a b) c)');
    expect(expression('-x ** 2')).toBe('(neg (** x 2))');
    expect(expression('2 ** -1')).toBe('(** 2 (neg 1))');
    expect(expression('a ** b ** c')).toBe('(** a (** b c))');
    expect(expression('(a + b).T.T')).toBe('(T (T (+ a b)))');
    expect(expression('+a - -b')).toBe('(- a (neg b))');
    expect(expression('sum(dZ, 0) + mean(dZ, 1).T')).toBe('(+ (sum dZ 0) (T (mean dZ 1)))');
    expect(expression('ones(B, 1).T @ dZ')).toBe('(@ (T (ones B 1)) dZ)');
  });

  it('reads numbers as Python writes them, and comments after a line', () => {
    expect(expression('1 + 0.5 + .5 + 1. + 1e-3 + 2.5E+4  # a comment')).toBe('(+ (+ (+ (+ (+ 1 0.5) 0.5) 1) 0.001) 25000)');
    const fn = parseLine('fprime(v) = sigmoid(v) * (1 + v * (1 - sigmoid(v)))', 2);
    expect(fn?.definition).toMatchObject({ kind: 'function', name: 'fprime', param: 'v' });
    expect(parseDerivation('  # only a comment\n\n   \n').lines).toEqual([]);
  });

  it('keeps the parentheses in a span, so that a message quotes what was written', () => {
    const parsed = parseLine('h = (A - T) / B', 1);
    if (parsed?.definition?.kind !== 'tensor') throw new Error('tensor line expected');
    const e = parsed.definition.expr;
    if (e.kind !== 'binary') throw new Error('binary expected');
    expect(sourceOf(e.left.span, parsed.text)).toBe('(A - T)');
  });
});

describe('parse errors', () => {
  it('say the line and column (1-based) and what was expected', () => {
    expect(errorOf('dZ = (A - T) / B\ndW2 = dZ.T @ Y1\ndb2 = sum(dZ, 0')).toBe(
      "line 3, column 16: expected ')' after the arguments of sum (opened at column 10); the line ends",
    );
    expect(errorOf('dZ = (A - T / B')).toBe("line 1, column 16: expected ')' to close the '(' at column 6");
    expect(errorOf('dZ = A -')).toBe("line 1, column 9: expected an expression after '-', but the line ends");
    expect(errorOf('dZ = A T')).toBe('line 1, column 8: expected an operator or the end of the line, not the name T: is an operator missing before it?');
    expect(errorOf('dZ = A - T)')).toBe("line 1, column 11: expected an operator or the end of the line, not ')': is a '(' missing?");
    expect(errorOf('dZ A - T')).toBe("line 1, column 1: a line is a definition, name = expression, and this one has no '='");
    expect(errorOf('dZ(1) = T')).toBe("line 1, column 4: expected the function's variable, as in dZ(v) = …");
    expect(errorOf('2 = A')).toBe('line 1, column 1: a line starts with the name it defines, not the number 2');
    expect(errorOf('dZ = * A')).toBe("line 1, column 6: expected an expression after '=', not '*'");
  });

  it("say what to write instead of numpy's spellings and of symbols from the paper", () => {
    expect(errorOf('a = np.exp(V1)')).toBe('line 1, column 7: write exp(…) without np.');
    expect(errorOf('a = V1.shape')).toBe("line 1, column 7: '.shape' is not part of the language: only .T (transpose) follows a tensor");
    expect(errorOf('a = V1 ^ 2')).toBe('line 1, column 8: unexpected character "^": a power is written **');
    expect(errorOf("a = W2' @ dZ")).toBe('line 1, column 7: unexpected character "\'": a transpose is written .T, as in W2.T');
    expect(errorOf('a = σ(V1)')).toBe('line 1, column 5: unexpected character "σ": σ is written sigmoid(…)');
    expect(errorOf('a = sum(dZ, axis=0)')).toBe('line 1, column 13: no keyword arguments here: write sum(…, 0) rather than axis=…');
    expect(errorOf('a = 2V1')).toBe('line 1, column 6: a number is followed by a name: write 2 * V1');
    expect(errorOf('a = 1e999')).toBe('line 1, column 5: 1e999 is too large for a float64');
  });

  it('refuse a line nested too deeply for the walks over the tree, with a position', () => {
    const deep = `a = ${'('.repeat(150)}X${')'.repeat(150)}`;
    expect(errorOf(deep)).toMatch(/^line 1, column \d+: nested more than 100 deep/);
  });
});

/** A random line from the language's own pieces, often broken. */
function randomLine(rng: Rng): string {
  const pieces = 'dZ|dW1|X|V1|W2|B|f|v|(|)|.T|@|*|/|+|-|**|,|=|0|1|0.5|1e-3|sum|sigmoid|ones|#|  |np|.|^|σ|[|"'.split('|');
  const n = 1 + rng.int(14);
  return Array.from({ length: n }, () => pieces[rng.int(pieces.length)]).join(rng.int(2) ? ' ' : '');
}

/** A correct solution with a few characters deleted, inserted or swapped. */
function mutated(rng: Rng, text: string): string {
  const chars = [...text];
  const edits = 1 + rng.int(4);
  const alphabet = '()@*/+-.T=,0123456789 abBdXYZVW#\n';
  for (let k = 0; k < edits; k++) {
    const at = rng.int(chars.length + 1);
    const op = rng.int(3);
    if (op === 0) chars.splice(at, 1);
    else if (op === 1) chars.splice(at, 0, alphabet[rng.int(alphabet.length)]!);
    else chars[at] = alphabet[rng.int(alphabet.length)]!;
  }
  return chars.join('');
}

describe('fuzz: 500 random and mutated texts (seed 28)', () => {
  it('never let an exception escape, and every error has a line and a column', () => {
    const rng = new Rng(28);
    const problems = ASSIGNMENTS.map((a) => ({ a, problem: assignmentProblem(a, 3) }));
    let errors = 0;
    for (let k = 0; k < 500; k++) {
      const { a, problem } = problems[k % problems.length]!;
      const text = k % 2 === 0 ? mutated(rng, solutionText(a)) : Array.from({ length: 1 + rng.int(5) }, () => randomLine(rng)).join('\n');
      const lineCount = text.split('\n').length;
      const program = parseDerivation(text);
      for (const l of program.lines) {
        if (!l.error) continue;
        errors++;
        expect(l.error.line, text).toBe(l.line);
        expect(l.error.column, text).toBeGreaterThanOrEqual(1);
        expect(l.error.column, text).toBeLessThanOrEqual(l.text.length + 1);
        expect(l.error.message).toBe(`line ${l.error.line}, column ${l.error.column}: ${l.error.reason}`);
      }
      const report = checkDerivation(text, problem);
      for (const r of report.lines) {
        expect(r.line, text).toBeLessThanOrEqual(lineCount);
        if (r.verdict !== 'error') continue;
        expect(r.column, `${text}\n${r.message}`).toBeGreaterThanOrEqual(1);
        expect(r.message, text).toMatch(new RegExp(`^line ${r.line}, column ${r.column}: `));
      }
    }
    expect(errors).toBeGreaterThan(200);
  });
});
