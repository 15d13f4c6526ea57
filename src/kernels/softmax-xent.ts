// Softmax cross-entropy with its gradient and per-row statistics (shaders/softmax-xent.wgsl).
import code from '../../shaders/softmax-xent.wgsl?raw';
import { grid1d, Kernel, packUniform, wgslConst, type Dispatch } from '../gpu/kernel';
import type { LossKernel, LossOperands } from './loss-kernel';

const WG = wgslConst(code, 'WG');

export class SoftmaxXent implements LossKernel {
  private constructor(private readonly kernel: Kernel) {}

  /** `oneHot: false` is the no-one-hot mistake (G_Z = softmax/B), compiled in. */
  static async create(device: GPUDevice, opts: { oneHot?: boolean } = {}): Promise<SoftmaxXent> {
    const oneHot = opts.oneHot ?? true;
    const label = oneHot ? 'softmax-xent' : 'softmax-xent/no-one-hot';
    return new SoftmaxXent(await Kernel.create(device, { label, code, inputs: 2, outputs: 2, constants: { ONE_HOT: Number(oneHot) } }));
  }

  /** `batch` is the B in G_Z = (softmax − onehot)/B; usually `rows` (1 is the no-batch-mean mistake). */
  bind(label: string, ops: LossOperands, rows: number, C: number, batch = rows): Dispatch {
    const uniform = packUniform([
      ['u', rows],
      ['u', C],
      ['f', 1 / batch],
    ]);
    return this.kernel.bind(label, [ops.Z, ops.labels], [ops.GZ, ops.rowStats], uniform, grid1d(rows, WG));
  }
}
