// Gathers a training batch from the GPU-resident data set by the epoch permutation (shaders/gather.wgsl),
// turning byte features into their float32 values on the way.
import code from '../../shaders/gather.wgsl?raw';
import { BYTE_SCALE } from '../data/dataset';
import type { Binding } from '../gpu/buffers';
import { grid1d, Kernel, packUniform, wgslConst, type Dispatch } from '../gpu/kernel';

const WG = wgslConst(code, 'WG');

export interface GatherOperands {
  data: Binding; // [N, D] float32, or bytes packed four to a word
  labels: Binding; // [N] u32
  perm: Binding; // [N] u32
  state: Binding; // training state; word 1 is the cursor
  batchX: Binding; // [B, D]
  batchLabels: Binding; // [B] u32
}

export class Gather {
  private constructor(private readonly kernel: Kernel) {}

  static async create(device: GPUDevice): Promise<Gather> {
    return new Gather(await Kernel.create(device, { label: 'gather', code, inputs: 4, outputs: 2 }));
  }

  /** `bytes`: the data holds byte features (see Dataset), each gathered as byte × BYTE_SCALE. */
  bind(label: string, ops: GatherOperands, B: number, D: number, bytes: boolean): Dispatch {
    return this.kernel.bind(
      label,
      [ops.data, ops.labels, ops.perm, ops.state],
      [ops.batchX, ops.batchLabels],
      packUniform([
        ['u', B],
        ['u', D],
        ['u', bytes ? 1 : 0],
        ['f', BYTE_SCALE],
      ]),
      grid1d(B * D, WG),
    );
  }
}
