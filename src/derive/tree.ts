// The tree the derivation language parses into: what the shape checker, the float64 evaluator and
// (later) a WGSL generator walk. Every node knows where it came from, so a message or a highlight
// can point at the exact characters. One definition per line, so a position is a line and columns.

/** Where a node stands: 1-based line, 1-based column of its first character, column just past its last. */
export interface Span {
  line: number;
  column: number;
  endColumn: number;
}

/** The operators between two operands; all but '@' work entry by entry, with numpy's broadcasting. */
export type BinaryOperator = '@' | '*' | '/' | '+' | '-' | '**';

export interface NumberNode {
  kind: 'number';
  value: number;
  span: Span;
}

/** A name: a tensor of the forward pass, a line above, a dimension (a number), or a function's variable. */
export interface NameNode {
  kind: 'name';
  name: string;
  span: Span;
}

export interface NegateNode {
  kind: 'negate';
  operand: Expr;
  span: Span;
}

export interface BinaryNode {
  kind: 'binary';
  op: BinaryOperator;
  left: Expr;
  right: Expr;
  /** The operator's own characters, where a shape message points. */
  opSpan: Span;
  span: Span;
}

/** Postfix `.T`. */
export interface TransposeNode {
  kind: 'transpose';
  operand: Expr;
  span: Span;
}

/** `sum(E, 0)`, `sigmoid(V1)`, `ones(B, 1)`, or a function defined by a line above. */
export interface CallNode {
  kind: 'call';
  callee: string;
  calleeSpan: Span;
  args: Expr[];
  span: Span;
}

export type Expr = NumberNode | NameNode | NegateNode | BinaryNode | TransposeNode | CallNode;

/** `name = expression`: a tensor. */
export interface TensorDefinition {
  kind: 'tensor';
  name: string;
  nameSpan: Span;
  expr: Expr;
}

/** `name(v) = expression`: a function applied entry by entry (the custom activation's f and fprime). */
export interface FunctionDefinition {
  kind: 'function';
  name: string;
  nameSpan: Span;
  param: string;
  paramSpan: Span;
  body: Expr;
}

export type Definition = TensorDefinition | FunctionDefinition;

/** A message about the text, at a line and column (both 1-based). */
export interface DeriveError {
  line: number;
  column: number;
  /** What is wrong, without the position. */
  reason: string;
  /** "line 3, column 12: " and the reason. */
  message: string;
}

/** One line that is neither blank nor only a comment. */
export type ParsedLine =
  | { line: number; text: string; definition: Definition; error: null }
  /** `name` is the defined name where the line got that far, so that later lines that use it can say so. */
  | { line: number; text: string; definition: null; error: DeriveError; name: string | null };

export interface Program {
  lines: ParsedLine[];
}

/** A DeriveError at a position. */
export function deriveError(line: number, column: number, reason: string): DeriveError {
  return { line, column, reason, message: `line ${line}, column ${column}: ${reason}` };
}

/** The characters of a node in its line's text. */
export function sourceOf(span: Span, lineText: string): string {
  return lineText.slice(span.column - 1, span.endColumn - 1);
}

/** The span from the start of `a` to the end of `b` (same line). */
export function joinSpans(a: Span, b: Span): Span {
  return { line: a.line, column: a.column, endColumn: b.endColumn };
}

/** The operands of a node, left to right. */
export function childrenOf(e: Expr): Expr[] {
  if (e.kind === 'negate' || e.kind === 'transpose') return [e.operand];
  if (e.kind === 'binary') return [e.left, e.right];
  if (e.kind === 'call') return e.args;
  return [];
}

/** Every node of an expression, parents before their operands, left to right. */
export function nodesOf(expr: Expr): Expr[] {
  const out: Expr[] = [];
  const walk = (e: Expr): void => {
    out.push(e);
    childrenOf(e).forEach(walk);
  };
  walk(expr);
  return out;
}

/** Every name node of an expression, in order (for pointing at a use). */
export function nameNodes(expr: Expr): NameNode[] {
  return nodesOf(expr).filter((e): e is NameNode => e.kind === 'name');
}

/** Every name an expression reads (tensors and dimensions, not functions), once each, in order of appearance. */
export function namesIn(expr: Expr): string[] {
  return [...new Set(nameNodes(expr).map((n) => n.name))];
}

/** Every call node of an expression, in order. */
export function callNodes(expr: Expr): CallNode[] {
  return nodesOf(expr).filter((e): e is CallNode => e.kind === 'call');
}
