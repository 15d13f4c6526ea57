// A line's tensor against the true one: the norm-relative error that decides right or wrong, the
// entries that differ (for a heatmap), and what kind of wrong it is: the true one times a constant
// (a missing 1/B, a flipped sign), its transpose, or right in some rows only.
import { relativeError } from '../reference/linalg';
import { transpose, type Tensor } from './tensor';

/** Norm-relative error at or below which a line is right (float64 leaves about 1e-15). */
export const RIGHT_TOLERANCE = 1e-6;

export interface Comparison {
  /** ‖g − t‖ / ‖t‖ (‖g − t‖ where t = 0); null when g has a NaN or an infinity. */
  relError: number | null;
  right: boolean;
  /** 1 where |g − t| > 1e-6 · max|t| + 1e-9 (or g is not finite), row-major like the tensors. */
  wrongMask: Uint8Array;
  /** Entries of g that are NaN or infinite. */
  nonFinite: number;
  /** c where g = c t with c ≠ 1 (to 1e-6). */
  scale?: number;
  /** g is tᵀ (a square t that is not symmetric). */
  transposed?: true;
  /** Right in some rows and wrong in others: the wrong rows (from 0) of `total`. */
  rows?: { wrong: number[]; total: number };
  /** g is zero everywhere and t is not. */
  zero?: true;
}

/** Compares tensors of the same shape. */
export function compareTensors(g: Tensor, t: Tensor): Comparison {
  const error = relativeError(g.data, t.data);
  const nonFinite = g.data.reduce((n, v) => n + (Number.isFinite(v) ? 0 : 1), 0);
  const relError = Number.isFinite(error) ? error : null;
  const wrongMask = maskOfWrong(g, t);
  const right = relError !== null && relError <= RIGHT_TOLERANCE;
  const out: Comparison = { relError, right, wrongMask, nonFinite };
  if (right || nonFinite > 0) return out;
  if (g.data.every((v) => v === 0)) return { ...out, zero: true };
  const scale = scaleOf(g, t);
  if (scale !== null) return { ...out, scale };
  if (isTransposeOf(g, t)) return { ...out, transposed: true };
  const rows = wrongRows(wrongMask, t.rows, t.cols);
  return rows.length > 0 && rows.length < t.rows ? { ...out, rows: { wrong: rows, total: t.rows } } : out;
}

/** Whether g (any shape) holds tᵀ, and t is not its own transpose (then g would simply be right). */
export function isTransposeOf(g: Tensor, t: Tensor): boolean {
  if (g.rows !== t.cols || g.cols !== t.rows) return false;
  const tT = transpose(t);
  const symmetric = t.rows === t.cols && relativeError(t.data, tT.data) <= RIGHT_TOLERANCE;
  return !symmetric && relativeError(g.data, tT.data) <= RIGHT_TOLERANCE;
}

/** 1 where an entry differs by more than 1e-6 of the largest true entry (plus 1e-9), or is not finite. */
function maskOfWrong(g: Tensor, t: Tensor): Uint8Array {
  const largest = t.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const allowed = RIGHT_TOLERANCE * largest + 1e-9;
  return Uint8Array.from(g.data, (v, k) => (Number.isFinite(v) && Math.abs(v - t.data[k]!) <= allowed ? 0 : 1));
}

/** The least-squares c of g ≈ c t, where it fits to 1e-6 and is not 1; else null. */
function scaleOf(g: Tensor, t: Tensor): number | null {
  let gt = 0;
  let tt = 0;
  for (let k = 0; k < t.data.length; k++) {
    gt += g.data[k]! * t.data[k]!;
    tt += t.data[k]! * t.data[k]!;
  }
  if (tt === 0) return null;
  const c = gt / tt;
  const scaled = t.data.map((v) => c * v);
  return c !== 0 && relativeError(g.data, scaled) <= RIGHT_TOLERANCE ? c : null;
}

function wrongRows(mask: Uint8Array, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows; i++) if (mask.subarray(i * cols, (i + 1) * cols).some((m) => m === 1)) out.push(i);
  return out;
}

/**
 * A scale in words: "the sign is flipped", "B times too large", "B times too small", "B times too
 * large, with the sign flipped", or "2.0× the true gradient".
 */
export function describeScale(c: number, B: number): string {
  const near = (x: number, y: number) => Math.abs(x - y) <= 1e-6 * Math.abs(y);
  const sign = c < 0 ? ', with the sign flipped' : '';
  const size = Math.abs(c);
  if (near(size, 1)) return 'the sign is flipped';
  if (B > 1 && near(size, B)) return `it is B times too large${sign}`;
  if (B > 1 && near(size, 1 / B)) return `it is B times too small${sign}`;
  // Two digits, unless they would round a factor near 1 to 1.0.
  const digits = Number(c.toPrecision(2)) === 1 ? c.toPrecision(7) : size >= 10 ? c.toFixed(0) : c.toPrecision(2);
  return `it is ${digits}× the true gradient`;
}
