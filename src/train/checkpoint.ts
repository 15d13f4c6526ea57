// Save and resume: the whole state of a training run (the caller's settings, the model, every
// engine's parameters, optimizer moments and step count, the position in the batch schedule) as one
// JSON file, or one .npy per tensor for a notebook; and the strict check of such a file on the way
// back in, so that a bad one is refused with one line before anything of the current run changes.
// Knows no DOM.
//
// The JSON file (version 1):
//   { "format": "webgpu-backprop checkpoint", "version": 1,
//     "settings": { flat object of strings, numbers, booleans, null: the caller's, passed through },
//     "spec": { "kind": "mlp", "shape": { "D", "H", "C" } } or { "kind": "autoencoder", "shape": { "n", "m" } },
//     "batch": B, "seed": s, "optimizer": { kind, lr, momentum, nesterov, beta1, beta2, eps, weightDecay },
//     "data": { "name", "N", "D", "classes" }: the training set the schedule permutes,
//     "engines": { "gpu" and/or "cpu": { "step": steps done, "optimizerStep": t,
//        "params" | "m" | "v": { tensor name: { "dtype": "float32" | "float64", "shape": [...], "data": base64 } } } } }
// Tensor data is base64 of the little-endian IEEE bytes, row-major: exact (a float32 run resumes bit
// for bit), a third larger than the raw bytes, and np.frombuffer(base64.b64decode(d), '<f4') reads it.
// The GPU engine saves float32, the CPU engine float64. `step` fixes the data order: the schedule
// draws each epoch's permutation from (seed, epoch), so step and seed give the next batch.
import type { Dataset } from '../data/dataset';
import { writeNpy } from '../data/npy-write';
import { decodeBase64, encodeBase64 } from '../base/base64';
import { UserError } from '../base/errors';
import { clip, describeJson } from '../base/quote';
import { specTensorShapes, type ModelSpec } from '../models/build';
import type { OptimizerKind, OptimizerSettings } from '../reference/optimizer';
import type { GpuModel } from '../models/model';
import type { Engine, Session, SessionConfig } from './session';
import type { Trainer } from './trainer';

export const CHECKPOINT_FORMAT = 'webgpu-backprop checkpoint';
export const CHECKPOINT_VERSION = 1;
/** Largest checkpoint file accepted, in characters (the biggest page model with both engines is ~110 MB). */
export const MAX_CHECKPOINT_CHARS = 256 * 2 ** 20;
/** Largest layer size accepted in a model spec. */
const MAX_DIM = 2 ** 20;
/** Largest tensor accepted, in elements. */
const MAX_TENSOR_ELEMENTS = 2 ** 26;
const MAX_SETTINGS_KEYS = 200;
const MAX_STRING = 1000;
const U32_MAX = 0xffffffff;
const OPTIMIZER_KINDS: readonly OptimizerKind[] = ['sgd', 'momentum', 'adam'];
const ENGINES: readonly Engine[] = ['gpu', 'cpu'];
const PARTS = ['params', 'm', 'v'] as const;

export type TensorArray = Float32Array | Float64Array;
export type SettingValue = string | number | boolean | null;

/** One engine's training state; tensors are named like the model's parameters (W1, b1, … or W). */
export interface EngineState {
  /** Steps done: the next step trains on batch `step` of the schedule. */
  step: number;
  /** Optimizer steps taken (Adam's t); restarts when the optimizer kind changes. */
  optimizerStep: number;
  params: Record<string, TensorArray>;
  /** Velocity (momentum) or first moment (Adam). */
  m: Record<string, TensorArray>;
  /** Second moment (Adam). */
  v: Record<string, TensorArray>;
}

/** Everything needed to continue a run exactly where it stopped. */
export interface Checkpoint {
  /** The caller's settings (the page's), passed through untouched: a flat JSON object. */
  settings: Record<string, SettingValue>;
  spec: ModelSpec;
  batch: number;
  seed: number;
  optimizer: OptimizerSettings;
  /** The training set whose permutations the schedule draws. */
  data: { name: string; N: number; D: number; classes: number };
  /** One state per engine that ran; at least one. */
  engines: Partial<Record<Engine, EngineState>>;
}

/**
 * The state of `session` once its submitted GPU steps have finished: parameters, optimizer moments
 * and step counts of each engine, and `settings` (the caller's, flat JSON) to rebuild it from.
 */
