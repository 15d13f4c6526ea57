// The language's built-in functions: the entrywise ones (numbers in, numbers out), the reductions
// sum and mean over an axis, and ones(rows, cols). One table read by the shape checker, the evaluator
// and the messages that list what exists.
import { sigmoid, tanh } from '../reference/activations';

/** Entrywise functions, as float64 numbers (the reference's own σ and tanh, which cannot overflow). */
export const ENTRYWISE: Readonly<Record<string, (v: number) => number>> = {
  sigmoid,
  tanh,
  exp: Math.exp,
  log: Math.log,
  relu: (v) => Math.max(v, 0),
  /** 1 where v > 0, else 0: relu's derivative, with relu′(0) = 0 as the reference has it. */
  step: (v) => (v > 0 ? 1 : 0),
};

/** sum(E, axis) and mean(E, axis): axis 0 over the rows → [1, cols], 1 over the columns → [rows, 1], none → a scalar. */
export const REDUCTIONS = ['sum', 'mean'] as const;
export type Reduction = (typeof REDUCTIONS)[number];

/** Every built-in, as the messages list them. */
export const BUILTIN_NAMES: readonly string[] = [...Object.keys(ENTRYWISE), ...REDUCTIONS, 'ones'];

export function isEntrywise(name: string): boolean {
  return Object.hasOwn(ENTRYWISE, name);
}

export function isReduction(name: string): name is Reduction {
  return (REDUCTIONS as readonly string[]).includes(name);
}

export function isBuiltin(name: string): boolean {
  return BUILTIN_NAMES.includes(name);
}
