// Reader for the IDX format that MNIST ships in: a 4-byte magic, big-endian u32 dimensions,
// then the raw values. Only unsigned bytes (type 0x08) are supported, which is all MNIST uses.

import { UserError } from '../base/errors.ts';

/** The IDX type byte for unsigned 8-bit values. */
const IDX_UBYTE = 0x08;
const MAX_DIMS = 4;

/** A parsed IDX file: its dimensions and its values in row-major order. */
export interface IdxArray {
  dims: number[];
  /** A view into the input bytes, product(dims) long. */
  data: Uint8Array;
}

/**
 * Parses an IDX file of unsigned bytes.
 * @param bytes the whole file
 * @param name the file name, used in error messages
 * @throws UserError if the magic, type or dimension count is wrong, or the data length
 *   does not equal the product of the dimensions
 */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new UserError(`${name}: not an IDX file (it must start with two zero bytes)`);
  }
  const type = bytes[2]!;
  if (type !== IDX_UBYTE) {
    const hex = `0x${type.toString(16).padStart(2, '0')}`;
    throw new UserError(`${name}: IDX type ${hex} is not supported (unsigned byte 0x08 only)`);
  }
  const nDims = bytes[3]!;
  if (nDims < 1 || nDims > MAX_DIMS) {
    throw new UserError(`${name}: IDX file has ${nDims} dimensions (1 to ${MAX_DIMS} supported)`);
  }
  const headerBytes = 4 + 4 * nDims;
  if (bytes.length < headerBytes) {
    throw new UserError(`${name}: IDX header is truncated (${bytes.length} of ${headerBytes} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < nDims; i++) {
    const dim = view.getUint32(4 + 4 * i, false);
    dims.push(dim);
    count *= dim;
  }
  const found = bytes.length - headerBytes;
  if (found !== count) {
    const problem = found < count ? 'truncated' : 'followed by extra bytes';
    throw new UserError(`${name}: IDX data is ${problem} (dimensions [${dims.join(', ')}] need ${count} bytes, found ${found})`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}
