// The strict reader of a checkpoint file's JSON (the format is in checkpoint-format.ts): every field,
// every tensor's dtype, shape and length, every value finite, checked before anything is used, so a
// bad file is refused with one line that names the field.
import { decodeBase64 } from '../base/base64';
import { UserError } from '../base/errors';
import { clip, describeJson } from '../base/quote';
import { specTensorShapes, type ModelSpec } from '../models/build';
import { ACTIVATIONS, type Activation } from '../reference/activations';
import { MAX_HIDDEN_LAYERS } from '../reference/mlp';
import { PROBLEMS, type Problem } from '../reference/problem';
import type { OptimizerKind, OptimizerSettings } from '../reference/optimizer';
import type { EngineId, EngineState } from './engine';
import type { StepMetrics } from '../kernels/metrics';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type Checkpoint,
  ENGINE_KEYS,
  MAX_CHECKPOINT_CHARS,
  MAX_HISTORY_POINTS,
  PARTS,
  type SettingValue,
} from './checkpoint-format';

/** Largest layer size accepted in a model spec. */
const MAX_DIM = 2 ** 20;
/** Largest tensor accepted, in elements. */
const MAX_TENSOR_ELEMENTS = 2 ** 26;
const MAX_SETTINGS_KEYS = 200;
const MAX_STRING = 1000;
const U32_MAX = 0xffffffff;
/**
 * Most steps a run file may have taken: the kernels count steps in u32 (shaders/metrics.wgsl), and a
 * run this long (days at tens of thousands of steps a second) stays far from where they would wrap.
 */
export const MAX_RUN_STEP = 2 ** 31 - 1;
/**
 * Largest magnitude of a saved value, by part. A parameter past 1e4 overflows float32 within a few
 * layers of this page's widths (a forward pass multiplies by up to 4096 inputs per layer); the
 * moments are gradients and their squares. A file beyond them would poison the first steps.
 */
const MAX_MAGNITUDE = { params: 1e4, m: 1e10, v: 1e20 } as const;
const OPTIMIZER_KINDS: readonly OptimizerKind[] = ['sgd', 'momentum', 'adam'];

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
  return new CheckpointReader(fileName).checkpoint(doc);
}

/** Checks a parsed JSON document field by field; every failure is a UserError naming the field. */
class CheckpointReader {
  private version = CHECKPOINT_VERSION;

  constructor(private readonly fileName: string) {}

  checkpoint(doc: unknown): Checkpoint {
    const top = this.object(doc, 'the file', ['format', 'version', 'settings', 'spec', 'batch', 'seed', 'optimizer', 'data', 'engines'], ['history']);
    if (top.format !== CHECKPOINT_FORMAT) this.fail('format', `must be "${CHECKPOINT_FORMAT}" (is this a checkpoint saved by this page?)`);
    // Version 1 (before deeper networks) names one hidden width H; it reads as hidden [H].
    if (typeof top.version !== 'number' || !Number.isInteger(top.version) || top.version < 1 || top.version > CHECKPOINT_VERSION) {
      this.fail('version', `${describeJson(top.version)} is not supported (only 1 to ${CHECKPOINT_VERSION})`);
    }
    this.version = top.version;
    const saved = this.object(top.settings, 'settings', null) as Record<string, SettingValue>;
    checkSettings(saved, this.fileName, 'settings');
    // Before version 3 a user's file had no test set: its run trained on every row.
    const settings = this.version < 3 && saved.dataset === 'file' ? { ...saved, testShare: 0 } : saved;
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
    const engines: Partial<Record<EngineId, EngineState>> = {};
    const keys = Object.values(ENGINE_KEYS);
    for (const key of Object.keys(enginesDoc)) {
      if (!keys.includes(key)) this.fail('engines', `has an unknown engine ${describeJson(key)} (${keys.join(' or ')})`);
    }
    for (const [engine, key] of Object.entries(ENGINE_KEYS) as Array<[EngineId, string]>) {
      if (Object.hasOwn(enginesDoc, key)) engines[engine] = this.engine(enginesDoc[key], `engines.${key}`, spec);
    }
    if (Object.keys(engines).length === 0) this.fail('engines', `holds no engine (${keys.join(' or ')})`);
    const history = Object.hasOwn(top, 'history') ? this.history(top.history, engines) : null;
    return { settings: { ...settings }, spec, batch, seed, optimizer, data: checkedData, engines, ...(history ? { history } : {}) };
  }

  /**
   * Each saved engine's metrics before its step: columns of one length, at most MAX_HISTORY_POINTS,
   * steps rising and below the engine's, finite losses, accuracies in [0, 1].
   */
  private history(value: unknown, engines: Partial<Record<EngineId, EngineState>>): Partial<Record<EngineId, StepMetrics[]>> {
    if (this.version < 4) this.fail('history', 'came with version 4: this file says it is older');
    const doc = this.object(value, 'history', null);
    const ids = Object.keys(ENGINE_KEYS) as EngineId[];
    for (const key of Object.keys(doc)) {
      const engine = ids.find((e) => ENGINE_KEYS[e] === key);
      if (!engine || !engines[engine]) this.fail('history', `has ${describeJson(key)}, which is not an engine of "engines"`);
    }
    const history: Partial<Record<EngineId, StepMetrics[]>> = {};
    for (const engine of ids) {
      const key = ENGINE_KEYS[engine];
      if (!Object.hasOwn(doc, key)) continue;
      const path = `history.${key}`;
      const { step, loss, accuracy } = this.object(doc[key], path, ['step', 'loss', 'accuracy']);
      if (!Array.isArray(step) || !Array.isArray(loss) || !Array.isArray(accuracy) || loss.length !== step.length || accuracy.length !== step.length) {
        this.fail(path, 'must have "step", "loss" and "accuracy" lists of one length');
      }
      if (step.length > MAX_HISTORY_POINTS) this.fail(path, `has ${step.length} points, more than ${MAX_HISTORY_POINTS}`);
      const before = engines[engine]!.step;
      let previous = -1;
      history[engine] = step.map((s, i) => {
        if (typeof s !== 'number' || !Number.isInteger(s) || s <= previous || s >= before) {
          this.fail(
            `${path}.step[${i}]`,
            `must be a whole number after the one before it (${previous}) and before the engine's step ${before}, is ${describeJson(s)}`,
          );
        }
        previous = s;
        return { step: s, loss: this.number(loss[i], `${path}.loss[${i}]`, -1e30, 1e30), accuracy: this.number(accuracy[i], `${path}.accuracy[${i}]`, 0, 1) };
      });
    }
    return history;
  }

