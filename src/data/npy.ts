// Parser for NumPy .npy files (versions 1.0, 2.0, 3.0) holding one 2-D float32 or float64
// array in C order. The header dictionary is read by a small hand-written parser, never eval.

import { UserError } from '../base/errors';
import { quoteHeader } from '../base/quote';

/** A parsed .npy array: its (rows, columns) shape and its values, row-major. */
export interface NpyArray {
  shape: [number, number];
  /** [rows, columns] row-major, every value finite. */
  data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const MAX_HEADER_BYTES = 64 * 1024;
const ITEM_BYTES = new Map<string, 4 | 8>([
  ['<f4', 4],
  ['<f8', 8],
]);
const HEADER_KEYS = ['descr', 'fortran_order', 'shape'] as const;

/**
 * Parses a .npy file holding a 2-D, C-ordered, little-endian float32 or float64 array.
 * @param bytes the whole file
 * @param name the file name, used in error messages
 * @throws UserError for a bad magic or version, an oversized or unparsable header, another
 *   dtype, Fortran order, a shape that is not 2-D or has a zero dimension, a data section of
 *   the wrong length, or a NaN or infinite value
 */
export function parseNpy(bytes: Uint8Array, name: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new UserError(`${name}: not a .npy file (it must start with "\\x93NUMPY")`);
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3 || minor !== 0) {
    throw new UserError(`${name}: .npy version ${major}.${minor} is not supported (1.0, 2.0 or 3.0 only)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) {
    throw new UserError(`${name}: .npy file is truncated inside its header`);
  }
  const headerBytes = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerBytes > MAX_HEADER_BYTES) {
    throw new UserError(`${name}: .npy header is ${headerBytes} bytes long (at most ${MAX_HEADER_BYTES} allowed)`);
  }
  const dataStart = headerStart + headerBytes;
  if (bytes.length < dataStart) {
    throw new UserError(`${name}: .npy file is truncated inside its header`);
  }
  let headerText = '';
  for (let i = headerStart; i < dataStart; i++) headerText += String.fromCharCode(bytes[i]!);
  const header = new HeaderParser(headerText, name).parse();

  const { descr, shape } = checkHeader(header, name);
  const itemBytes = ITEM_BYTES.get(descr)!;
  const [rows, cols] = shape;
  const expected = rows * cols * itemBytes;
  const found = bytes.length - dataStart;
  if (found !== expected) {
    const problem = found < expected ? 'truncated' : 'followed by extra bytes';
    const need = `shape ${formatShape(shape)} of '${descr}' needs ${expected} bytes, found ${found}`;
    throw new UserError(`${name}: .npy data is ${problem} (${need})`);
  }
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    const offset = dataStart + i * itemBytes;
    const value = itemBytes === 4 ? view.getFloat32(offset, true) : view.getFloat64(offset, true);
    if (!Number.isFinite(value)) {
      const where = `[${Math.floor(i / cols)}, ${i % cols}]`;
      throw new UserError(`${name}: value at ${where} is ${value} (only finite numbers are allowed)`);
    }
    data[i] = value;
  }
  return { shape, data };
}

type HeaderValue = string | boolean | number[];

/** Checks the header's keys and values; returns a supported dtype and a 2-D shape. */
function checkHeader(header: Map<string, HeaderValue>, name: string): { descr: string; shape: [number, number] } {
  for (const key of header.keys()) {
    if (!(HEADER_KEYS as readonly string[]).includes(key)) {
      throw new UserError(`${name}: .npy header has an unexpected key ${quoteHeader(key)}`);
    }
  }
  for (const key of HEADER_KEYS) {
    if (!header.has(key)) throw new UserError(`${name}: .npy header has no '${key}'`);
  }
  const descr = header.get('descr');
  if (typeof descr !== 'string') throw new UserError(`${name}: .npy header's 'descr' is not a string`);
  if (descr === '>f4' || descr === '>f8') {
    throw new UserError(`${name}: dtype '${descr}' is big-endian (save it little-endian, e.g. a.astype('<f${descr[2]}'))`);
  }
  if (!ITEM_BYTES.has(descr)) {
    throw new UserError(`${name}: dtype ${quoteHeader(descr)} is not supported (float32 or float64 only)`);
  }
  const fortranOrder = header.get('fortran_order');
  if (typeof fortranOrder !== 'boolean') {
    throw new UserError(`${name}: .npy header's 'fortran_order' is not True or False`);
  }
  if (fortranOrder) {
    throw new UserError(`${name}: array is in Fortran order (save a C-ordered array, e.g. np.ascontiguousarray(a))`);
  }
  const shape = header.get('shape');
  if (!Array.isArray(shape)) throw new UserError(`${name}: .npy header's 'shape' is not a tuple`);
  const [rows, cols] = shape;
  if (shape.length !== 2 || rows === undefined || cols === undefined) {
    throw new UserError(`${name}: shape ${formatShape(shape)} is not 2-D (expected (rows, columns))`);
  }
  if (rows === 0 || cols === 0) {
    throw new UserError(`${name}: shape ${formatShape(shape)} has a zero dimension (no data)`);
  }
  return { descr, shape: [rows, cols] };
}

/** A shape the way Python prints it: (5,) or (3, 4); a long one cut short after 6 dimensions. */
function formatShape(shape: readonly number[]): string {
  if (shape.length > 6) return `(${shape.slice(0, 6).join(', ')}, … ${shape.length} dimensions)`;
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

const WORD = /[A-Za-z]+/y;
const DIGITS = /(\d+)L?/y;

/**
 * Recursive-descent parser for the Python dict literal of a .npy header, e.g.
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`. Values may be strings,
 * True/False or tuples of non-negative integers; anything else is refused.
 */
class HeaderParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly name: string,
  ) {}

  parse(): Map<string, HeaderValue> {
    const dict = new Map<string, HeaderValue>();
    this.expect('{');
    while (this.peek() !== '}') {
      const key = this.parseString();
      if (dict.has(key)) this.fail(`duplicate key ${quoteHeader(key)}`);
      this.expect(':');
      dict.set(key, this.parseValue());
      if (this.peek() !== ',') break;
      this.pos++;
    }
    this.expect('}');
    if (this.peek() !== '') this.fail(`unexpected ${quoteHeader(this.peek())} after the dictionary`);
    return dict;
  }

  private parseValue(): HeaderValue {
    const ch = this.peek();
    if (ch === "'" || ch === '"') return this.parseString();
    if (ch === '(') return this.parseTuple();
    if (ch === '[') this.fail('a list (structured dtypes are not supported)');
    WORD.lastIndex = this.pos;
    const word = WORD.exec(this.text)?.[0];
    if (word === 'True' || word === 'False') {
      this.pos += word.length;
      return word === 'True';
    }
    return this.fail(ch === '' ? 'end of header' : `unexpected ${quoteHeader(ch)}`);
  }

  private parseString(): string {
    const quote = this.peek();
    if (quote !== "'" && quote !== '"') return this.fail('expected a quoted string');
    const end = this.text.indexOf(quote, this.pos + 1);
    if (end < 0) return this.fail('unterminated string');
    const value = this.text.slice(this.pos + 1, end);
    if (/[\\\n\r]/.test(value)) return this.fail('escape or line break in a string');
    this.pos = end + 1;
    return value;
  }

  private parseTuple(): number[] {
    const items: number[] = [];
    this.expect('(');
    while (this.peek() !== ')') {
      // Python 2 wrote long integers with an 'L' suffix, e.g. (3L, 4L).
      DIGITS.lastIndex = this.pos;
      const digits = DIGITS.exec(this.text);
      if (!digits) return this.fail('expected a whole number in the shape');
      const value = Number(digits[1]);
      if (!Number.isSafeInteger(value)) return this.fail(`shape dimension ${digits[1]} is too large`);
      items.push(value);
      this.pos += digits[0].length;
      if (this.peek() !== ',') break;
      this.pos++;
    }
    this.expect(')');
    return items;
  }

  /** The next non-space character ('' at the end), after skipping whitespace. */
  private peek(): string {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
    return this.text[this.pos] ?? '';
  }

  private expect(ch: string): void {
    const found = this.peek();
    if (found !== ch) this.fail(`expected '${ch}', found ${found === '' ? 'end of header' : quoteHeader(found)}`);
    this.pos++;
  }

  private fail(what: string): never {
    throw new UserError(`${this.name}: cannot parse the .npy header (${what} at character ${this.pos})`);
  }
}
