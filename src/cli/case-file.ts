// The `grads` case format (nested arrays, row-major, as numpy's tolist() writes them), read and
// checked: every shape, every number, every label, with one clear line for the first problem.
import { ACTIVATIONS, type Activation } from '../reference/activations';
import { UserError } from '../base/errors';

export type GradCase =
  | {
    model: 'mlp'; D: number; H: number; C: number; activation: Activation; B: number;
    tensors: Record<'W1' | 'b1' | 'W2' | 'b2', Float32Array>; X: Float32Array; labels: Uint32Array;
  }
  | { model: 'autoencoder'; n: number; m: number; B: number; tensors: Record<'W', Float32Array>; X: Float32Array };

/** Parses and validates a case file's text. `name` is the file name, used in messages. */
export function parseCase(text: string, name: string): GradCase {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    if (/\b(NaN|-?Infinity)\b/.test(text)) throw new UserError(`${name}: contains NaN or Infinity, which a case may not hold`);
    throw new UserError(`${name}: malformed JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UserError(`${name}: expected a JSON object`);
  const c = json as Record<string, unknown>;
  const matrix = (key: string) => readMatrix(c[key], `${name}: ${key}`);
  const vector = (key: string) => readVector(c[key], `${name}: ${key}`);
  const expect = (key: string, got: number, want: number, unit: string, why: string) => {
    if (got !== want) throw new UserError(`${name}: ${key} has ${got} ${unit}, expected ${want} (${why})`);
  };
  if (c.model === 'mlp') {
    const W1 = matrix('W1');
    const [H, D] = [W1.rows, W1.cols];
    const b1 = vector('b1');
    const W2 = matrix('W2');
    const C = W2.rows;
    const b2 = vector('b2');
    const X = matrix('X');
    expect('b1', b1.length, H, 'entries', 'the rows of W1');
    expect('W2', W2.cols, H, 'columns', 'the rows of W1');
    expect('b2', b2.length, C, 'entries', 'the rows of W2');
    expect('X', X.cols, D, 'columns', 'the columns of W1');
    if (C < 2) throw new UserError(`${name}: W2 needs at least 2 rows (classes)`);
    const labels = readLabels(c.labels, `${name}: labels`, C);
    expect('labels', labels.length, X.rows, 'entries', 'the rows of X');
    const activation = c.activation ?? 'swish';
    if (!(ACTIVATIONS as readonly unknown[]).includes(activation)) {
      throw new UserError(`${name}: unknown activation ${JSON.stringify(activation).slice(0, 40)} (expected ${ACTIVATIONS.join(', ')})`);
    }
    return {
      model: 'mlp', D, H, C, activation: activation as Activation, B: X.rows,
      tensors: { W1: W1.data, b1, W2: W2.data, b2 }, X: X.data, labels,
    };
  }
  if (c.model === 'autoencoder') {
    const W = matrix('W');
    const X = matrix('X');
    expect('X', X.cols, W.cols, 'columns', 'the columns of W');
    return { model: 'autoencoder', m: W.rows, n: W.cols, B: X.rows, tensors: { W: W.data }, X: X.data };
  }
  throw new UserError(`${name}: unknown model ${JSON.stringify(c.model ?? null)} (expected "mlp" or "autoencoder")`);
}

function readMatrix(value: unknown, what: string): { rows: number; cols: number; data: Float32Array } {
  if (!Array.isArray(value) || value.length === 0) throw new UserError(`${what} must be a non-empty matrix (an array of rows)`);
  const first = value[0];
  if (!Array.isArray(first) || first.length === 0) throw new UserError(`${what} row 0 must be a non-empty array of numbers`);
  const cols = first.length;
  const data = new Float32Array(value.length * cols);
  value.forEach((row: unknown, i) => {
    if (!Array.isArray(row)) throw new UserError(`${what} row ${i} is not an array`);
    if (row.length !== cols) throw new UserError(`${what} row ${i} has ${row.length} entries, row 0 has ${cols}`);
    row.forEach((x: unknown, j) => (data[i * cols + j] = readNumber(x, `${what}[${i}][${j}]`)));
  });
  return { rows: value.length, cols, data };
}

function readVector(value: unknown, what: string): Float32Array {
  if (!Array.isArray(value) || value.length === 0) throw new UserError(`${what} must be a non-empty array of numbers`);
  return Float32Array.from(value, (x: unknown, i) => readNumber(x, `${what}[${i}]`));
}

function readLabels(value: unknown, what: string, classes: number): Uint32Array {
  if (!Array.isArray(value) || value.length === 0) throw new UserError(`${what} must be a non-empty array of class indices`);
  return Uint32Array.from(value, (x: unknown, i) => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x >= classes) {
      throw new UserError(`${what}[${i}] is ${JSON.stringify(x)}: labels must be integers from 0 to ${classes - 1}`);
    }
    return x;
  });
}

function readNumber(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new UserError(`${what} is ${JSON.stringify(x)}, not a finite number`);
  if (Math.abs(x) > 3.4e38) throw new UserError(`${what} is ${x}, too large for float32`);
  return x;
}

/** Reshapes a flat row-major array into nested arrays of `shape` (1-D or 2-D). */
export function toNested(flat: ArrayLike<number>, shape: readonly number[]): number[] | number[][] {
  const values = Array.from(flat);
  if (shape.length === 1) return values;
  const cols = shape[1]!;
  return Array.from({ length: shape[0]! }, (_, i) => values.slice(i * cols, (i + 1) * cols));
}
