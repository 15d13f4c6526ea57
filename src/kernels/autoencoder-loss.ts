// Per-row ½‖V_i‖² of the autoencoder (shaders/autoencoder-loss.wgsl).
import code from '../../shaders/autoencoder-loss.wgsl?raw';
import type { Binding } from '../gpu/buffers';
import { grid1d, Kernel, packUniform, wgslConst, type Dispatch } from '../gpu/kernel';

const WG = wgslConst(code, 'WG');

export class AutoencoderLoss {
  private constructor(private readonly kernel: Kernel) {}

  static async create(device: GPUDevice): Promise<AutoencoderLoss> {
    return new AutoencoderLoss(await Kernel.create(device, { label: 'autoencoder-loss', code, inputs: 1, outputs: 1 }));
  }

  /** rowStats[i] = (½‖V_i‖², 0) for V [rows, n]. */
  bind(label: string, V: Binding, rowStats: Binding, rows: number, n: number): Dispatch {
    return this.kernel.bind(
      label,
      [V],
      [rowStats],
      packUniform([
        ['u', rows],
        ['u', n],
      ]),
      grid1d(rows, WG),
    );
  }
}
