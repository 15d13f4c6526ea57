// Evaluates a line's tree in float64 on the forward pass's tensors. Runs only on lines whose names
// (names.ts) and shapes (shapes.ts) were checked, so the operations here always fit.
import { ENTRYWISE, isReduction } from './functions';
import { broadcast, filled, map, matmul, scalar, sumAxis, transpose, type Tensor } from './tensor';
import type { Expr } from './tree';

/** What a name or a function call evaluates to. */
export interface ValueScope {
  /** A tensor (given, a line above, a function's variable) or a dimension's size as a scalar. */
  valueOf(name: string): Tensor | undefined;
  /** A dimension's size, for ones(). */
  sizeOf(name: string): number | undefined;
  /** A function defined by a line above, applied to a whole tensor. */
  functionOf(name: string): ((t: Tensor) => Tensor) | undefined;
}

const BINARY: Readonly<Record<string, (x: number, y: number) => number>> = {
  '*': (x, y) => x * y,
  '/': (x, y) => x / y,
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '**': (x, y) => x ** y,
};

/** The tensor an expression stands for. Throws a RangeError only on a tree the checks would have refused. */
export function evaluate(expr: Expr, scope: ValueScope): Tensor {
  switch (expr.kind) {
    case 'number':
      return scalar(expr.value);
    case 'name': {
      const size = scope.sizeOf(expr.name);
      const value = size !== undefined ? scalar(size) : scope.valueOf(expr.name);
      if (!value) throw new RangeError(`${expr.name} has no value`);
      return value;
    }
    case 'negate':
      return map(evaluate(expr.operand, scope), (v) => -v);
    case 'transpose':
      return transpose(evaluate(expr.operand, scope));
    case 'binary': {
      const left = evaluate(expr.left, scope);
      const right = evaluate(expr.right, scope);
      return expr.op === '@' ? matmul(left, right) : broadcast(left, right, BINARY[expr.op]!);
    }
    case 'call':
      return call(expr.callee, expr.args, scope);
  }
}

function call(callee: string, args: Expr[], scope: ValueScope): Tensor {
  if (callee === 'ones') return filled(size(args[0]!, scope), size(args[1]!, scope), 1);
  const arg = evaluate(args[0]!, scope);
  const entrywise = ENTRYWISE[callee];
  if (entrywise) return map(arg, entrywise);
  if (isReduction(callee)) {
    const axisNode = args[1];
    const axis = axisNode?.kind === 'number' ? (axisNode.value as 0 | 1) : null;
    const sum = sumAxis(arg, axis);
    if (callee === 'sum') return sum;
    const count = axis === 0 ? arg.rows : axis === 1 ? arg.cols : arg.rows * arg.cols;
    return map(sum, (v) => v / count);
  }
  const fn = scope.functionOf(callee);
  if (!fn) throw new RangeError(`unknown function ${callee}`);
  return fn(arg);
}

function size(arg: Expr, scope: ValueScope): number {
  if (arg.kind === 'number') return arg.value;
  const s = arg.kind === 'name' ? scope.sizeOf(arg.name) : undefined;
  if (s === undefined) throw new RangeError('a size of ones is a number or a dimension');
  return s;
}

/**
 * A function line `name(v) = body` as a function of whole tensors: the body is entrywise, so
 * evaluating it with v bound to the tensor applies it to every entry at once.
 */
export function functionFromBody(param: string, body: Expr, outer: ValueScope): (t: Tensor) => Tensor {
  return (t) => {
    const out = evaluate(body, {
      valueOf: (name) => (name === param ? t : undefined),
      sizeOf: () => undefined,
      functionOf: (name) => outer.functionOf(name),
    });
    // A body without its variable (fprime(v) = 1) is a scalar: stretched to the argument's shape.
    return out.rows === t.rows && out.cols === t.cols ? out : broadcast(out, t, (x) => x);
  };
}
