// Where everything of one CPU engine lives in its WebAssembly memory: the model's table (read by
// wasm/engine.ts, whose exported word numbers are the layout's one home), parameters, gradients,
// moments, every layer's activations for up to ROWS rows, a job's batches and the control words
// of its threads. Planned once per run; nothing is allocated per step.
import { UserError } from '../base/errors';
import type { ModelSpec } from '../models/build';
import { specTensorShapes } from '../models/build';
import { ACTIVATIONS } from '../reference/activations';
import type { Mistake } from '../reference/mistakes';
import { activationOf, layerWidths, problemOf } from '../reference/mlp';
import type { OptimizerSettings } from '../reference/optimizer';
import type { CpuThreadLayout } from './cpu-thread';

/** The control words of a job (as in cpu-thread.ts). */
export const CONTROL = { SEQ: 0, KIND: 1, COUNT: 2, T0: 3, ARRIVED: 4, GENERATION: 5, DONE: 6, FAILED: 7, PASS: 8 } as const;
/** TRAIN: COUNT steps; FORWARD: COUNT rows; PASS: one pass of a step (PASS, a PASS_* of wasm/engine.ts) COUNT times. */
export const JOB = { TRAIN: 1, FORWARD: 2, QUIT: 3, PASS: 4 } as const;
/** Rows of one forward job (evaluation, the diagram's grid), as the GPU's EVAL_ROWS. */
export const FORWARD_ROWS = 1024;
/** A job's batches take at most this many bytes, and at most MAX_JOB_STEPS steps. */
const STAGING_BYTES = 32 << 20;
const MAX_JOB_STEPS = 64;
const PAGE = 65536;
/** The first page is the module's: its data segments (rewritten by every instance) lie there. */
export const MODULE_BYTES = PAGE;
/** wasm32's limit, less a page. */
const MAX_BYTES = 65535 * PAGE;

/** The word numbers exported by wasm/engine.ts (D_*, L_*, MISTAKE_*). */
export type CpuWords = Record<string, number>;

export interface Tensor {
  /** Byte offset. */
  ptr: number;
  length: number;
}

export interface CpuMemoryPlan {
  bytes: number;
  /** Rows the activation buffers hold. */
  rows: number;
  /** Steps one job can take (its batch slots). */
  jobSteps: number;
  params: Record<string, Tensor>;
  grads: Record<string, Tensor>;
  m: Record<string, Tensor>;
  v: Record<string, Tensor>;
  /** Per hidden layer, its activations Y_l [rows, H_l]; then the logits Z [rows, C] (MLP only). */
  hidden: Tensor[];
  output: Tensor | null;
  thread: CpuThreadLayout;
  /** Each thread's scratch for the dW products (wasm/gemm.ts packs its operands there), `bytes` apart. */
  scratch: { ptr: number; bytes: number };
}

/**
 * What the threads need beside the model: how many, and each one's scratch bytes for the dW
 * products when a thread takes at most `units` of a layer's units (the module's scratchBytes(B, units)).
 */
export interface CpuThreadNeeds {
  threads: number;
  scratchBytes: (units: number) => number;
}

