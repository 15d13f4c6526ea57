// The .npy parser on files written here the way NumPy writes them: good float32/float64
// arrays parse exactly, and every malformed or unsupported file is refused with one line.

import { describe, expect, it } from 'vitest';
import { parseNpy } from '../src/data/npy';
import { Rng } from '../src/base/rng';
import { expectUserError } from './user-error';

interface NpyOptions {
  descr?: string;
  shape?: string;
  fortran?: string;
  /** Replaces the whole header dictionary text. */
  header?: string;
  version?: 1 | 2 | 3;
}

/** A .npy file as numpy.save writes it: header padded with spaces and '\n' to 64-byte alignment. */
function npy(values: ArrayLike<number>, itemBytes: 4 | 8, opts: NpyOptions = {}): Uint8Array {
  const version = opts.version ?? 1;
  const descr = opts.descr ?? (itemBytes === 4 ? '<f4' : '<f8');
  const shape = opts.shape ?? `(${values.length}, 1)`;
  const dict = opts.header ?? `{'descr': '${descr}', 'fortran_order': ${opts.fortran ?? 'False'}, 'shape': ${shape}, }`;
  const prefixBytes = version === 1 ? 10 : 12;
  const padded = `${dict + ' '.repeat((64 - ((prefixBytes + dict.length + 1) % 64)) % 64)}\n`;
  const bytes = new Uint8Array(prefixBytes + padded.length + values.length * itemBytes);
  const view = new DataView(bytes.buffer);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) bytes[prefixBytes + i] = padded.charCodeAt(i);
  for (let i = 0; i < values.length; i++) {
    const offset = prefixBytes + padded.length + i * itemBytes;
    if (itemBytes === 4) view.setFloat32(offset, values[i]!, true);
    else view.setFloat64(offset, values[i]!, true);
  }
  return bytes;
}

function randomValues(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.normal() * 100);
}

describe('parseNpy on good files', () => {
  it('writes headers the way NumPy does (64-byte aligned, ending in a newline)', () => {
    const bytes = npy([1, 2, 3], 4);
    expect((bytes.length - 12) % 64).toBe(0);
    expect(bytes[bytes.length - 13]).toBe(0x0a);
  });

  it('reads float64 values exactly, row-major', () => {
    const values = randomValues(7 * 5, 1);
    const { shape, data } = parseNpy(npy(values, 8, { shape: '(7, 5)' }), 'a.npy');
    expect(shape).toEqual([7, 5]);
    expect(Array.from(data)).toEqual(Array.from(values));
  });

  it('reads float32 values exactly', () => {
    const values = Float32Array.from(randomValues(3 * 11, 2));
    const { shape, data } = parseNpy(npy(values, 4, { shape: '(3, 11)' }), 'a.npy');
    expect(shape).toEqual([3, 11]);
    expect(Array.from(data)).toEqual(Array.from(values));
  });

  it('reads versions 2.0 and 3.0 (u32 header length)', () => {
    for (const version of [2, 3] as const) {
      const { shape, data } = parseNpy(npy([1.5, -2.5], 8, { shape: '(1, 2)', version }), 'v.npy');
      expect(shape).toEqual([1, 2]);
      expect(Array.from(data)).toEqual([1.5, -2.5]);
    }
  });

  it('accepts keys in any order, double quotes, no trailing comma and Python 2 long integers', () => {
    const header = `{"shape": (2L, 1L), "fortran_order": False, "descr": "<f8"}`;
    expect(Array.from(parseNpy(npy([3, 4], 8, { header }), 'a.npy').data)).toEqual([3, 4]);
  });

  it('reads a file that sits at an unaligned offset inside a larger buffer', () => {
    const file = npy([0.25, 0.5, 0.75], 4, { shape: '(3, 1)' });
    const padded = new Uint8Array(file.length + 1);
    padded.set(file, 1);
    expect(Array.from(parseNpy(padded.subarray(1), 'a.npy').data)).toEqual([0.25, 0.5, 0.75]);
  });
});

