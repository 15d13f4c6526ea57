// What a network contributes to training: its parameter layout and the dispatches of its forward
// and backward passes. Everything else (optimizer, data, metrics) is shared, in model.ts.
import type { Binding } from '../gpu/buffers';
import type { Dispatch } from '../gpu/kernel';
import type { MatmulPath } from '../kernels/matmul';
import type { Mistake } from '../reference/mistakes';
import type { Derivation } from './derivation';
import type { ParamLayout } from './params';

/** The buffers one forward/backward pass reads and writes. */
export interface PassIO {
  params: GPUBuffer; // flat, laid out by the network's ParamLayout
  X: Binding; // [rows, D]
  labels: Binding; // [rows] u32 (ignored by the autoencoder)
  rowStats: Binding; // [rows, 2]: loss, correct
  /** Flat gradient buffer; without it only the forward pass is bound. */
  grads?: GPUBuffer;
}

/** Dispatches bound to fixed buffers, with the scratch buffers they own. */
export interface BoundPass {
  /** The network's output after `forward`: logits Z [rows, C] (MLP) or the error V = y − x [rows, n] (autoencoder). */
  output: GPUBuffer;
  /** Each hidden layer's activations Y_l [rows, H_l] after `forward` (MLP; none for the autoencoder). */
  hidden: GPUBuffer[];
  /**
   * The forward pass's tensors by the names MATH.md gives them (V1, Y1, …, Z; the autoencoder's Z and
   * V), for a backward pass written elsewhere (a student's derivation, src/models/derived.ts).
   */
  tensors: Record<string, Binding>;
  forward: Dispatch[];
  backward: Dispatch[];
  destroy(): void;
}

/** How a network is compiled. */
export interface NetworkOptions {
  /**
   * A backprop mistake of MATH.md's catalogue made on purpose in the backward pass (default 'none');
   * update-sign is the optimizer's (ModelOptions.ascend), the network's passes stay right.
   */
  mistake?: Mistake;
  /** Matmul entry points to compile (tests); by default the ones this adapter may use. */
  matmulPaths?: readonly MatmulPath[];
  /**
   * Start every product on the matmul pipelines that serve any variant: one compile where there
   * were one per product, and slower steps until GpuModel.specialize (see MatmulOptions.anyVariant).
   */
  anyVariant?: boolean;
  /** A student's backward pass (src/models/derived.ts) in place of the built-in one; the mistake must be 'none'. */
  derivation?: Derivation;
}

export interface Network {
  readonly kind: 'mlp' | 'autoencoder';
  /** Input features D (n for the autoencoder). */
  readonly inputSize: number;
  /** Classes C; 1 for the autoencoder. */
  readonly classes: number;
  readonly layout: ParamLayout;
  /**
   * Where set, the one row count whose backward pass this network binds (a student's derivation,
   * lowered for its batch): a slice of other rows binds the forward pass only.
   */
  readonly gradientRows?: number;
  /** `rows` rows of X; `batch` is the B that the mean loss divides by. */
  bind(label: string, io: PassIO, rows: number, batch: number): BoundPass;
}
