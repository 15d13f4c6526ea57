// What the MLP's loss kernels share, softmax-xent.ts and squared-error.ts: their operands and their
// binding, so that the network binds either one the same way.
import type { Binding } from '../gpu/buffers';
import type { Dispatch } from '../gpu/kernel';

/** What a loss kernel reads and writes: the MLP's output, each row's label, G_Z and each row's loss and count correct. */
export interface LossOperands {
  Z: Binding; // [rows, C]
  labels: Binding; // [rows] u32: the classes, or a regression's targets as float32 bits
  GZ: Binding; // [rows, C]
  rowStats: Binding; // [rows, 2]: loss, correct
}

/** The MLP's loss at its output (softmax cross-entropy, or a regression's squared error), fused with G_Z. */
export interface LossKernel {
  /** `batch` is the B that G_Z divides by (1 is the no-batch-mean mistake). */
  bind(label: string, ops: LossOperands, rows: number, C: number, batch?: number): Dispatch;
}