  private spec(value: unknown): ModelSpec {
    const spec = this.object(value, 'spec', ['kind', 'shape']);
    if (spec.kind === 'mlp') {
      const widths = this.version === 1 ? 'H' : 'hidden';
      const shape = this.object(spec.shape, 'spec.shape', ['D', widths, 'C'], ['activation', 'problem']);
      // Absent in the runs saved before the choice existed: swish.
      const activation = Object.hasOwn(shape, 'activation') ? this.activation(shape.activation) : null;
      // Absent in every classifier's run (and every run saved before regression existed).
      const regression = Object.hasOwn(shape, 'problem') && this.problem(shape.problem) === 'regression';
      return {
        kind: 'mlp',
        shape: {
          D: this.integer(shape.D, 'spec.shape.D', 1, MAX_DIM),
          hidden: this.version === 1 ? [this.integer(shape.H, 'spec.shape.H', 1, MAX_DIM)] : this.hidden(shape.hidden),
          // A regression has its one output; a classifier at least two.
          C: regression ? this.integer(shape.C, 'spec.shape.C', 1, 1) : this.integer(shape.C, 'spec.shape.C', 2, MAX_DIM),
          ...(activation ? { activation } : {}),
          ...(regression ? { problem: 'regression' as const } : {}),
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

  private hidden(value: unknown): number[] {
    if (!Array.isArray(value) || value.length < 1 || value.length > MAX_HIDDEN_LAYERS) {
      this.fail('spec.shape.hidden', `must be a list of 1 to ${MAX_HIDDEN_LAYERS} layer widths`);
    }
    return value.map((h, i) => this.integer(h, `spec.shape.hidden[${i}]`, 1, MAX_DIM));
  }

  private activation(value: unknown): Activation {
    if (!(ACTIVATIONS as readonly unknown[]).includes(value)) this.fail('spec.shape.activation', `must be one of ${ACTIVATIONS.join(', ')}`);
    return value as Activation;
  }

  private problem(value: unknown): Problem {
    if (!(PROBLEMS as readonly unknown[]).includes(value)) this.fail('spec.shape.problem', `must be one of ${PROBLEMS.join(', ')}`);
    return value as Problem;
  }

  private optimizer(value: unknown): OptimizerSettings {
    const o = this.object(value, 'optimizer', ['kind', 'lr', 'momentum', 'nesterov', 'beta1', 'beta2', 'eps', 'weightDecay'], ['l1']);
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
      l1: Object.hasOwn(o, 'l1') ? this.number(o.l1, 'optimizer.l1', 0, 1e6) : 0,
    };
  }

  private engine(value: unknown, path: string, spec: ModelSpec): EngineState {
    const e = this.object(value, path, ['step', 'optimizerStep', ...PARTS]);
    const step = this.integer(e.step, `${path}.step`, 0, MAX_RUN_STEP);
    const optimizerStep = this.integer(e.optimizerStep, `${path}.optimizerStep`, 0, step);
    const shapes = specTensorShapes(spec);
    const part = (name: (typeof PARTS)[number]) => {
      const doc = this.object(
        e[name],
        `${path}.${name}`,
        shapes.map(([tensor]) => tensor),
      );
      const out: Record<string, Float32Array | Float64Array> = {};
      for (const [tensor, shape] of shapes) {
        out[tensor] = this.tensor(doc[tensor], `${path}.${name}.${tensor}`, shape, name === 'v', MAX_MAGNITUDE[name]);
      }
      return out;
    };
    return { step, optimizerStep, params: part('params'), m: part('m'), v: part('v') };
  }

  private tensor(value: unknown, path: string, shape: number[], nonNegative: boolean, maxMagnitude: number): Float32Array | Float64Array {
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
      if (Math.abs(x) > maxMagnitude) {
        this.fail(path, `element ${i} is ${x}, beyond ±${maxMagnitude}: training from it would overflow float32 at once`);
      }
      out[i] = x;
    }
    return out;
  }

  /** A plain object; with `keys`, exactly those keys (none missing, none unknown) and any of `optional`. */
  private object(value: unknown, path: string, keys: readonly string[] | null, optional: readonly string[] = []): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'must be a JSON object');
    const obj = value as Record<string, unknown>;
    if (keys) {
      for (const key of keys) if (!Object.hasOwn(obj, key)) this.fail(path, `has no '${key}'`);
      for (const key of Object.keys(obj)) {
        if (!keys.includes(key) && !optional.includes(key)) this.fail(path, `has an unexpected key ${describeJson(key)}`);
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
export function checkSettings(settings: Record<string, unknown>, fileName: string, path: string): void {
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
