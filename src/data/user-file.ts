// Turns a file the user dropped or named (.npy or .csv) into a Dataset: with labels taken
// from the last column (classes, or a regression's real targets), or unlabelled with every column a feature.

import { UserError } from '../base/errors';
import { parseCsv, type NumericTable } from './csv';
import { targetsAsLabels, type Dataset } from './dataset';
import { parseNpy } from './npy';

const MAX_CLASSES = 1000;
const FLOAT32_MAX = 3.4028234663852886e38;

/** How to read a user's table. */
export interface UserFileOptions {
  /** If true the last column is the integer class label; otherwise every column is a feature. */
  labelled: boolean;
  /** With `labelled`: the last column is a real-valued target (a regression) rather than a class. */
  regression?: boolean;
}

/**
 * Builds a dataset from a numeric table.
 * Labelled: the last column holds class labels (whole numbers >= 0, classes = max label + 1,
 * at most 1000) and at least one feature column must precede it; for a regression it holds any
 * real targets (float32). Unlabelled: every column is a feature, labels are all 0 and classes is 1.
 * @throws UserError for a bad label, too few columns, or a value out of float32 range
 */
export function datasetFromTable(table: NumericTable, name: string, opts: UserFileOptions): Dataset {
  const { rows: N, cols, data } = table;
  if (N < 1) throw new UserError(`${name}: the table has no rows`);
  const D = opts.labelled ? cols - 1 : cols;
  if (D < 1) {
    throw new UserError(
      opts.labelled ? `${name}: a labelled table needs at least 2 columns (features, then the label), found ${cols}` : `${name}: the table has no columns`,
    );
  }
  const X = new Float32Array(N * D); // [N, D]
  const labels = new Uint32Array(N); // [N]
  const regression = opts.labelled && opts.regression === true;
  const targets = new Float32Array(regression ? N : 0); // [N]
  let classes = 1;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < D; j++) {
      const value = data[i * cols + j]!;
      if (Math.abs(value) > FLOAT32_MAX) {
        throw new UserError(`${name} row ${i + 1}, column ${j + 1}: ${value} is too large for float32`);
      }
      X[i * D + j] = value;
    }
    if (regression) {
      const target = data[i * cols + D]!;
      if (Math.abs(target) > FLOAT32_MAX) throw new UserError(`${name} row ${i + 1}: target ${target} is too large for float32`);
      targets[i] = target;
    } else if (opts.labelled) {
      const label = data[i * cols + D]!;
      if (!Number.isInteger(label) || label < 0) {
        throw new UserError(`${name} row ${i + 1}: label ${label} is not a whole number >= 0`);
      }
      if (label >= MAX_CLASSES) {
        throw new UserError(`${name} row ${i + 1}: label ${label} is too large (at most ${MAX_CLASSES} classes)`);
      }
      labels[i] = label;
      classes = Math.max(classes, label + 1);
    }
  }
  if (regression) return { name, X, labels: targetsAsLabels(targets), N, D, classes: 1, regression: true };
  return { name, X, labels, N, D, classes };
}

/**
 * Parses a user's .npy or .csv file (chosen by the file name's extension) into a dataset
 * named after the file.
 * @throws UserError for another extension, CSV bytes that are not valid UTF-8, or any
 *   problem found by {@link parseNpy}, {@link parseCsv} or {@link datasetFromTable}
 */
export function parseUserFile(bytes: Uint8Array, fileName: string, opts: UserFileOptions): Dataset {
  const dot = fileName.lastIndexOf('.');
  const extension = dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
  if (extension === 'npy') {
    const { shape, data } = parseNpy(bytes, fileName);
    return datasetFromTable({ rows: shape[0], cols: shape[1], data }, fileName, opts);
  }
  if (extension === 'csv') {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new UserError(`${fileName}: not valid UTF-8 text`);
    }
    return datasetFromTable(parseCsv(text, fileName), fileName, opts);
  }
  const what = extension === '' ? 'has no extension' : `has unsupported type '.${extension}'`;
  throw new UserError(`${fileName}: ${what} (use .npy or .csv)`);
}

/**
 * A file the user gave, kept as it came: its last column is the class label (or, for a regression,
 * the target) for the MLP and one more feature for the autoencoder, so it is read again when the
 * model or the problem changes.
 */
export class UserFileSource {
  private read: { opts: UserFileOptions; data: Dataset };

  /** Reads the file once for `opts` now, so that a bad file is refused at once. */
  constructor(
    readonly name: string,
    private readonly bytes: Uint8Array,
    opts: UserFileOptions,
  ) {
    this.read = { opts, data: parseUserFile(bytes, name, opts) };
  }

  /** The data set read as `opts` say; throws a UserError if it cannot be read that way. */
  dataset(opts: UserFileOptions): Dataset {
    const same = this.read.opts.labelled === opts.labelled && (this.read.opts.regression ?? false) === (opts.regression ?? false);
    if (!same) this.read = { opts, data: parseUserFile(this.bytes, this.name, opts) };
    return this.read.data;
  }
}
