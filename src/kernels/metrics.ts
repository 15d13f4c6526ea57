// Loss and accuracy reduction into the metrics ring, and the training-state advance (shaders/metrics.wgsl).
import code from '../../shaders/metrics.wgsl?raw';
import type { Binding } from '../gpu/buffers';
import { Kernel, packUniform, type Dispatch } from '../gpu/kernel';

/** Bytes of one ring slot: step (u32), mean loss, correct count, rows (f32). */
export const METRIC_SLOT_BYTES = 16;
/** Words of the training state: steps done, data cursor, optimizer step, padding. */
export const STATE_WORDS = 4;

export interface MetricsOperands {
  rowStats: Binding; // [rows, 2]
  state: Binding; // [STATE_WORDS] u32
  ring: Binding; // [ringSlots] slots
}

export interface MetricsDims {
  rows: number;
  ringSlots: number;
  /** Rows the data cursor moves per step (the batch size). */
  cursorAdvance: number;
  /** The cursor wraps to 0 here: the rows of one epoch. */
  cursorSpan: number;
}

export class Metrics {
  private constructor(private readonly kernel: Kernel) {}

  static async create(device: GPUDevice): Promise<Metrics> {
    return new Metrics(await Kernel.create(device, { label: 'metrics', code, inputs: 1, outputs: 2 }));
  }

  bind(label: string, ops: MetricsOperands, d: MetricsDims): Dispatch {
    const uniform = packUniform([
      ['u', d.rows],
      ['u', d.ringSlots],
      ['u', d.cursorAdvance],
      ['u', d.cursorSpan],
    ]);
    return this.kernel.bind(label, [ops.rowStats], [ops.state, ops.ring], uniform, [1]);
  }
}

/** One step's metrics as read back from the ring. */
export interface StepMetrics {
  /** 0-based index of the step. */
  step: number;
  /** Mean loss over the batch. */
  loss: number;
  /** Fraction of the batch classified correctly (0 for the autoencoder). */
  accuracy: number;
}

/** Decodes ring slots; slots never written (rows = 0) are skipped. */
export function decodeRing(bytes: ArrayBuffer): StepMetrics[] {
  const u32 = new Uint32Array(bytes);
  const f32 = new Float32Array(bytes);
  const out: StepMetrics[] = [];
  for (let s = 0; s < u32.length / 4; s++) {
    const rows = f32[s * 4 + 3]!;
    if (rows > 0) out.push({ step: u32[s * 4]!, loss: f32[s * 4 + 1]!, accuracy: f32[s * 4 + 2]! / rows });
  }
  return out.sort((a, b) => a.step - b.step);
}
