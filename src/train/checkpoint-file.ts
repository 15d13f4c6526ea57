// A checkpoint as a file: one JSON document to resume from, or one .npy per tensor for a notebook.
// The writer; the layout is in checkpoint-format.ts, the strict reader is checkpoint-reader.ts.
import { encodeBase64 } from '../base/base64';
import { writeNpy } from '../data/npy-write';
import { specTensorShapes } from '../models/build';
import type { OptimizerSettings } from '../reference/optimizer';
import { savedSettings } from './run-settings';
import { type Checkpoint, ENGINE_KEYS, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, PARTS } from './checkpoint-format';
import type { EngineId } from './engine';

/** The checkpoint as the text of one JSON file (see checkpoint-format.ts). */
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
    ...(cp.history ? { history: fileHistory(cp.history) } : {}),
  };
  return JSON.stringify(doc, null, 1);
}

/** Each engine's history under its file key, as three columns (a third of the text of one object per step). */
function fileHistory(history: NonNullable<Checkpoint['history']>): Record<string, { step: number[]; loss: number[]; accuracy: number[] }> {
  const out: Record<string, { step: number[]; loss: number[]; accuracy: number[] }> = {};
  for (const [engine, key] of Object.entries(ENGINE_KEYS) as Array<[EngineId, string]>) {
    const steps = history[engine];
    if (steps) out[key] = { step: steps.map((m) => m.step), loss: steps.map((m) => m.loss), accuracy: steps.map((m) => m.accuracy) };
  }
  return out;
}

/** The optimizer as the file keeps it: without l1 when it is 0 (see checkpoint-format.ts). */
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
