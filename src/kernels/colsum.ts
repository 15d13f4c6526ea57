// Column sums in a fixed order: the bias gradients (shaders/colsum.wgsl).
import code from '../../shaders/colsum.wgsl?raw';
import type { Binding } from '../gpu/buffers';
import { Kernel, packUniform, wgslConst, type Dispatch } from '../gpu/kernel';

const WG = wgslConst(code, 'WG');

export class Colsum {
  private constructor(private readonly kernel: Kernel) {}

  static async create(device: GPUDevice): Promise<Colsum> {
    return new Colsum(await Kernel.create(device, { label: 'colsum', code, inputs: 1, outputs: 1 }));
  }

  /** sums[c] = Σ_r A[r, c] for A [rows, cols]. */
  bind(label: string, A: Binding, sums: Binding, rows: number, cols: number): Dispatch {
    const uniform = packUniform([['u', rows], ['u', cols]]);
    return this.kernel.bind(label, [A], [sums], uniform, [Math.ceil(cols / WG)]);
  }
}
