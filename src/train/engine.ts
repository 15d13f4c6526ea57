// What every engine that trains a run offers the session: run k steps, flush their metrics, change
// the optimizer live, read the parameters and set one entry between steps, evaluate on a data set, capture and restore the whole
// state, destroy. The GPU engine (gpu-engine.ts), the float32 CPU engine (cpu-engine.ts) and the
// float64 reference (reference-engine.ts) implement it; the session builds them by id, then holds a
// list of them and never asks which one it has.
import type { StepMetrics } from '../kernels/metrics';
import type { OptimizerSettings } from '../reference/optimizer';

/** 'cpu' is the float32 WebAssembly engine (src/cpu, wasm/); 'reference' the float64 CPU twin (src/reference), the oracle the others are checked against. */
export type EngineId = 'gpu' | 'cpu' | 'reference';

/** How each engine is named wherever it is shown. */
export const ENGINE_NAMES: Readonly<Record<EngineId, string>> = { gpu: 'GPU', cpu: 'CPU (float32)', reference: 'reference (float64)' };

/** Loss (and accuracy and the argmax class per row, for the MLP) over the first `rows` rows of a set. */
export interface EngineEvaluation {
  loss: number;
  accuracy?: number;
  predicted?: Uint32Array;
  rows: number;
}

/** One engine's training state; tensors are named like the model's parameters (W1, b1, … or W). */
export interface EngineState {
  /** Steps done: the next step trains on batch `step` of the schedule. */
  step: number;
  /** Optimizer steps taken (Adam's t); restarts when the optimizer kind changes. */
  optimizerStep: number;
  params: Record<string, Float32Array | Float64Array>;
  /** Velocity (momentum) or first moment (Adam). */
  m: Record<string, Float32Array | Float64Array>;
  /** Second moment (Adam). */
  v: Record<string, Float32Array | Float64Array>;
}

/** A forward pass kept whole: every hidden layer's activations and the network's output. */
export interface LayerOutputs {
  /** Y_l [rows, H_l] of each hidden layer, first to last. */
  hidden: Float32Array[];
  /** The logits Z [rows, C]. */
  output: Float32Array;
}

/** Throws unless `index` is an entry of `tensor` (`length` values; undefined: no such tensor) and `value` is finite. */
export function checkParamEntry(tensor: string, length: number | undefined, index: number, value: number): void {
  if (length === undefined) throw new RangeError(`the model has no tensor ${tensor}`);
  if (!Number.isInteger(index) || index < 0 || index >= length) throw new RangeError(`${tensor} has no entry ${index} (it has ${length})`);
  if (!Number.isFinite(value)) throw new RangeError(`${tensor}[${index}] must be a finite number, not ${value}`);
}

export interface Engine {
  readonly id: EngineId;
  /** Whether its steps compute on the caller's thread (then a run keeps to its budget), not on a device or workers. */
  readonly onCallersThread: boolean;
  /** Steps submitted so far (the GPU's may still be running). */
  readonly step: number;
  readonly optimizer: Readonly<OptimizerSettings>;
  /** Called with each batch of metrics as it arrives, in step order. */
  onMetrics: ((metrics: StepMetrics[]) => void) | null;
  /**
   * Runs up to `count` steps: the GPU submits them all (not awaited); the reference computes as
   * many as fit in `budgetMs`, at least one, so that a page stays responsive.
   */
  run(count: number, budgetMs: number): void;
  /** Waits for the metrics of every step submitted so far. */
  flush(): Promise<void>;
  /** Waits until the engine is not far ahead of its metrics (the GPU's readbacks in flight). */
  throttle(): Promise<void>;
  /** Changes the optimizer from the next step on; a new kind (or Nesterov flag) clears the moments. */
  setOptimizer(settings: OptimizerSettings): Promise<void>;
  /** The parameters after the steps submitted so far, as float32. */
  readParams(): Promise<Record<string, Float32Array>>;
  /**
   * Sets entry `index` of parameter `tensor` (a weight edited in the network diagram) after the
   * steps submitted so far and before the next: never under a step. Throws a RangeError for an
   * entry the model does not have or a value that is not finite.
   */
  setParamEntry(tensor: string, index: number, value: number): Promise<void>;
  /** Forward pass over a set of the run: 'train' or 'test' (null when the run has no test set). */
  /** `signal`: stop between chunks once aborted, throwing its reason (engines whose evaluation is quick may ignore it). */
  evaluate(set: 'train' | 'test', opts?: { predictions?: boolean; signal?: AbortSignal }): Promise<EngineEvaluation | null>;
  /**
   * Every layer's output for `rows` rows of X [rows, D] with the current parameters, by one batched
   * forward pass on this engine (the network diagram's unit maps); null for the autoencoder.
   */
  forwardLayers(X: Float32Array, rows: number, signal?: AbortSignal): Promise<LayerOutputs | null>;
  /** The gradients of the last step taken, named like the parameters; null before the first. */
  readGrads(): Promise<Record<string, Float32Array> | null>;
  /** The whole state once the submitted steps have finished. */
  capture(): Promise<EngineState>;
  /** Continues from `state` with `optimizer` (a state of the other engine works too, not bit for bit). */
  restore(state: EngineState, optimizer: OptimizerSettings): Promise<void>;
  /** Waits until the device has finished every command submitted so far (engines without one need not say). */
  settle?(): Promise<void>;
  destroy(): void;
}
