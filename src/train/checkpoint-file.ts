// A checkpoint as a file: one JSON document to resume from, or one .npy per tensor for a notebook.
// The strict reader of the JSON is checkpoint-reader.ts; capture and restore are checkpoint.ts.
//
// The JSON file (version 2):
//   { "format": "webgpu-backprop checkpoint", "version": 2,
//     "settings": { flat object of strings, numbers, booleans, null: the caller's, passed through; a list
//        setting as its text, "hidden": "32,16" },
//     "spec": { "kind": "mlp", "shape": { "D", "hidden": [H1, …], "C"[, "activation"] } } (no activation: swish;
//        version 1, before deeper networks, had "H" for its one hidden layer and is still read)
//        or { "kind": "autoencoder", "shape": { "n", "m" } },
//     "batch": B, "seed": s, "optimizer": { kind, lr, momentum, nesterov, beta1, beta2, eps, weightDecay[, l1] }
//        (l1 only where it is not 0, so that a run without L1 stays readable by the builds before it;
//        the settings likewise leave out activation, l1, testShare, features and mistake at their defaults:
//        run-settings.ts savedSettings, so the settings come back as the caller's with those left unsaid),
//     "data": { "name", "N", "D", "classes" }: the training set the schedule permutes,
//     "engines": { "gpu" and/or "cpu" (the float64 reference): { "step": steps done, "optimizerStep": t,
//        "params" | "m" | "v": { tensor name: { "dtype": "float32" | "float64", "shape": [...], "data": base64 } } } } }
// Tensor data is base64 of the little-endian IEEE bytes, row-major: exact (a float32 run resumes bit
// for bit), a third larger than the raw bytes, and np.frombuffer(base64.b64decode(d), '<f4') reads it.
// The GPU engine saves float32, the reference float64. `step` fixes the data order: the schedule
// draws each epoch's permutation from (seed, epoch), so step and seed give the next batch.
import { encodeBase64 } from '../base/base64';
import { writeNpy } from '../data/npy-write';
import { specTensorShapes } from '../models/build';
import type { OptimizerSettings } from '../reference/optimizer';
import { savedSettings } from './run-settings';
import type { Checkpoint } from './checkpoint';
import type { EngineId } from './engine';

export const CHECKPOINT_FORMAT = 'webgpu-backprop checkpoint';
export const CHECKPOINT_VERSION = 2;
/** Largest checkpoint file accepted, in characters (the biggest page model with both engines is ~110 MB). */
export const MAX_CHECKPOINT_CHARS = 256 * 2 ** 20;
/**
 * Each engine's key in the file; the float64 reference's is "cpu", its name when version 1 was made,
 * so the float32 CPU engine's is "cpu-f32".
 */
export const ENGINE_KEYS: Readonly<Record<EngineId, string>> = { gpu: 'gpu', cpu: 'cpu-f32', reference: 'cpu' };
export const PARTS = ['params', 'm', 'v'] as const;

/** The checkpoint as the text of one JSON file (see the format above). */
export function serializeCheckpoint(cp: Checkpoint): string {
  const engines: Record<string, unknown> = {};
  for (const [engine, key] of Object.entries(ENGINE_KEYS) as Array<[EngineId, string]>) {
    const state = cp.engines[engine];
    if (!state) continue;
    const shapes = new Map(specTensorShapes(cp.spec));
    const tensors = (values: Record<string, Float32Array | Float64Array>) =>
      Object.fromEntries([...shapes].map(([name, shape]) => [name, encodeTensor(values[name]!, shape)]));
    engines[key] = {
      step: state.step,
      optimizerStep: state.optimizerStep,
      params: tensors(state.params),
      m: tensors(state.m),
      v: tensors(state.v),
    };
  }
  const doc = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    settings: savedSettings(cp.settings),
    spec: cp.spec,
    batch: cp.batch,
    seed: cp.seed,
    optimizer: fileOptimizer(cp.optimizer),
    data: cp.data,
    engines,
  };
  return JSON.stringify(doc, null, 1);
}

/** The optimizer as the file keeps it: without l1 when it is 0 (see the format above). */
function fileOptimizer(o: OptimizerSettings): Omit<OptimizerSettings, 'l1'> & { l1?: number } {
  const { l1, ...rest } = o;
  return l1 === 0 ? rest : { ...rest, l1 };
}

/** One .npy file per tensor, named `<engine>-<params|m|v>-<tensor>.npy`, for np.load in a notebook. */
export function checkpointNpyFiles(cp: Checkpoint): Array<{ fileName: string; bytes: Uint8Array }> {
  const files: Array<{ fileName: string; bytes: Uint8Array }> = [];
  for (const [engine, key] of Object.entries(ENGINE_KEYS) as Array<[EngineId, string]>) {
    const state = cp.engines[engine];
    if (!state) continue;
    for (const part of PARTS) {
      for (const [name, shape] of specTensorShapes(cp.spec)) {
        files.push({ fileName: `${key}-${part}-${name}.npy`, bytes: writeNpy(state[part][name]!, shape) });
      }
    }
  }
  return files;
}

function encodeTensor(values: Float32Array | Float64Array, shape: number[]): { dtype: string; shape: number[]; data: string } {
  const itemBytes = values.BYTES_PER_ELEMENT;
  const bytes = new Uint8Array(values.length * itemBytes);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    if (itemBytes === 4) view.setFloat32(i * 4, values[i]!, true);
    else view.setFloat64(i * 8, values[i]!, true);
  }
  return { dtype: itemBytes === 4 ? 'float32' : 'float64', shape, data: encodeBase64(bytes) };
}