export async function captureCheckpoint(session: Session, settings: Record<string, SettingValue>): Promise<Checkpoint> {
  const { config, data, gpu, cpu } = session;
  const engines: Partial<Record<Engine, EngineState>> = {};
  const optimizer = { ...(gpu ? gpu.model.settings : cpu!.settings) };
  if (gpu) engines.gpu = await captureGpuState(gpu);
  if (cpu) {
    const params: Record<string, Float64Array> = {};
    for (const [name, p] of Object.entries(cpu.params)) params[name] = p.slice();
    const opt = cpu.readOptimizerState();
    engines.cpu = { step: cpu.step, optimizerStep: opt.t, params, m: opt.m, v: opt.v };
  }
  const { name, N, D, classes } = data.train;
  const cp: Checkpoint = {
    settings: { ...settings }, spec: config.spec, batch: config.batch, seed: config.seed, optimizer,
    data: { name, N, D, classes }, engines,
  };
  checkSettings(cp.settings, 'checkpoint', 'settings');
  return cp;
}

/** A GPU engine's state once its submitted steps have finished (the page's session, or the CLI's model). */
export async function captureGpuState(gpu: { model: GpuModel; trainer: Trainer }): Promise<EngineState> {
  await gpu.trainer.flush();
  // The reads are queued now, before any await: they see exactly the steps submitted so far.
  const submitted = gpu.trainer.step;
  const [params, opt] = await Promise.all([gpu.model.readParams(), gpu.model.readOptimizerState()]);
  const [steps, , t] = opt.state;
  if (steps !== submitted) throw new Error(`the GPU counted ${steps} steps, the trainer ${submitted}`);
  return { step: steps, optimizerStep: t!, params, m: opt.m, v: opt.v };
}

/** Puts a GPU engine where `cp` left off: optimizer, parameters, moments, step (its own state, or the CPU engine's). */
export async function restoreGpuState(gpu: { model: GpuModel; trainer: Trainer }, cp: Checkpoint): Promise<void> {
  const state = (cp.engines.gpu ?? cp.engines.cpu)!;
  await gpu.trainer.flush();
  await gpu.model.setOptimizer(cp.optimizer);
  gpu.model.setParams(state.params);
  gpu.model.setOptimizerState({ m: state.m, v: state.v, t: state.optimizerStep });
  gpu.trainer.resumeAt(state.step);
}

/**
 * Throws a UserError unless `cp` can continue in `session`: the same model, batch, seed and training
 * data. Changes nothing.
 */
export function checkCheckpointFits(
  session: { config: Pick<SessionConfig, 'spec' | 'batch' | 'seed'>; data: { train: Pick<Dataset, 'name' | 'N' | 'D'> } },
  cp: Checkpoint,
): void {
  const { config, data } = session;
  const problems: string[] = [];
  if (describeSpec(cp.spec) !== describeSpec(config.spec)) {
    problems.push(`it holds ${describeSpec(cp.spec)}, this run has ${describeSpec(config.spec)}`);
  }
  if (cp.batch !== config.batch) problems.push(`its batch size is ${cp.batch}, this run's ${config.batch}`);
  if (cp.seed !== config.seed) problems.push(`its seed is ${cp.seed}, this run's ${config.seed}`);
  const train = data.train;
  if (cp.data.name !== train.name || cp.data.N !== train.N || cp.data.D !== train.D) {
    problems.push(`it was trained on ${cp.data.name} (${cp.data.N}×${cp.data.D}), this run on ${train.name} (${train.N}×${train.D})`);
  }
  if (problems.length > 0) throw new UserError(`the checkpoint does not fit this run: ${problems.join('; ')}`);
}

/**
 * Continues `session` from `cp` (best in a session just built from the checkpoint's settings): each
 * engine takes its own state from the checkpoint, or the other engine's where it has none (then not
 * bit for bit: float32 and float64 differ). Checks first (see checkCheckpointFits) and throws a
 * UserError, with the session unchanged, when the checkpoint does not fit.
 */
