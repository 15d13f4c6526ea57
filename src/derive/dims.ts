// Shapes with named dimensions: every tensor is 2-D, [rows, cols], and each dimension carries the
// name a student knows it by (B, D, H1, C; n, m for the autoencoder), or its size when it has none
// (the 1 of a row vector, the sizes given to ones). Shapes are compared by size: two dimensions of
// equal size fit, whatever their names, as numpy sees them.

/** One dimension: its size and how messages name it ("H1", or "1"). */
export interface Dim {
  size: number;
  name: string;
}

/** A 2-D shape; a scalar is [1, 1], a bias a row vector [1, H]. */
export interface Shape {
  rows: Dim;
  cols: Dim;
}

/** A dimension without a name of its own. */
export function sizeDim(size: number): Dim {
  return { size, name: String(size) };
}

export const SCALAR: Shape = { rows: sizeDim(1), cols: sizeDim(1) };

/** "[B, H1]". */
export function formatShape(s: Shape): string {
  return `[${s.rows.name}, ${s.cols.name}]`;
}

export function transposeShape(s: Shape): Shape {
  return { rows: s.cols, cols: s.rows };
}

export function sameSizes(a: Shape, b: Shape): boolean {
  return a.rows.size === b.rows.size && a.cols.size === b.cols.size;
}

/** The shape of `a @ b`, or null when the inner sizes differ. */
export function matmulShape(a: Shape, b: Shape): Shape | null {
  return a.cols.size === b.rows.size ? { rows: a.rows, cols: b.cols } : null;
}

/** numpy's broadcasting of one axis: equal sizes, or a 1 that stretches to the other; null when neither. */
function broadcastDim(a: Dim, b: Dim): Dim | null {
  if (a.size === b.size) return /^\d+$/.test(a.name) ? b : a;
  if (a.size === 1) return b;
  if (b.size === 1) return a;
  return null;
}

/** The shape of an entrywise operation on `a` and `b` (a scalar, a row or a column stretches), or null. */
export function broadcastShape(a: Shape, b: Shape): Shape | null {
  const rows = broadcastDim(a.rows, b.rows);
  const cols = broadcastDim(a.cols, b.cols);
  return rows && cols ? { rows, cols } : null;
}

/**
 * Groups of named dimensions of equal size (["B", "H1"] when B = H1 = 32): shapes are checked by
 * size, so a slip between them is a wrong value rather than a shape error.
 */
export function sameSizedDimensions(dims: readonly Dim[]): string[][] {
  const bySize = new Map<number, string[]>();
  for (const d of dims) if (d.size > 1) bySize.set(d.size, [...(bySize.get(d.size) ?? []), d.name]);
  return [...bySize.values()].filter((names) => names.length > 1);
}