/** Lays out the memory of `spec` at batch B, or refuses (UserError) when it cannot fit in wasm32. */
export function planCpuMemory(spec: ModelSpec, B: number, words: CpuWords, needs: CpuThreadNeeds): CpuMemoryPlan {
  let offset = MODULE_BYTES; // below: the module's own data (Math.exp's and Math.log's tables)
  const alloc = (bytes: number): number => {
    const at = offset;
    offset += Math.ceil(bytes / 16) * 16;
    return at;
  };
  const tensor = (length: number): Tensor => ({ ptr: alloc(length * 4), length });
  const rows = Math.max(B, FORWARD_ROWS);
  const D = spec.kind === 'mlp' ? spec.shape.D : spec.shape.n;
  const jobSteps = Math.max(1, Math.min(MAX_JOB_STEPS, Math.floor(STAGING_BYTES / (B * D * 4))));

  const desc = alloc(words.DESCRIPTOR_WORDS! * 4);
  const control = alloc(64);
  const params: Record<string, Tensor> = {};
  const grads: Record<string, Tensor> = {};
  const m: Record<string, Tensor> = {};
  const v: Record<string, Tensor> = {};
  for (const [name, dims] of specTensorShapes(spec)) {
    const length = dims.reduce((a, b) => a * b, 1);
    params[name] = tensor(length);
    grads[name] = tensor(length);
    m[name] = tensor(length);
    v[name] = tensor(length);
  }
  const hidden: Tensor[] = [];
  let output: Tensor | null = null;
  const layerBuffers: Array<{ V: Tensor; Y: Tensor; G: Tensor }> = [];
  if (spec.kind === 'mlp') {
    const widths = layerWidths(spec.shape);
    for (let l = 1; l < widths.length; l++) {
      const hiddenLayer = l < widths.length - 1;
      const V = tensor(rows * widths[l]!);
      const Y = hiddenLayer ? tensor(rows * widths[l]!) : V;
      layerBuffers.push({ V, Y, G: tensor(rows * widths[l]!) });
      if (hiddenLayer) hidden.push(Y);
      else output = V;
    }
  } else {
    const { n, m: code } = spec.shape;
    layerBuffers.push({ V: tensor(rows * code), Y: tensor(rows * n), G: tensor(rows * code) });
  }
  const rowLoss = alloc(rows * 8);
  const rowClass = alloc(rows * 4);
  const xStride = B * D * 4;
  const xBase = alloc(Math.max(jobSteps * B, rows) * D * 4);
  const labelBase = alloc(Math.max(jobSteps * B, rows) * 4);
  const metrics = alloc(jobSteps * 16);
  // A thread's share of the widest layer's units: ⌊N(t + 1)/T⌋ − ⌊Nt/T⌋ ≤ ⌈N/T⌉.
  const widest = spec.kind === 'mlp' ? Math.max(...layerWidths(spec.shape).slice(1)) : spec.shape.m;
  const units = Math.ceil(widest / needs.threads);
  const scratchBytes = Math.ceil(needs.scratchBytes(units) / 64) * 64; // a cache line apart: no false sharing
  const scratch = { ptr: alloc(needs.threads * scratchBytes + 64), bytes: scratchBytes };
  scratch.ptr = Math.ceil(scratch.ptr / 64) * 64;
  if (offset > MAX_BYTES) {
    throw new UserError(
      `the CPU engine would need ${Math.ceil(offset / 2 ** 20)} MB for this network at batch ${B}, more than WebAssembly's 4 GB; choose a smaller batch or network`,
    );
  }

  const thread: CpuThreadLayout = {
    desc,
    control,
    controlWords: CONTROL,
    jobs: JOB,
    xBase,
    xStride,
    labelBase,
    labelStride: B * 4,
    metrics,
    rowLoss,
    rowClass,
    B,
    beta1Word: desc / 4 + words.D_BETA1!,
    beta2Word: desc / 4 + words.D_BETA2!,
    passes: { forward: words.PASS_FORWARD!, loss: words.PASS_LOSS!, backward: words.PASS_BACKWARD!, update: words.PASS_UPDATE! },
  };
  const plan: CpuMemoryPlan = { bytes: offset, rows, jobSteps, params, grads, m, v, hidden, output, thread, scratch };
  layerTable.set(plan, layerBuffers);
  return plan;
}

const layerTable = new WeakMap<CpuMemoryPlan, Array<{ V: Tensor; Y: Tensor; G: Tensor }>>();

/** Memory for a plan: shared (for threads) or not. */
export function cpuMemory(plan: CpuMemoryPlan, shared: boolean): WebAssembly.Memory {
  const pages = Math.ceil(plan.bytes / PAGE);
  return new WebAssembly.Memory(shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages });
}

