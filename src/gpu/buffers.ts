// Creating, filling and reading GPU buffers. Every buffer gets a `model/role` label.

/** A storage binding: a whole buffer or a range of one. */
export type Binding = GPUBuffer | GPUBufferBinding;

/** Creates a storage buffer of `byteLength` bytes (rounded up to 4), or filled with `data`. */
export function storageBuffer(device: GPUDevice, label: string, sizeOrData: number | ArrayBufferView): GPUBuffer {
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  if (typeof sizeOrData === 'number') {
    return device.createBuffer({ label, size: Math.max(4, Math.ceil(sizeOrData / 4) * 4), usage });
  }
  const size = Math.max(4, Math.ceil(sizeOrData.byteLength / 4) * 4);
  const buffer = device.createBuffer({ label, size, usage, mappedAtCreation: true });
  new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(sizeOrData.buffer, sizeOrData.byteOffset, sizeOrData.byteLength));
  buffer.unmap();
  return buffer;
}

/** Creates a uniform buffer holding `data` (rounded up to 16 bytes). */
export function uniformBuffer(device: GPUDevice, label: string, data: ArrayBuffer): GPUBuffer {
  const size = Math.max(16, Math.ceil(data.byteLength / 16) * 16);
  const buffer = device.createBuffer({ label, size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

/** Copies `byteLength` bytes from `binding` to a fresh staging buffer and returns them. */
export async function readBytes(device: GPUDevice, binding: Binding): Promise<ArrayBuffer> {
  const { buffer, offset, size } = rangeOf(binding);
  const staging = device.createBuffer({
    label: `${buffer.label}/readback`,
    size,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  const encoder = device.createCommandEncoder({ label: `${buffer.label}/readback` });
  encoder.copyBufferToBuffer(buffer, offset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const bytes = staging.getMappedRange().slice(0);
  staging.destroy();
  return bytes;
}

/** Reads a binding as float32 values. */
export async function readFloats(device: GPUDevice, binding: Binding): Promise<Float32Array> {
  return new Float32Array(await readBytes(device, binding));
}

/** The explicit buffer, offset and size of a binding. */
export function rangeOf(binding: Binding): { buffer: GPUBuffer; offset: number; size: number } {
  if ('buffer' in binding) {
    const offset = binding.offset ?? 0;
    return { buffer: binding.buffer, offset, size: binding.size ?? binding.buffer.size - offset };
  }
  return { buffer: binding, offset: 0, size: binding.size };
}

/** Fills a binding with a value that no kernel produces, so unwritten elements are caught in tests. */
export function poison(device: GPUDevice, binding: Binding, value = Number.NaN): void {
  const { buffer, offset, size } = rangeOf(binding);
  device.queue.writeBuffer(buffer, offset, new Float32Array(size / 4).fill(value));
}

const placeholders = new WeakMap<GPUDevice, { read: GPUBuffer; write: GPUBuffer }>();

/**
 * Small buffers bound where a kernel variant ignores a binding (an epilogue without bias, say):
 * explicit layouts need every binding filled. Distinct read and write buffers avoid aliasing.
 */
export function placeholderBuffers(device: GPUDevice): { read: GPUBuffer; write: GPUBuffer } {
  let p = placeholders.get(device);
  if (!p) {
    p = { read: storageBuffer(device, 'placeholder/read', 16), write: storageBuffer(device, 'placeholder/write', 16) };
    placeholders.set(device, p);
  }
  return p;
}

/** Writes a typed array into a buffer at a byte offset (queued before the next submit). */
export function writeArray(device: GPUDevice, buffer: GPUBuffer, byteOffset: number, data: ArrayBufferView): void {
  device.queue.writeBuffer(buffer, byteOffset, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
}
