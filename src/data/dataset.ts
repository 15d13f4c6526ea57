// The one shape every data source produces: a row-major feature matrix with integer labels (or, for
// a regression, real targets carried in the labels as their float32 bits). Features are float32, or bytes (MNIST's pixels: a quarter of the memory, on the page and on the
// GPU) that stand for byte × BYTE_SCALE; every engine turns a byte into the same float32 where it
// gathers a batch, so no engine sees other numbers than another.
import type { Plane } from './features';

/** N samples of D features, row-major, with a class label per sample. */
export interface Dataset {
  /** Shown in the UI and the CLI, e.g. "mnist/train" or "spiral". */
  name: string;
  /** [N, D] row-major: float32 values, or bytes that stand for byte × BYTE_SCALE (see rowsAsFloats). */
  X: Float32Array | Uint8Array;
  /** [N] class indices in [0, classes); all zero for unlabelled data; a regression's targets as float32 bits. */
  labels: Uint32Array;
  N: number;
  D: number;
  /** Number of classes C (1 for unlabelled data and for a regression). */
  classes: number;
  /**
   * Each row has a real target (a regression) rather than a class. The labels hold each target's
   * float32 bits: every engine's label path (the GPU's gather of u32 words, the CPU engine's i32
   * slots, checkpoints' and batches' Uint32Arrays) carries them unchanged, so no engine needs a
   * second buffer and gather for them. Read them with labelsAsTargets.
   */
  regression?: true;
}

/** The float32 targets that a regression's labels carry as their bits (a view, not a copy). */
export function labelsAsTargets(labels: Uint32Array): Float32Array {
  return new Float32Array(labels.buffer, labels.byteOffset, labels.length);
}

/** Labels carrying `targets` as their float32 bits (each target rounded to float32). */
export function targetsAsLabels(targets: ArrayLike<number>): Uint32Array {
  return new Uint32Array(Float32Array.from(targets).buffer);
}

/** A training set and, where the source has one, a held-out test set. */
export interface DataSplit {
  train: Dataset;
  test?: Dataset;
  /** For the 2-D sets: the points on their plane and the input features made of them (features.ts). */
  plane?: Plane;
}

/**
 * What a byte feature stands for: byte × BYTE_SCALE, one float32 product (exact in float64 before
 * the rounding, correctly rounded in WGSL), so the GPU's gather, given this scale, computes the
 * same bits as BYTE_VALUES.
 */
export const BYTE_SCALE = Math.fround(1 / 255);

/** The float32 value of each byte 0…255. */
export const BYTE_VALUES: Float32Array = Float32Array.from({ length: 256 }, (_, b) => b * BYTE_SCALE);

/** Whether `X` holds bytes (MNIST's pixels, each standing for byte × BYTE_SCALE) rather than floats. */
export function holdsBytes(X: Dataset['X']): X is Uint8Array {
  return X instanceof Uint8Array;
}

/** What each entry of `X` stands for, where it holds bytes (for code that reads X itself, as the PCA does). */
export function featureValues(X: Dataset['X']): Float32Array | undefined {
  return holdsBytes(X) ? BYTE_VALUES : undefined;
}

/** Writes row `row` of `set` as numbers into `out` from index `at`. */
export function copyRow(set: Dataset, row: number, out: Float32Array | Float64Array, at: number): void {
  const { X, D } = set;
  const from = row * D;
  if (X instanceof Float32Array) {
    out.set(X.subarray(from, from + D), at);
    return;
  }
  for (let d = 0; d < D; d++) out[at + d] = BYTE_VALUES[X[from + d]!]!;
}

/** Rows start … start + count − 1 of `set` as float32 [count, D]: a view of float features, a copy of byte ones. */
export function rowsAsFloats(set: Dataset, start: number, count: number): Float32Array {
  const { X, D } = set;
  if (X instanceof Float32Array) return start === 0 && count * D === X.length ? X : X.subarray(start * D, (start + count) * D);
  const out = new Float32Array(count * D);
  for (let i = 0; i < count; i++) copyRow(set, start + i, out, i * D);
  return out;
}

/** The rows `rows` of `set` (in that order) as float32 [rows.length, D]. */
export function gatherRows(set: Dataset, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * set.D);
  for (let i = 0; i < rows.length; i++) copyRow(set, rows[i]!, out, i * set.D);
  return out;
}
