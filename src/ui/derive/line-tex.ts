// A derivation's line as TeX, built from its parsed tree (never from the text the student typed, so
// that nothing typed reaches KaTeX but names, numbers and the language's operators): `dZ.T @ Y1`
// is dZ^\top Y_1, `sigmoid(V1)` is \sigma(V_1), `*` is ⊙ and `/` a fraction. No DOM here.
import type { Definition, Expr } from '../../derive/index';

/** How tightly a node binds: an operand that binds less tightly than its place needs parentheses. */
const ADD = 1;
const MUL = 2;
const NEGATE = 3;
const POWER = 4;
const ATOM = 5;

/** The built-in entrywise functions as TeX. */
const FUNCTIONS: Readonly<Record<string, string>> = {
  sigmoid: String.raw`\sigma`,
  tanh: String.raw`\tanh`,
  exp: String.raw`\exp`,
  log: String.raw`\log`,
  relu: String.raw`\operatorname{relu}`,
  step: String.raw`\operatorname{step}`,
};

/** sum and mean over the rows (axis 0), the columns (axis 1), or everything. */
const REDUCTIONS: Readonly<Record<string, readonly [string, string, string]>> = {
  sum: [String.raw`\operatorname{colsum}`, String.raw`\operatorname{rowsum}`, String.raw`\operatorname{sum}`],
  mean: [String.raw`\operatorname{colmean}`, String.raw`\operatorname{rowmean}`, String.raw`\operatorname{mean}`],
};

/** The line `name = expression` (or `f(v) = body`) as TeX. */
export function definitionTex(def: Definition): string {
  if (def.kind === 'function') return `${functionTex(def.name)}(${nameTex(def.param)}) = ${exprTex(def.body)}`;
  return `${nameTex(def.name)} = ${exprTex(def.expr)}`;
}

/** An expression as TeX, with parentheses only where the tree needs them. */
export function exprTex(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return numberTex(e.value);
    case 'name':
      return nameTex(e.name);
    case 'negate':
      return `-${operand(e.operand, NEGATE)}`;
    case 'transpose':
      return `${superscriptBase(e.operand)}^\\top`;
    case 'call':
      return callTex(e.callee, e.args);
    case 'binary': {
      const { op, left, right } = e;
      if (op === '/') return `\\frac{${exprTex(left)}}{${exprTex(right)}}`;
      if (op === '**') return `${superscriptBase(left)}^{${exprTex(right)}}`;
      if (op === '+' || op === '-') return `${operand(left, ADD)} ${op} ${operand(right, ADD + 1, true)}`;
      // ⊙ and the product written by juxtaposition: each associative on its own, not with the other.
      const sameOp = (x: Expr) => x.kind === 'binary' && x.op === op;
      const side = (x: Expr, onRight: boolean) => (precedence(x) === MUL && !sameOp(x) ? parenthesized(x) : operand(x, MUL, onRight));
      return op === '@' ? `${side(left, false)} ${side(right, true)}` : `${side(left, false)} \\odot ${side(right, true)}`;
    }
  }
}

/**
 * A name as TeX: trailing digits as a subscript (Y1 → Y_1, dW2 → dW_2); one letter, or d and one
 * letter, in math italic; a longer name upright as a word (\mathit for a helper's own name).
 */
export function nameTex(name: string): string {
  const short = /^d?[A-Za-z]$/;
  if (short.test(name)) return name;
  const m = /^([A-Za-z]+)(\d+)$/.exec(name);
  if (m && short.test(m[1]!)) return `${m[1]}_${m[2]!.length === 1 ? m[2] : `{${m[2]}}`}`;
  return `\\mathit{${name.replaceAll('_', '\\_')}}`;
}

function functionTex(name: string): string {
  if (name === 'fprime') return "f'";
  return /^[A-Za-z]$/.test(name) ? name : `\\operatorname{${name.replaceAll('_', '\\_')}}`;
}

function callTex(callee: string, args: Expr[]): string {
  const reduction = REDUCTIONS[callee];
  if (reduction) {
    const axis = args[1]?.kind === 'number' ? args[1].value : null;
    return `${reduction[axis === 0 ? 0 : axis === 1 ? 1 : 2]}(${exprTex(args[0]!)})`;
  }
  if (callee === 'ones') return `\\mathbf{1}_{${args.map(exprTex).join(' \\times ')}}`;
  const f = FUNCTIONS[callee] ?? functionTex(callee);
  return `${f}(${args.map(exprTex).join(', ')})`;
}

/** A number as JavaScript writes it, its exponent as a power of ten: 0.5, 10^{-7}, 2.5 \cdot 10^{-8}. */
function numberTex(value: number): string {
  const text = String(value);
  const exp = /^(\d+(?:\.\d+)?)e([-+]?\d+)$/.exec(text);
  if (!exp) return text;
  const power = `10^{${Number(exp[2])}}`;
  return exp[1] === '1' ? power : `${exp[1]} \\cdot ${power}`;
}

function precedence(e: Expr): number {
  if (e.kind === 'binary') {
    if (e.op === '+' || e.op === '-') return ADD;
    if (e.op === '**') return POWER;
    if (e.op === '/') return ATOM; // a fraction is a block of its own
    return MUL;
  }
  return e.kind === 'negate' ? NEGATE : ATOM;
}

/**
 * `e` as TeX, in parentheses where it binds less tightly than `needs`; a negation on the right of
 * an operator too (a ⊙ (−b), not a ⊙ −b).
 */
function operand(e: Expr, needs: number, onRight = false): string {
  return precedence(e) < needs || (onRight && e.kind === 'negate') ? parenthesized(e) : exprTex(e);
}

/** What a superscript (ᵀ or a power) sits on: grouped where it carries one already, so that TeX sees no double superscript. */
function superscriptBase(e: Expr): string {
  if (e.kind === 'transpose') return `{${exprTex(e)}}`;
  if (e.kind === 'binary' && e.op === '/') return parenthesized(e);
  return operand(e, ATOM);
}

function parenthesized(e: Expr): string {
  return `\\left(${exprTex(e)}\\right)`;
}
