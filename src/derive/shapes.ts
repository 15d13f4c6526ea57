// The shape of every node of a line, with named dimensions, as the student types: a matrix product
// whose inner sizes differ, or an entrywise operation whose shapes do not broadcast, is an error
// that shows both shapes in the student's names and, where transposing one operand would make it
// fit, the line that would. Runs after names.ts, so every name and call here means something.
import { broadcastShape, formatShape, matmulShape, SCALAR, sizeDim, transposeShape, type Dim, type Shape } from './dims';
import { isReduction } from './functions';
import { deriveError, sourceOf, type BinaryNode, type DeriveError, type Expr } from './tree';

/** What the shape checker needs to know of the names. */
export interface ShapeScope {
  /** The shape of a tensor name (a dimension name is a scalar); undefined when it has none (a line in error). */
  shapeOf(name: string): Shape | undefined;
  /** A dimension by name (B, D, H1, C; n, m). */
  dimension(name: string): Dim | undefined;
}

/** Every node's shape, or the first shape error (in evaluation order). */
export type ShapeResult = { shapes: Map<Expr, Shape>; error: null } | { shapes: null; error: DeriveError };

/** Infers the shapes of a tensor line's expression; `lineText` is its line, for quoting operands. */
export function inferShapes(expr: Expr, scope: ShapeScope, lineText: string): ShapeResult {
  const shapes = new Map<Expr, Shape>();
  let error: DeriveError | null = null;
  const fail = (line: number, column: number, reason: string): null => {
    error ??= deriveError(line, column, reason);
    return null;
  };

  const visit = (e: Expr): Shape | null => {
    const s = shapeOfNode(e);
    if (s) shapes.set(e, s);
    return s;
  };

  const shapeOfNode = (e: Expr): Shape | null => {
    switch (e.kind) {
      case 'number':
        return SCALAR;
      case 'name': {
        const s = scope.dimension(e.name) ? SCALAR : scope.shapeOf(e.name);
        return s ?? fail(e.span.line, e.span.column, `${e.name} has no shape (its line has an error)`);
      }
      case 'negate':
        return visit(e.operand);
      case 'transpose': {
        const s = visit(e.operand);
        return s && transposeShape(s);
      }
      case 'binary': {
        const left = visit(e.left);
        const right = left && visit(e.right);
        if (!left || !right) return null;
        const s = e.op === '@' ? matmulShape(left, right) : broadcastShape(left, right);
        return s ?? fail(e.opSpan.line, e.opSpan.column, mismatch(e, left, right, lineText));
      }
      case 'call': {
        const args = e.args.map((a) => (a.kind === 'name' && e.callee === 'ones' ? null : visit(a)));
        if (e.callee === 'ones') return { rows: sizeArg(e.args[0]!, scope), cols: sizeArg(e.args[1]!, scope) };
        const arg = args[0];
        if (!arg) return null;
        if (!isReduction(e.callee)) return arg;
        const axis = e.args[1]?.kind === 'number' ? e.args[1].value : null;
        if (axis === 0) return { rows: sizeDim(1), cols: arg.cols };
        if (axis === 1) return { rows: arg.rows, cols: sizeDim(1) };
        return SCALAR;
      }
    }
  };

  const root = visit(expr);
  if (!root || error) return { shapes: null, error: error ?? deriveError(expr.span.line, expr.span.column, 'this line has no shape') };
  return { shapes, error: null };
}

/** A size argument of ones(): a whole number or a dimension name (names.ts has checked which). */
function sizeArg(arg: Expr, scope: ShapeScope): Dim {
  if (arg.kind === 'name') return scope.dimension(arg.name)!;
  return sizeDim(arg.kind === 'number' ? arg.value : 1);
}

/**
 * "dZ.T @ W2: [C, B] @ [C, H1] — the inner sizes B and C differ; did you mean dZ @ W2?"
 * "dY1 * V2: [B, H1] * [B, H2] — H1 and H2 differ, and neither is 1 to broadcast"
 */
function mismatch(e: BinaryNode, left: Shape, right: Shape, lineText: string): string {
  const l = sourceOf(e.left.span, lineText);
  const r = sourceOf(e.right.span, lineText);
  const head = `${l} ${e.op} ${r}: ${formatShape(left)} ${e.op} ${formatShape(right)} — `;
  let why: string;
  if (e.op === '@') why = `the inner sizes ${left.cols.name} and ${right.rows.name} differ`;
  else {
    const [a, b] = left.rows.size !== right.rows.size && left.rows.size !== 1 && right.rows.size !== 1 ? [left.rows, right.rows] : [left.cols, right.cols];
    why = `${a.name} and ${b.name} differ, and neither is 1 to broadcast`;
  }
  const result = (a: Shape, b: Shape) => (e.op === '@' ? matmulShape(a, b) : broadcastShape(a, b));
  // Where the dimensions meet, the same name (not only the same size) marks the likelier fix.
  const axes = (s: Shape) => [s.rows, s.cols];
  const meet = (d: Dim, o: Dim) => d.size === 1 || o.size === 1 || d.name === o.name;
  const namesMeet = (a: Shape, b: Shape) => (e.op === '@' ? a.cols.name === b.rows.name : axes(a).every((d, k) => meet(d, axes(b)[k]!)));
  // One operand turned round, never both: two changes that happen to fit are rarely the slip that was made.
  const tries: Array<[Shape, Shape, string]> = [
    [transposeShape(left), right, `${toggled(e.left, l)} ${e.op} ${r}`],
    [left, transposeShape(right), `${l} ${e.op} ${toggled(e.right, r)}`],
  ];
  const fitting = tries.filter(([a, b]) => result(a, b) !== null);
  const fix = fitting.find(([a, b]) => namesMeet(a, b)) ?? fitting[0];
  return `${head}${why}${fix ? `; did you mean ${fix[2]}?` : ''}`;
}

/** The operand with its transpose added or taken away: "W2" ↔ "W2.T", "a + b" → "(a + b).T". */
function toggled(operand: Expr, source: string): string {
  if (operand.kind === 'transpose' && source.endsWith('.T')) return source.slice(0, -2);
  const atomic = operand.kind === 'name' || operand.kind === 'number' || operand.kind === 'call' || operand.kind === 'transpose' || wrapped(source);
  return atomic ? `${source}.T` : `(${source}).T`;
}

/** Whether the whole text is one parenthesised group, "(a + b)" but not "(a) + (b)". */
function wrapped(source: string): boolean {
  if (!source.startsWith('(')) return false;
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '(') depth++;
    else if (source[i] === ')' && --depth === 0) return i === source.length - 1;
  }
  return false;
}
