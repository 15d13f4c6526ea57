// All parameters of a model live in one flat buffer (and its gradients, and the optimizer's moments
// in buffers of the same layout), so that one optimizer dispatch updates every tensor. Each tensor
// starts at an offset the device allows as a binding offset.

/** One tensor's place in the flat buffer. Offsets and counts are in float32 elements. */
export interface TensorSlot {
  name: string;
  shape: number[];
  offset: number;
  count: number;
}

/** Where each named tensor sits in the flat parameter buffer. */
export class ParamLayout {
  readonly slots: TensorSlot[] = [];
  /** Elements in the flat buffer, padding included. */
  readonly total: number;

  constructor(shapes: ReadonlyArray<readonly [string, number[]]>, alignBytes: number) {
    const align = Math.max(1, alignBytes / 4);
    let offset = 0;
    for (const [name, shape] of shapes) {
      const count = shape.reduce((a, b) => a * b, 1);
      this.slots.push({ name, shape, offset, count });
      offset = Math.ceil((offset + count) / align) * align;
    }
    this.total = offset;
  }

  slot(name: string): TensorSlot {
    const s = this.slots.find((t) => t.name === name);
    if (!s) throw new Error(`no tensor ${name}`);
    return s;
  }

  /** The binding of one tensor inside a flat buffer. */
  binding(buffer: GPUBuffer, name: string): GPUBufferBinding {
    const s = this.slot(name);
    return { buffer, offset: s.offset * 4, size: s.count * 4 };
  }

  /** Packs tensors into one flat array (padding stays zero). */
  pack(values: Record<string, ArrayLike<number>>): Float32Array {
    const flat = new Float32Array(this.total);
    for (const s of this.slots) {
      const v = values[s.name];
      if (!v || v.length !== s.count) {
        throw new Error(`tensor ${s.name} needs ${s.count} values, got ${v?.length ?? 'none'}`);
      }
      flat.set(v, s.offset);
    }
    return flat;
  }

  /** Splits a flat array into its tensors. */
  unpack(flat: Float32Array): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    for (const s of this.slots) out[s.name] = flat.slice(s.offset, s.offset + s.count);
    return out;
  }
}