describe('parseNpy refuses', () => {
  it('a bad magic', () => {
    const bytes = npy([1], 8);
    bytes[1] = 0x4f;
    expectUserError(() => parseNpy(bytes, 'm.npy'), /^m\.npy: not a \.npy file/);
    expectUserError(() => parseNpy(new Uint8Array(4), 'm.npy'), /not a \.npy file/);
  });

  it('an unknown version', () => {
    const bytes = npy([1], 8);
    bytes[6] = 4;
    expectUserError(() => parseNpy(bytes, 'v.npy'), /version 4\.0 is not supported/);
  });

  it('a header longer than 64 KiB', () => {
    const header = `{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), ${' '.repeat(70000)}}`;
    const bytes = npy([1], 8, { version: 2, header });
    expectUserError(() => parseNpy(bytes, 'h.npy'), /header is \d+ bytes long \(at most 65536/);
  });

  it('a header cut off by the end of the file', () => {
    expectUserError(() => parseNpy(npy([1], 8).subarray(0, 40), 'h.npy'), /truncated inside its header/);
  });

  it('unparsable headers', () => {
    const headers = [
      `{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1)`,
      `{'descr': <f8, 'fortran_order': False, 'shape': (1, 1)}`,
      `{'descr': '<f8', 'fortran_order': false, 'shape': (1, 1)}`,
      `{'descr': '<f8', 'fortran_order': False, 'shape': (1, -1)}`,
      `{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1)} x`,
      `{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1, 1)}`,
      `{'descr': '<f8\\n', 'fortran_order': False, 'shape': (1, 1)}`,
      `__import__('os').system('true')`,
    ];
    for (const header of headers) {
      expectUserError(() => parseNpy(npy([1], 8, { header }), 'p.npy'), /^p\.npy: cannot parse the \.npy header \(/);
    }
  });

  it('missing or unexpected header keys', () => {
    const missing = `{'descr': '<f8', 'shape': (1, 1)}`;
    expectUserError(() => parseNpy(npy([1], 8, { header: missing }), 'k.npy'), /has no 'fortran_order'/);
    const extra = `{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), 'x': 'y'}`;
    expectUserError(() => parseNpy(npy([1], 8, { header: extra }), 'k.npy'), /unexpected key 'x'/);
  });

  it('dtypes other than little-endian float32 and float64', () => {
    expectUserError(() => parseNpy(npy([1], 8, { descr: '<i8' }), 'x.npy'), /^x\.npy: dtype '<i8' is not supported \(float32 or float64 only\)$/);
    expectUserError(() => parseNpy(npy([1], 4, { descr: '<i4' }), 'x.npy'), /dtype '<i4' is not supported/);
    expectUserError(() => parseNpy(npy([1], 4, { descr: 'toString' }), 'x.npy'), /dtype 'toString' is not supported/);
    expectUserError(() => parseNpy(npy([1], 8, { descr: '>f8' }), 'x.npy'), /dtype '>f8' is big-endian/);
    expectUserError(() => parseNpy(npy([1], 4, { descr: '>f4' }), 'x.npy'), /dtype '>f4' is big-endian/);
    const structured = `{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1, 1)}`;
    expectUserError(() => parseNpy(npy([1], 4, { header: structured }), 'x.npy'), /structured dtypes are not supported/);
  });

  it('Fortran order', () => {
    expectUserError(() => parseNpy(npy([1, 2], 8, { fortran: 'True', shape: '(1, 2)' }), 'f.npy'), /Fortran order/);
  });

  it('arrays that are not 2-D', () => {
    expectUserError(() => parseNpy(npy([1, 2], 8, { shape: '(2,)' }), 's.npy'), /shape \(2,\) is not 2-D/);
    expectUserError(() => parseNpy(npy([1, 2], 8, { shape: '(1, 1, 2)' }), 's.npy'), /shape \(1, 1, 2\) is not 2-D/);
    expectUserError(() => parseNpy(npy([1], 8, { shape: '()' }), 's.npy'), /shape \(\) is not 2-D/);
  });

  it('a zero dimension', () => {
    expectUserError(() => parseNpy(npy([], 8, { shape: '(0, 3)' }), 'z.npy'), /shape \(0, 3\) has a zero dimension/);
    expectUserError(() => parseNpy(npy([], 4, { shape: '(3, 0)' }), 'z.npy'), /shape \(3, 0\) has a zero dimension/);
  });

  it('truncated data', () => {
    const bytes = npy([1, 2, 3, 4], 8, { shape: '(2, 2)' });
    expectUserError(() => parseNpy(bytes.subarray(0, bytes.length - 1), 't.npy'), /data is truncated .*needs 32 bytes, found 31/);
    expectUserError(() => parseNpy(npy([1, 2, 3], 4, { shape: '(2, 2)' }), 't.npy'), /needs 16 bytes, found 12/);
  });

  it('trailing bytes', () => {
    expectUserError(() => parseNpy(npy([1, 2, 3, 4, 5], 4, { shape: '(2, 2)' }), 't.npy'), /extra bytes .*found 20/);
  });

  it('NaN and infinite values, naming the first one as [row, col]', () => {
    const values = randomValues(12, 3);
    values[7] = NaN;
    values[9] = Infinity;
    expectUserError(() => parseNpy(npy(values, 8, { shape: '(3, 4)' }), 'n.npy'), /^n\.npy: value at \[1, 3\] is NaN/);
    const f32 = Float32Array.from(randomValues(6, 4));
    f32[4] = -Infinity;
    expectUserError(() => parseNpy(npy(f32, 4, { shape: '(2, 3)' }), 'n.npy'), /value at \[1, 1\] is -Infinity/);
  });
});
