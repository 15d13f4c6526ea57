// The float64 tensors a derivation is evaluated on: 2-D, row-major, one sample per row, and the
// few operations the language has (matrix product, transpose, entrywise with numpy's broadcasting,
// sums over an axis).
import { matmul as matmulFlat } from '../reference/linalg';

/** A row-major [rows, cols] matrix of float64; a scalar is 1×1, a bias 1×H. */
export interface Tensor {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function tensor(rows: number, cols: number, data: Float64Array = new Float64Array(rows * cols)): Tensor {
  if (data.length !== rows * cols) throw new RangeError(`a ${rows}×${cols} tensor holds ${rows * cols} numbers, not ${data.length}`);
  return { rows, cols, data };
}

export function scalar(value: number): Tensor {
  return tensor(1, 1, Float64Array.of(value));
}

export function filled(rows: number, cols: number, value: number): Tensor {
  return tensor(rows, cols, new Float64Array(rows * cols).fill(value));
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.cols !== b.rows) throw new RangeError(`matmul of ${a.rows}×${a.cols} and ${b.rows}×${b.cols}`);
  return tensor(a.rows, b.cols, matmulFlat(a.data, b.data, a.rows, b.cols, a.cols));
}

export function transpose(a: Tensor): Tensor {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j]!;
  return tensor(a.cols, a.rows, out);
}

export function map(a: Tensor, f: (v: number) => number): Tensor {
  return tensor(a.rows, a.cols, a.data.map(f));
}

/** f(a, b) entry by entry; a size-1 row or column count stretches to the other operand's. */
export function broadcast(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const rows = a.rows === 1 ? b.rows : a.rows;
  const cols = a.cols === 1 ? b.cols : a.cols;
  if ((a.rows !== rows && a.rows !== 1) || (b.rows !== rows && b.rows !== 1) || (a.cols !== cols && a.cols !== 1) || (b.cols !== cols && b.cols !== 1)) {
    throw new RangeError(`cannot broadcast ${a.rows}×${a.cols} with ${b.rows}×${b.cols}`);
  }
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const ar = a.rows === 1 ? 0 : i * a.cols;
    const br = b.rows === 1 ? 0 : i * b.cols;
    for (let j = 0; j < cols; j++) out[i * cols + j] = f(a.data[ar + (a.cols === 1 ? 0 : j)]!, b.data[br + (b.cols === 1 ? 0 : j)]!);
  }
  return tensor(rows, cols, out);
}

/** Sums down the rows (axis 0, giving [1, cols]), across the columns (axis 1, giving [rows, 1]), or everything (null). */
export function sumAxis(a: Tensor, axis: 0 | 1 | null): Tensor {
  const out = tensor(axis === 0 ? 1 : axis === 1 ? a.rows : 1, axis === 0 ? a.cols : 1);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[axis === 0 ? j : axis === 1 ? i : 0]! += a.data[i * a.cols + j]!;
  }
  return out;
}
