// Checks that a line's names and calls mean something before its shapes are looked at: every name
// is a tensor of the forward pass, a dimension or a line above; every call is a built-in or a
// function defined above, with the right arguments; a function's body works entry by entry on its
// variable alone. Unknown names list the known ones.
import { BUILTIN_NAMES, isBuiltin, isEntrywise, isReduction } from './functions';
import { callNodes, deriveError, nodesOf, type CallNode, type Definition, type DeriveError, type Expr, type Span } from './tree';

/** What the names of a line can refer to at that line. */
export interface NameContext {
  /** The forward pass's tensors, in the order messages list them (X, T, V1, …). */
  given: readonly string[];
  /** Dimension names (B, D, H1, C; B, n, m): a size in ones(), a scalar elsewhere. */
  dimensions: readonly string[];
  /** Tensor lines above, name → line number. */
  tensorsAbove: ReadonlyMap<string, number>;
  /** Function lines above, name → line number. */
  functionsAbove: ReadonlyMap<string, number>;
  /** Every line's name → its line number (the first, when a name is defined twice). */
  definedAt: ReadonlyMap<string, number>;
}

/** The first problem with a line's names and calls, or null. */
export function checkNames(def: Definition, line: number, ctx: NameContext): DeriveError | null {
  const at = (span: Span, reason: string) => deriveError(span.line, span.column, reason);
  const taken = nameTaken(def.name, line, ctx);
  if (taken) return at(def.nameSpan, taken);
  if (def.kind === 'function') {
    if (ctx.given.includes(def.param) || ctx.dimensions.includes(def.param) || isBuiltin(def.param)) {
      return at(def.paramSpan, `the variable ${def.param} has a meaning already: call it v, as in ${def.name}(v) = …`);
    }
    return checkBody(def.body, def.param, def.name, line, ctx);
  }
  for (const node of nodesOf(def.expr)) {
    if (node.kind === 'name') {
      const problem = nameProblem(node.name, def.name, line, ctx);
      if (problem) return at(node.span, problem);
    } else if (node.kind === 'call') {
      const problem = callProblem(node, line, ctx);
      if (problem) return problem;
    }
  }
  return null;
}

/** Why a line may not define `name`, or null. */
function nameTaken(name: string, line: number, ctx: NameContext): string | null {
  if (ctx.given.includes(name)) return `${name} is given by the forward pass: give your line another name`;
  if (ctx.dimensions.includes(name)) return `${name} is a dimension of the problem: give your line another name`;
  if (isBuiltin(name)) return `${name} is a built-in function: give your line another name`;
  const first = ctx.definedAt.get(name);
  if (first !== undefined && first < line) return `${name} is already defined on line ${first}: each name is defined once`;
  return null;
}

/** Why a tensor line may not read `name`, or null. */
function nameProblem(name: string, defining: string, line: number, ctx: NameContext): string | null {
  if (ctx.given.includes(name) || ctx.dimensions.includes(name) || ctx.tensorsAbove.has(name)) return null;
  if (ctx.functionsAbove.has(name)) return `${name} is a function: apply it, as in ${name}(V1)`;
  if (isBuiltin(name)) return `${name} is a built-in function: apply it, as in ${name}(…)`;
  if (name === defining) return `${name} uses itself: a line may use only the lines above it`;
  const below = ctx.definedAt.get(name);
  if (below !== undefined && below > line) return `${name} is used before it is defined (on line ${below}): a line may use only the lines above it`;
  return unknown(`name '${name}'`, name, [...ctx.given, ...ctx.dimensions, ...ctx.tensorsAbove.keys()], ctx);
}

