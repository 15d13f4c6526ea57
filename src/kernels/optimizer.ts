// The in-place parameter update on the GPU (shaders/optimizer.wgsl); its CPU twin is
// src/reference/optimizer.ts.
import code from '../../shaders/optimizer.wgsl?raw';
import type { Binding } from '../gpu/buffers';
import { grid1d, Kernel, packUniform, wgslConst, type Dispatch } from '../gpu/kernel';
import type { OptimizerKind, OptimizerSettings } from '../reference/optimizer';

const WG = wgslConst(code, 'WG');
const KINDS: Record<OptimizerKind, number> = { sgd: 0, momentum: 1, adam: 2 };

export interface OptimizerOperands {
  grads: Binding;
  state: Binding; // training state; word 2 is the optimizer step t
  params: Binding;
  m: Binding;
  v: Binding;
}

/** The uniform block of the optimizer: rewritten in place when the learning rate changes. */
export function optimizerUniform(count: number, s: OptimizerSettings): ArrayBuffer {
  return packUniform([
    ['u', count],
    ['f', s.lr],
    ['f', s.momentum],
    ['f', s.beta1],
    ['f', s.beta2],
    ['f', s.eps],
    ['f', s.weightDecay],
    ['f', s.l1],
  ]);
}

export class Optimizer {
  private constructor(private readonly kernel: Kernel) {}

  /**
   * The kind, the Nesterov flag and `ascend` (the update-sign mistake: + instead of −) are compiled
   * in; the rest is in the uniform block.
   */
  static async create(device: GPUDevice, kind: OptimizerKind, nesterov: boolean, ascend = false): Promise<Optimizer> {
    const kernel = await Kernel.create(device, {
      label: `optimizer/${kind}${kind === 'momentum' && nesterov ? '-nesterov' : ''}${ascend ? '-ascend' : ''}`,
      code,
      inputs: 2,
      outputs: 3,
      constants: { KIND: KINDS[kind], NESTEROV: Number(nesterov), ASCEND: Number(ascend) },
    });
    return new Optimizer(kernel);
  }

  bind(label: string, ops: OptimizerOperands, count: number, s: OptimizerSettings): Dispatch {
    return this.kernel.bind(label, [ops.grads, ops.state], [ops.params, ops.m, ops.v], optimizerUniform(count, s), grid1d(count, WG));
  }
}
