// Parser for numeric CSV text: one row of numbers per line, separated by commas (spaces
// around them allowed), blank lines skipped, and at most one header line of names.

import { UserError } from '../base/errors';
import { quoteCell } from '../base/quote';

/** A parsed numeric table. */
export interface NumericTable {
  rows: number;
  cols: number;
  /** [rows, cols] row-major, every value finite. */
  data: Float64Array;
}

/** A decimal number as written by NumPy, pandas or a spreadsheet: 3, -0.5, .5, 1e-3, 2.5E+10. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;
const LINE_BREAK = /\r\n|\r|\n/;
/** Cells are split at commas (with any spaces around them) or, failing commas, at runs of spaces. */
const SEPARATOR = /\s*,\s*|\s+/;

/**
 * Parses CSV text of numbers. The first non-blank line is skipped as a header if none of its
 * cells is a number.
 * @param text the file's text
 * @param name the file name, used in error messages
 * @throws UserError naming the line (and column) of a ragged row, a cell that is not a
 *   number, a NaN or infinite value, or if there are no data rows
 */
export function parseCsv(text: string, name: string): NumericTable {
  const lines = text.replace(/^\uFEFF/, '').split(LINE_BREAK);
  let data = new Float64Array(1024);
  let length = 0;
  let cols = 0;
  let rows = 0;
  let headerChecked = false;
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l]!.trim();
    if (line === '') continue;
    const cells = line.split(SEPARATOR);
    if (!headerChecked) {
      headerChecked = true;
      if (!cells.some((cell) => NUMBER.test(cell) || NON_FINITE.test(cell))) continue;
    }
    if (rows === 0) cols = cells.length;
    if (cells.length !== cols) {
      throw new UserError(`${name} line ${l + 1}: expected ${cols} numbers, found ${cells.length}`);
    }
    if (length + cols > data.length) {
      const grown = new Float64Array(Math.max(data.length * 2, length + cols));
      grown.set(data);
      data = grown;
    }
    for (let c = 0; c < cols; c++) data[length++] = parseCell(cells[c]!, name, l + 1, c + 1);
    rows++;
  }
  if (rows === 0) throw new UserError(`${name}: no rows of numbers found`);
  return { rows, cols, data: data.slice(0, length) };
}

function parseCell(cell: string, name: string, line: number, column: number): number {
  const where = `${name} line ${line}, column ${column}`;
  if (cell === '') throw new UserError(`${where}: empty cell (expected a number)`);
  if (NON_FINITE.test(cell)) throw new UserError(`${where}: ${cell} is not allowed (only finite numbers)`);
  if (!NUMBER.test(cell)) throw new UserError(`${where}: ${quoteCell(cell)} is not a number`);
  const value = Number(cell);
  if (!Number.isFinite(value)) throw new UserError(`${where}: ${quoteCell(cell)} is too large`);
  return value;
}
