// Writes a float32 or float64 array as a NumPy .npy file (version 1.0, C order), so a notebook
// can np.load what the project saves.

/** The bytes of a .npy file holding `values` with `shape`. */
export function writeNpy(values: Float32Array | Float64Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== values.length) throw new RangeError(`shape ${shape.join('×')} does not hold ${values.length} values`);
  const descr = values instanceof Float32Array ? '<f4' : '<f8';
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  // numpy pads the header with spaces so that the data starts on a 64-byte boundary.
  const padded = `${dict + ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64)}\n`;
  const bytes = new Uint8Array(10 + padded.length + values.byteLength);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(bytes.buffer).setUint16(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) bytes[10 + i] = padded.charCodeAt(i);
  const body = new DataView(bytes.buffer, 10 + padded.length);
  values.forEach((v, i) => (values instanceof Float32Array ? body.setFloat32(i * 4, v, true) : body.setFloat64(i * 8, v, true)));
  return bytes;
}