export async function restoreCheckpoint(session: Session, cp: Checkpoint): Promise<void> {
  checkCheckpointFits(session, cp);
  const { gpu, cpu } = session;
  if (gpu) await restoreGpuState(gpu, cp);
  if (cpu) {
    const state = (cp.engines.cpu ?? cp.engines.gpu)!;
    cpu.setOptimizer(cp.optimizer);
    cpu.setParams(state.params);
    cpu.setOptimizerState({ m: state.m, v: state.v, t: state.optimizerStep });
    cpu.resumeAt(state.step);
  }
}

/** The checkpoint as the text of one JSON file (see the format at the top of this file). */
export function serializeCheckpoint(cp: Checkpoint): string {
  const engines: Record<string, unknown> = {};
  for (const engine of ENGINES) {
    const state = cp.engines[engine];
    if (!state) continue;
    const shapes = new Map(specTensorShapes(cp.spec));
    const tensors = (values: Record<string, TensorArray>) =>
      Object.fromEntries(
        [...shapes].map(([name, shape]) => [name, encodeTensor(values[name]!, shape)]),
      );
    engines[engine] = {
      step: state.step, optimizerStep: state.optimizerStep,
      params: tensors(state.params), m: tensors(state.m), v: tensors(state.v),
    };
  }
  const doc = {
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, settings: cp.settings, spec: cp.spec, batch: cp.batch,
    seed: cp.seed, optimizer: cp.optimizer, data: cp.data, engines,
  };
  return JSON.stringify(doc, null, 1);
}

/** One .npy file per tensor, named `<engine>-<params|m|v>-<tensor>.npy`, for np.load in a notebook. */
export function checkpointNpyFiles(cp: Checkpoint): Array<{ fileName: string; bytes: Uint8Array }> {
  const files: Array<{ fileName: string; bytes: Uint8Array }> = [];
  for (const engine of ENGINES) {
    const state = cp.engines[engine];
    if (!state) continue;
    for (const part of PARTS) {
      for (const [name, shape] of specTensorShapes(cp.spec)) {
        files.push({ fileName: `${engine}-${part}-${name}.npy`, bytes: writeNpy(state[part][name]!, shape) });
      }
    }
  }
  return files;
}

/**
 * Reads and checks a checkpoint file: format and version, the model spec, the optimizer settings,
 * every tensor's name, dtype, shape and length, and that every value is finite.
 * @param input the file's text, or its bytes (UTF-8)
 * @param fileName used in the messages
 * @throws UserError naming the first problem
 */
