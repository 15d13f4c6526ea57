// A = softmax(Z) and T = onehot(labels) for a derivation's backward pass (shaders/derive-inputs.wgsl).
import code from '../../shaders/derive-inputs.wgsl?raw';
import type { Binding } from '../gpu/buffers';
import { grid1d, Kernel, packUniform, wgslConst, type Dispatch } from '../gpu/kernel';

const WG = wgslConst(code, 'WG');

export class DeriveInputs {
  private constructor(private readonly kernel: Kernel) {}

  static async create(device: GPUDevice): Promise<DeriveInputs> {
    return new DeriveInputs(await Kernel.create(device, { label: 'derive-inputs', code, inputs: 2, outputs: 2 }));
  }

  bind(label: string, ops: { Z: Binding; labels: Binding; A: Binding; T: Binding }, rows: number, C: number): Dispatch {
    const uniform = packUniform([
      ['u', rows],
      ['u', C],
    ]);
    return this.kernel.bind(label, [ops.Z, ops.labels], [ops.A, ops.T], uniform, grid1d(rows, WG));
  }
}
