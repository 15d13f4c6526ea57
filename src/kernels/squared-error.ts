// The squared error of a regression's one linear output, with its gradient and per-row statistics
// (shaders/squared-error.wgsl): the loss kernel beside softmax-xent, bound to the same operands.
import code from '../../shaders/squared-error.wgsl?raw';
import { grid1d, Kernel, packUniform, wgslConst, type Dispatch } from '../gpu/kernel';
import type { LossKernel, LossOperands } from './loss-kernel';

const WG = wgslConst(code, 'WG');

export class SquaredError implements LossKernel {
  private constructor(private readonly kernel: Kernel) {}

  static async create(device: GPUDevice): Promise<SquaredError> {
    return new SquaredError(await Kernel.create(device, { label: 'squared-error', code, inputs: 2, outputs: 2 }));
  }

  /** `ops.labels` holds the targets' float32 bits; `batch` is the B of G_Z = (z − t)/B (1 is the no-batch-mean mistake). */
  bind(label: string, ops: LossOperands, rows: number, C: number, batch = rows): Dispatch {
    if (C !== 1) throw new RangeError(`the squared error is of one output, not ${C}`);
    const uniform = packUniform([
      ['u', rows],
      ['f', 1 / batch],
    ]);
    return this.kernel.bind(label, [ops.Z, ops.labels], [ops.GZ, ops.rowStats], uniform, grid1d(rows, WG));
  }
}