/** Writes the model's table: its kind, layers, activation, mistake and pointers. */
export function writeModelTable(memory: WebAssembly.Memory, plan: CpuMemoryPlan, spec: ModelSpec, B: number, mistake: Mistake, words: CpuWords): void {
  const i32 = new Int32Array(memory.buffer, plan.thread.desc, words.DESCRIPTOR_WORDS!);
  const f32 = new Float32Array(memory.buffer, plan.thread.desc, words.DESCRIPTOR_WORDS!);
  const w = (name: string): number => words[name]!;
  const layers = layerTable.get(plan)!;
  const mistakeBits =
    (mistake === 'swish-prime' ? w('MISTAKE_SWISH_PRIME') : 0) |
    (mistake === 'w2-layout' ? w('MISTAKE_W2_LAYOUT') : 0) |
    (mistake === 'no-one-hot' ? w('MISTAKE_NO_ONE_HOT') : 0) |
    (mistake === 'bias-one-row' ? w('MISTAKE_BIAS_ONE_ROW') : 0) |
    (mistake === 'ae-one-term' ? w('MISTAKE_AE_ONE_TERM') : 0);
  i32[w('D_KIND')] = spec.kind === 'mlp' ? 0 : 1;
  i32[w('D_LAYERS')] = layers.length;
  i32[w('D_ACTIVATION')] = spec.kind === 'mlp' ? ACTIVATIONS.indexOf(activationOf(spec.shape)) : 0;
  i32[w('D_OUTPUT')] = spec.kind === 'mlp' && problemOf(spec.shape) === 'regression' ? 1 : 0;
  i32[w('D_MISTAKES')] = mistakeBits;
  f32[w('D_SCALE')] = mistake === 'no-batch-mean' ? 1 : 1 / B;
  i32[w('D_BATCH')] = B;
  i32[w('D_ROW_LOSS')] = plan.thread.rowLoss;
  i32[w('D_ROW_CLASS')] = plan.thread.rowClass;
  i32[w('D_SCRATCH')] = plan.scratch.ptr;
  i32[w('D_SCRATCH_BYTES')] = plan.scratch.bytes;
  const widths = spec.kind === 'mlp' ? layerWidths(spec.shape) : [spec.shape.n, spec.shape.m];
  layers.forEach((buffers, index) => {
    const l = index + 1;
    const base = w('D_LAYER0') + index * w('LAYER_WORDS');
    const set = (field: string, value: number): void => void (i32[base + w(field)] = value);
    const W = spec.kind === 'mlp' ? `W${l}` : 'W';
    set('L_IN', widths[index]!);
    set('L_OUT', widths[index + 1]!);
    set('L_W', plan.params[W]!.ptr);
    set('L_DW', plan.grads[W]!.ptr);
    set('L_MW', plan.m[W]!.ptr);
    set('L_VW', plan.v[W]!.ptr);
    if (spec.kind === 'mlp') {
      set('L_B', plan.params[`b${l}`]!.ptr);
      set('L_DB', plan.grads[`b${l}`]!.ptr);
      set('L_MB', plan.m[`b${l}`]!.ptr);
      set('L_VB', plan.v[`b${l}`]!.ptr);
    }
    set('L_V', buffers.V.ptr);
    set('L_Y', buffers.Y.ptr);
    set('L_G', buffers.G.ptr);
  });
}

/** Writes the optimizer's settings into the table; `ascend` is the update-sign mistake. */
export function writeOptimizer(memory: WebAssembly.Memory, plan: CpuMemoryPlan, s: OptimizerSettings, ascend: boolean, words: CpuWords): void {
  const i32 = new Int32Array(memory.buffer, plan.thread.desc, words.DESCRIPTOR_WORDS!);
  const f32 = new Float32Array(memory.buffer, plan.thread.desc, words.DESCRIPTOR_WORDS!);
  const w = (name: string): number => words[name]!;
  i32[w('D_OPT_KIND')] = ['sgd', 'momentum', 'adam'].indexOf(s.kind);
  f32[w('D_LR')] = ascend ? -s.lr : s.lr;
  f32[w('D_MU')] = s.momentum;
  i32[w('D_NESTEROV')] = s.nesterov ? 1 : 0;
  f32[w('D_BETA1')] = s.beta1;
  f32[w('D_BETA2')] = s.beta2;
  f32[w('D_EPS')] = s.eps;
  f32[w('D_WEIGHT_DECAY')] = s.weightDecay;
  f32[w('D_L1')] = s.l1;
}