function callProblem(call: CallNode, line: number, ctx: NameContext): DeriveError | null {
  const at = (span: Span, reason: string) => deriveError(span.line, span.column, reason);
  const { callee, args } = call;
  if (isEntrywise(callee) || ctx.functionsAbove.has(callee)) {
    return args.length === 1 ? null : at(call.calleeSpan, `${callee} takes one argument, not ${args.length}`);
  }
  if (isReduction(callee)) {
    if (args.length < 1 || args.length > 2)
      return at(call.calleeSpan, `${callee} takes a tensor and an axis, as in ${callee}(dZ, 0), not ${args.length} arguments`);
    const axis = args[1];
    if (axis && (axis.kind !== 'number' || (axis.value !== 0 && axis.value !== 1))) {
      return at(axis.span, `the axis of ${callee} is 0 (over the rows, giving a row [1, cols]) or 1 (over the columns, giving [rows, 1])`);
    }
    return null;
  }
  if (callee === 'ones') {
    if (args.length !== 2) return at(call.calleeSpan, `ones takes two sizes, as in ones(B, 1), not ${args.length} arguments`);
    for (const arg of args) {
      const isSize = (arg.kind === 'number' && Number.isInteger(arg.value) && arg.value >= 1) || (arg.kind === 'name' && ctx.dimensions.includes(arg.name));
      if (!isSize) return at(arg.span, `the sizes of ones are whole numbers or dimension names (${ctx.dimensions.join(', ')})`);
    }
    return null;
  }
  if (ctx.given.includes(callee) || ctx.tensorsAbove.has(callee))
    return at(call.calleeSpan, `${callee} is a tensor, not a function: write ${callee} * (…) for a product`);
  const below = ctx.definedAt.get(callee);
  if (below !== undefined && below >= line)
    return at(call.calleeSpan, `${callee} is used before it is defined (on line ${below}): a line may use only the lines above it`);
  const reason = unknown(`function '${callee}'`, callee, [...BUILTIN_NAMES, ...ctx.functionsAbove.keys()], ctx);
  return at(call.calleeSpan, reason);
}

/** A function's body: its variable, numbers, entrywise operators and functions; no tensors, no @, .T or sums. */
function checkBody(body: Expr, param: string, fn: string, line: number, ctx: NameContext): DeriveError | null {
  for (const node of nodesOf(body)) {
    const at = (reason: string) => deriveError(node.span.line, node.span.column, reason);
    if (node.kind === 'name' && node.name !== param) {
      if (node.name === fn) return at(`${fn} uses itself`);
      return at(`${fn} works entry by entry on its variable ${param} alone: ${node.name} cannot appear in it`);
    }
    if (node.kind === 'binary' && node.op === '@')
      return deriveError(node.opSpan.line, node.opSpan.column, `${fn} works entry by entry: @ has no meaning inside it`);
    if (node.kind === 'transpose') return at(`${fn} works entry by entry: .T has no meaning inside it`);
  }
  for (const call of callNodes(body)) {
    const at = (reason: string) => deriveError(call.calleeSpan.line, call.calleeSpan.column, reason);
    if (call.callee === fn) return at(`${fn} uses itself`);
    if (isReduction(call.callee) || call.callee === 'ones') return at(`${fn} works entry by entry: ${call.callee} has no meaning inside it`);
    const problem = callProblem(call, line, ctx);
    if (problem) return problem;
  }
  return null;
}

/** "unknown name 'dw1' (did you mean dW1?); the names here are …" (one-letter names guess nothing: all are one edit apart). */
function unknown(what: string, name: string, known: string[], ctx: NameContext): string {
  const close = known.find((k) => k.toLowerCase() === name.toLowerCase()) ?? known.find((k) => k.length > 1 && name.length > 1 && editDistance(k, name) === 1);
  const guess = close ? ` (did you mean ${close}?)` : '';
  if (what.startsWith('function')) return `unknown ${what}${guess}; the functions are ${known.join(', ')}`;
  const lines = [...ctx.tensorsAbove.keys()];
  const listed = `${[...ctx.given, ...ctx.dimensions].join(', ')}${lines.length ? `, and the lines above: ${lines.join(', ')}` : ''}`;
  return `unknown ${what}${guess}; the names here are ${listed}`;
}

/** Levenshtein distance, for short names. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