export function parseCheckpoint(input: string | Uint8Array, fileName: string): Checkpoint {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > MAX_CHECKPOINT_CHARS) {
    throw new UserError(`${fileName}: the file is ${(size / 2 ** 20).toFixed(0)} MiB, more than a checkpoint can be (${MAX_CHECKPOINT_CHARS / 2 ** 20} MiB)`);
  }
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new UserError(`${fileName}: not valid UTF-8 text`);
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${fileName}: not a JSON file (${clip((error as Error).message, 120)})`);
  }
  return new Reader(fileName).checkpoint(doc);
}

/** Checks a parsed JSON document field by field; every failure is a UserError naming the field. */
class Reader {
  constructor(private readonly fileName: string) {}

  checkpoint(doc: unknown): Checkpoint {
    const top = this.object(doc, 'the file', ['format', 'version', 'settings', 'spec', 'batch', 'seed', 'optimizer', 'data', 'engines']);
    if (top.format !== CHECKPOINT_FORMAT) this.fail('format', `must be "${CHECKPOINT_FORMAT}" (is this a checkpoint saved by this page?)`);
    if (top.version !== CHECKPOINT_VERSION) {
      this.fail('version', `${describeJson(top.version)} is not supported (only ${CHECKPOINT_VERSION})`);
    }
    const settings = this.object(top.settings, 'settings', null) as Record<string, SettingValue>;
    checkSettings(settings, this.fileName, 'settings');
    const spec = this.spec(top.spec);
    const data = this.object(top.data, 'data', ['name', 'N', 'D', 'classes']);
    const checkedData = {
      name: this.string(data.name, 'data.name'),
      N: this.integer(data.N, 'data.N', 1, U32_MAX),
      D: this.integer(data.D, 'data.D', 1, MAX_DIM),
      classes: this.integer(data.classes, 'data.classes', 1, MAX_DIM),
    };
    const inputs = spec.kind === 'mlp' ? spec.shape.D : spec.shape.n;
    if (checkedData.D !== inputs) this.fail('data.D', `is ${checkedData.D}, but the model takes ${inputs} inputs`);
    if (spec.kind === 'mlp' && checkedData.classes > spec.shape.C) {
      this.fail('data.classes', `is ${checkedData.classes}, but the model has ${spec.shape.C} outputs`);
    }
    const batch = this.integer(top.batch, 'batch', 1, checkedData.N);
    const seed = this.integer(top.seed, 'seed', 0, U32_MAX);
    const optimizer = this.optimizer(top.optimizer);
    const enginesDoc = this.object(top.engines, 'engines', null);
    const engines: Partial<Record<Engine, EngineState>> = {};
    for (const key of Object.keys(enginesDoc)) {
      if (!(ENGINES as readonly string[]).includes(key)) this.fail('engines', `has an unknown engine ${describeJson(key)} (gpu or cpu)`);
    }
    for (const engine of ENGINES) {
      if (Object.hasOwn(enginesDoc, engine)) engines[engine] = this.engine(enginesDoc[engine], `engines.${engine}`, spec);
    }
    if (!engines.gpu && !engines.cpu) this.fail('engines', 'holds no engine (gpu or cpu)');
    return { settings: { ...settings }, spec, batch, seed, optimizer, data: checkedData, engines };
  }

  private spec(value: unknown): ModelSpec {
    const spec = this.object(value, 'spec', ['kind', 'shape']);
    if (spec.kind === 'mlp') {
      const shape = this.object(spec.shape, 'spec.shape', ['D', 'H', 'C']);
      return {
        kind: 'mlp',
        shape: {
          D: this.integer(shape.D, 'spec.shape.D', 1, MAX_DIM),
          H: this.integer(shape.H, 'spec.shape.H', 1, MAX_DIM),
          C: this.integer(shape.C, 'spec.shape.C', 2, MAX_DIM),
        },
      };
    }
    if (spec.kind === 'autoencoder') {
      const shape = this.object(spec.shape, 'spec.shape', ['n', 'm']);
      const n = this.integer(shape.n, 'spec.shape.n', 1, MAX_DIM);
      return { kind: 'autoencoder', shape: { n, m: this.integer(shape.m, 'spec.shape.m', 1, n) } };
    }
    return this.fail('spec.kind', 'must be "mlp" or "autoencoder"');
  }

  private optimizer(value: unknown): OptimizerSettings {
    const o = this.object(value, 'optimizer', ['kind', 'lr', 'momentum', 'nesterov', 'beta1', 'beta2', 'eps', 'weightDecay']);
    if (!OPTIMIZER_KINDS.includes(o.kind as OptimizerKind)) this.fail('optimizer.kind', `must be one of ${OPTIMIZER_KINDS.join(', ')}`);
    if (typeof o.nesterov !== 'boolean') this.fail('optimizer.nesterov', 'must be true or false');
    return {
      kind: o.kind as OptimizerKind,
      lr: this.number(o.lr, 'optimizer.lr', 0, 1e6),
      momentum: this.number(o.momentum, 'optimizer.momentum', 0, 1),
      nesterov: o.nesterov,
      beta1: this.number(o.beta1, 'optimizer.beta1', 0, 1),
      beta2: this.number(o.beta2, 'optimizer.beta2', 0, 1),
      eps: this.number(o.eps, 'optimizer.eps', 0, 1),
      weightDecay: this.number(o.weightDecay, 'optimizer.weightDecay', 0, 1e6),
    };
  }

  private engine(value: unknown, path: string, spec: ModelSpec): EngineState {
    const e = this.object(value, path, ['step', 'optimizerStep', ...PARTS]);
    const step = this.integer(e.step, `${path}.step`, 0, U32_MAX);
    const optimizerStep = this.integer(e.optimizerStep, `${path}.optimizerStep`, 0, step);
    const shapes = specTensorShapes(spec);
    const part = (name: (typeof PARTS)[number]) => {
      const doc = this.object(e[name], `${path}.${name}`, shapes.map(([tensor]) => tensor));
      const out: Record<string, TensorArray> = {};
      for (const [tensor, shape] of shapes) {
        out[tensor] = this.tensor(doc[tensor], `${path}.${name}.${tensor}`, shape, name === 'v');
      }
      return out;
    };
    return { step, optimizerStep, params: part('params'), m: part('m'), v: part('v') };
  }

  private tensor(value: unknown, path: string, shape: number[], nonNegative: boolean): TensorArray {
    const t = this.object(value, path, ['dtype', 'shape', 'data']);
    if (t.dtype !== 'float32' && t.dtype !== 'float64') this.fail(`${path}.dtype`, 'must be "float32" or "float64"');
    const given = t.shape;
    if (!Array.isArray(given) || given.length !== shape.length || given.some((d, i) => d !== shape[i])) {
      const shown = Array.isArray(given) && given.length <= 8 ? `[${given.map((d) => describeJson(d)).join(', ')}]` : 'not that';
      this.fail(`${path}.shape`, `must be [${shape.join(', ')}] for this model, is ${shown}`);
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (count > MAX_TENSOR_ELEMENTS) this.fail(path, `has ${count} elements, more than ${MAX_TENSOR_ELEMENTS}`);
    if (typeof t.data !== 'string') this.fail(`${path}.data`, 'must be a base64 string');
    const itemBytes = t.dtype === 'float32' ? 4 : 8;
    const bytes = decodeBase64(t.data, count * itemBytes, (what) => this.fail(`${path}.data`, what));
    const view = new DataView(bytes.buffer);
    const out = itemBytes === 4 ? new Float32Array(count) : new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const x = itemBytes === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
      if (!Number.isFinite(x) || (nonNegative && x < 0)) {
        this.fail(path, `element ${i} is ${x} (${nonNegative ? 'a second moment must be finite and >= 0' : 'only finite numbers are allowed'})`);
      }
      out[i] = x;
    }
    return out;
  }

  /** A plain object; with `keys`, exactly those keys (none missing, none unknown). */
  private object(value: unknown, path: string, keys: readonly string[] | null): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'must be a JSON object');
    const obj = value as Record<string, unknown>;
    if (keys) {
      for (const key of keys) if (!Object.hasOwn(obj, key)) this.fail(path, `has no '${key}'`);
      for (const key of Object.keys(obj)) {
        if (!keys.includes(key)) this.fail(path, `has an unexpected key ${describeJson(key)}`);
      }
    }
    return obj;
  }

  private integer(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `must be a whole number from ${min} to ${max}, is ${describeJson(value)}`);
    }
    return value;
  }

  /** A finite number in [min, max]. */
  private number(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.fail(path, `must be a number from ${min} to ${max}, is ${describeJson(value)}`);
    }
    return value;
  }

  private string(value: unknown, path: string): string {
    if (typeof value !== 'string' || value.length > MAX_STRING) this.fail(path, `must be a string of at most ${MAX_STRING} characters`);
    return value;
  }

  private fail(path: string, what: string): never {
    throw new UserError(`${this.fileName}: ${path} ${what}`);
  }
}

/** The settings must be a flat object of short strings, finite numbers, booleans and nulls. */
function checkSettings(settings: Record<string, unknown>, fileName: string, path: string): void {
  const keys = Object.keys(settings);
  if (keys.length > MAX_SETTINGS_KEYS) throw new UserError(`${fileName}: ${path} has ${keys.length} keys (at most ${MAX_SETTINGS_KEYS})`);
  for (const key of keys) {
    const v = settings[key];
    const ok =
      key.length <= 100 &&
      (v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= MAX_STRING));
    if (!ok) {
      throw new UserError(`${fileName}: ${path}.${clip(key, 40)} must be a short string, a finite number, true, false or null`);
    }
  }
}

function describeSpec(spec: ModelSpec): string {
  return spec.kind === 'mlp'
    ? `an MLP ${spec.shape.D}-${spec.shape.H}-${spec.shape.C}`
    : `an autoencoder with n=${spec.shape.n}, m=${spec.shape.m}`;
}

function encodeTensor(values: TensorArray, shape: number[]): { dtype: string; shape: number[]; data: string } {
  const itemBytes = values.BYTES_PER_ELEMENT;
  const bytes = new Uint8Array(values.length * itemBytes);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    if (itemBytes === 4) view.setFloat32(i * 4, values[i]!, true);
    else view.setFloat64(i * 8, values[i]!, true);
  }
  return { dtype: itemBytes === 4 ? 'float32' : 'float64', shape, data: encodeBase64(bytes) };
}
