// The `grads` case format (nested arrays, row-major, as numpy's tolist() writes them), read and
// checked: every shape, every number, every label, with one clear line for the first problem.
// An MLP case has W1 … WL and b1 … bL for L = 2 … 5 (1 to 4 hidden layers); a 2-layer case is the
// seed's format exactly.
import { ACTIVATIONS, type Activation } from '../reference/activations';
import { MAX_HIDDEN_LAYERS } from '../reference/mlp';
import { UserError } from '../base/errors';

export type GradCase =
  | {
      model: 'mlp';
      D: number;
      hidden: number[];
      C: number;
      activation: Activation;
      B: number;
      /** W1, b1, … WL, bL. */
      tensors: Record<string, Float32Array>;
      X: Float32Array;
      labels: Uint32Array;
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
    const layers = mlpLayerCount(c, name);
    const tensors: Record<string, Float32Array> = {};
    const widths: number[] = [];
    for (let l = 1; l <= layers; l++) {
      const W = matrix(`W${l}`);
      const b = vector(`b${l}`);
      if (l === 1) widths.push(W.cols);
      else expect(`W${l}`, W.cols, widths[l - 1]!, 'columns', `the rows of W${l - 1}`);
      expect(`b${l}`, b.length, W.rows, 'entries', `the rows of W${l}`);
      widths.push(W.rows);
      tensors[`W${l}`] = W.data;
      tensors[`b${l}`] = b;
    }
    const D = widths[0]!;
    const C = widths[layers]!;
    const X = matrix('X');
    expect('X', X.cols, D, 'columns', 'the columns of W1');
    if (C < 2) throw new UserError(`${name}: W${layers} needs at least 2 rows (classes)`);
    const labels = readLabels(c.labels, `${name}: labels`, C);
    expect('labels', labels.length, X.rows, 'entries', 'the rows of X');
    const activation = c.activation ?? 'swish';
    if (!(ACTIVATIONS as readonly unknown[]).includes(activation)) {
      throw new UserError(`${name}: unknown activation ${JSON.stringify(activation).slice(0, 40)} (expected ${ACTIVATIONS.join(', ')})`);
    }
    return {
      model: 'mlp',
      D,
      hidden: widths.slice(1, layers),
      C,
      activation: activation as Activation,
      B: X.rows,
      tensors,
      X: X.data,
      labels,
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

/** L, from the W1 … WL the case names: every layer up to the last given, at most MAX_HIDDEN_LAYERS + 1. */
function mlpLayerCount(c: Record<string, unknown>, name: string): number {
  const given = Object.keys(c)
    .map((k) => /^[Wb]([1-9]\d*)$/.exec(k))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]));
  const layers = Math.max(2, ...given);
  if (layers > MAX_HIDDEN_LAYERS + 1) {
    throw new UserError(`${name}: W${layers} makes ${layers - 1} hidden layers; at most ${MAX_HIDDEN_LAYERS} are supported (W1 … W${MAX_HIDDEN_LAYERS + 1})`);
  }
  for (let l = 1; l <= layers; l++) {
    for (const t of ['W', 'b']) {
      if (!Object.hasOwn(c, `${t}${l}`)) {
        throw new UserError(`${name}: ${t}${l} is missing (a case with W${layers} needs W1 … W${layers} and b1 … b${layers})`);
      }
    }
  }
  return layers;
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
