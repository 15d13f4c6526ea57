// A network with everything needed to train it on the GPU: flat parameter, gradient and moment
// buffers, the training state, the metrics ring, the resident data set and its batch gather.
// A training step is encoded as one compute pass: gather, forward, loss, metrics, backward, update.
import type { Binding } from '../gpu/buffers';
import { readBytes, readFloats, storageBuffer, writeArray } from '../gpu/buffers';
import type { DeviceDataset } from '../gpu/dataset-buffers';
import { encodeDispatches, type Dispatch } from '../gpu/kernel';
import { tuneDispatches, type TuneReport } from '../gpu/tune';
import { Gather } from '../kernels/gather';
import { decodeRing, METRIC_SLOT_BYTES, Metrics, STATE_WORDS, type StepMetrics } from '../kernels/metrics';
import { Optimizer, optimizerUniform } from '../kernels/optimizer';
import type { OptimizerSettings } from '../reference/optimizer';
import type { BoundPass, Network } from './network';

/** Rows per chunk when a whole data set is evaluated; a multiple of 64 keeps binding offsets aligned. */
export const EVAL_ROWS = 1024;
/**
 * Rows per chunk of the diagram's forward passes (layerOutputs): smaller, so that a slow model's
 * plane, read while it trains, gives way to a newer request within a fraction of its time.
 */
const PROBE_ROWS = 256;

/** A whole data set's mean loss and accuracy, and optionally each row's output. */
export interface Evaluation {
  loss: number;
  accuracy: number;
  outputs?: Float32Array;
}

export interface ModelOptions {
  /** Batch size B. */
  batch: number;
  optimizer: OptimizerSettings;
  /** Steps the metrics ring holds: read it back at least this often. */
  ringSlots?: number;
  /**
   * Time the alternatives of the step's dispatches (matmul entry points) and keep the fastest.
   * Default: wherever there are alternatives, i.e. on GPUs (a CPU adapter compiles one path).
   */
  tune?: boolean;
  /** The update-sign mistake of MATH.md's catalogue: every step adds the update instead of subtracting it. */
  ascend?: boolean;
  /**
   * false: no update kernel is compiled or bound, for a model that only computes gradients and
   * evaluations and never steps (the gradient check). Default true.
   */
  update?: boolean;
}

/** Bound forward passes over a fixed number of probe rows, and the buffer their outputs are read through. */
interface Probe {
  rows: number;
  x: GPUBuffer;
  labels: GPUBuffer;
  rowStats: GPUBuffer;
  passes: Array<{ start: number; rows: number; pass: BoundPass }>;
  staging: GPUBuffer;
  /** Floats per row of the output, then of each hidden layer, and where each starts in the staging buffer. */
  widths: number[];
  offsets: number[];
}

export class GpuModel {
  readonly B: number;
  readonly ringSlots: number;
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  private readonly m: GPUBuffer;
  private readonly v: GPUBuffer;
  /** [steps done, data cursor, optimizer step, 0] u32. */
  readonly state: GPUBuffer;
  /** One slot per step of the last `ringSlots` steps (see shaders/metrics.wgsl). */
  readonly ring: GPUBuffer;
  private readonly rowStats: GPUBuffer; // [B, 2]
  private readonly batchX: GPUBuffer; // [B, D]
  private readonly batchLabels: GPUBuffer; // [B] u32
  private readonly pass: BoundPass;
  private optimizer: Dispatch | null = null;
  private optimizerSettings: OptimizerSettings;
  private readonly ascend: boolean;
  private readonly update: boolean;
  private data: { set: DeviceDataset; perm: GPUBuffer; gather: Dispatch; metrics: Dispatch } | null = null;
  private metricsNoData: Dispatch;
  /** The diagram's forward passes over probe rows (layerOutputs), kept between calls. */
  private probe: Probe | null = null;
  private probeQueue: Promise<void> = Promise.resolve();
  /** What the tuner chose for each dispatch of the training step (empty where nothing was timed). */
  tuning: TuneReport[] = [];

  private constructor(
    readonly device: GPUDevice,
    readonly network: Network,
    private readonly kernels: { gather: Gather; metrics: Metrics },
    opts: ModelOptions,
  ) {
    const { layout, inputSize: D } = network;
    const B = (this.B = opts.batch);
    this.ringSlots = opts.ringSlots ?? 64;
    this.optimizerSettings = { ...opts.optimizer };
    this.ascend = opts.ascend ?? false;
    this.update = opts.update ?? true;
    const label = network.kind;
    this.params = storageBuffer(device, `${label}/params`, layout.total * 4);
    this.grads = storageBuffer(device, `${label}/grads`, layout.total * 4);
    this.m = storageBuffer(device, `${label}/moment1`, layout.total * 4);
    this.v = storageBuffer(device, `${label}/moment2`, layout.total * 4);
    this.state = storageBuffer(device, `${label}/state`, STATE_WORDS * 4);
    this.ring = storageBuffer(device, `${label}/metrics-ring`, this.ringSlots * METRIC_SLOT_BYTES);
    this.rowStats = storageBuffer(device, `${label}/rowStats`, B * 8);
    this.batchX = storageBuffer(device, `${label}/batchX`, B * D * 4);
    this.batchLabels = storageBuffer(device, `${label}/batchLabels`, B * 4);
    this.pass = network.bind(
      `${label}/train`,
      {
        params: this.params,
        X: this.batchX,
        labels: this.batchLabels,
        rowStats: this.rowStats,
        grads: this.grads,
      },
      B,
      B,
    );
    this.metricsNoData = this.bindMetrics(0, 1);
  }

  /**
   * Compiles the kernels a model adds to its network's (gather, metrics, update), all at once; create
   * finds them compiled. Start it beside the network's compilation, so that no pipeline waits for another.
   */
  static async compileKernels(device: GPUDevice, opts: Pick<ModelOptions, 'optimizer' | 'ascend' | 'update'>): Promise<{ gather: Gather; metrics: Metrics }> {
    const { kind, nesterov } = opts.optimizer;
    const [gather, metrics] = await Promise.all([
      Gather.create(device),
      Metrics.create(device),
      (opts.update ?? true) ? Optimizer.create(device, kind, nesterov, opts.ascend ?? false) : null,
    ]);
    return { gather, metrics };
  }

  /** Builds a model for `network`; parameters start at zero until setParams. */
  static async create(device: GPUDevice, network: Network, opts: ModelOptions): Promise<GpuModel> {
    if (!Number.isInteger(opts.batch) || opts.batch < 1) throw new RangeError('batch size must be a positive integer');
    const model = new GpuModel(device, network, await GpuModel.compileKernels(device, opts), opts);
    try {
      await model.setOptimizer(opts.optimizer, true);
      if (opts.tune ?? true) await model.tune();
    } catch (e) {
      model.destroy();
      throw e;
    }
    return model;
  }

  /**
   * Times the alternatives of the step's dispatches and binds the fastest (see ModelOptions.tune).
   * Timing runs the forward and backward kernels, which write only scratch, per-row loss and
   * gradients. With `apart`, they are timed on a pass of their own (its own scratch, loss rows and
   * gradients, for as long as the timing takes) and the step's dispatches are then moved onto the
   * choices, so that steps may be trained meanwhile and the gradients read back stay their own.
   */
  async tune(onProgress?: (current: number, total: number) => void, { apart = false, signal }: { apart?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    const step = [this.pass.forward, this.pass.backward];
    if (!apart) {
      this.tuning = await tuneDispatches(this.device, step, onProgress, signal);
      return;
    }
    const { device, network, B } = this;
    const label = `${network.kind}/tune`;
    const rowStats = storageBuffer(device, `${label}/rowStats`, B * 8); // [B, 2]
    const grads = storageBuffer(device, `${label}/grads`, network.layout.total * 4);
    const pass = network.bind(label, { params: this.params, X: this.batchX, labels: this.batchLabels, rowStats, grads }, B, B);
    try {
      const timed = await tuneDispatches(device, [pass.forward, pass.backward], onProgress, signal);
      if (signal?.aborted) throw new Error('tuning called off');
      // Remembered now: the step's own dispatches are moved, nothing is timed again. Both passes
      // were bound alike, so their reports pair up in order.
      const moved = await tuneDispatches(device, step);
      this.tuning = moved.map((r, i) => ({ ...r, ms: timed[i]?.ms ?? {} }));
    } finally {
      pass.destroy();
      rowStats.destroy();
      grads.destroy();
    }
  }

  /**
   * Moves every dispatch of the step and of the diagram's probe that started on a pipeline serving
   * any variant (NetworkOptions.anyVariant) onto its variant's own, compiling those: the same bits,
   * faster. Dispatches bound afterwards are specialized already.
   */
  async specialize(): Promise<void> {
    // Every matmul of the network has a product in the step, so once these have moved, every bind is specialized.
    await Promise.all([...this.pass.forward, ...this.pass.backward].map((d) => d.specialize?.()));
    await Promise.all((this.probe?.passes ?? []).flatMap(({ pass }) => pass.forward.map((d) => d.specialize?.())));
  }

  /**
   * The step's forward and backward dispatches on the batch buffers, as bound now (the tuner swaps
   * some): they write only scratch, per-row loss and gradients, so timing them changes no training state.
   */
  passDispatches(): Dispatch[] {
    return [...this.pass.forward, ...this.pass.backward];
  }

  get settings(): Readonly<OptimizerSettings> {
    return this.optimizerSettings;
  }

  /**
   * Changes the optimizer. Learning rate and the other numbers take effect at the next submit;
   * a new kind (or Nesterov flag) swaps the pipeline and clears the moments.
   */
  async setOptimizer(s: OptimizerSettings, rebuild = false): Promise<void> {
    const old = this.optimizerSettings;
    const count = this.network.layout.total;
    if (!this.update) {
      this.optimizerSettings = { ...s };
      return;
    }
    if (rebuild || s.kind !== old.kind || s.nesterov !== old.nesterov) {
      const kernel = await Optimizer.create(this.device, s.kind, s.nesterov, this.ascend);
      this.optimizer?.uniform.destroy();
      this.optimizer = kernel.bind(
        `${this.network.kind}/update`,
        {
          grads: this.grads,
          state: this.state,
          params: this.params,
          m: this.m,
          v: this.v,
        },
        count,
        s,
      );
      this.resetOptimizerState();
    } else {
      this.device.queue.writeBuffer(this.optimizer!.uniform, 0, optimizerUniform(count, s));
    }
    this.optimizerSettings = { ...s };
  }

  /** Clears momentum and Adam moments and restarts Adam's step count. */
  resetOptimizerState(): void {
    const encoder = this.device.createCommandEncoder({ label: 'optimizer/reset' });
    encoder.clearBuffer(this.m);
    encoder.clearBuffer(this.v);
    encoder.clearBuffer(this.state, 8, 4);
    this.device.queue.submit([encoder.finish()]);
  }

  /** Sets the step counter and the data cursor of that step (its row in the epoch's permutation). */
  setStep(step: number): void {
    const cursor = (step % this.stepsPerEpoch()) * this.B;
    writeArray(this.device, this.state, 0, new Uint32Array([step, cursor]));
  }

  /** The optimizer's moments, named like the parameters, and the training state [steps, cursor, t, 0]. */
  async readOptimizerState(): Promise<{ m: Record<string, Float32Array>; v: Record<string, Float32Array>; state: Uint32Array }> {
    const { device, network } = this;
    const [m, v, state] = await Promise.all([readFloats(device, this.m), readFloats(device, this.v), readBytes(device, this.state)]);
    return { m: network.layout.unpack(m), v: network.layout.unpack(v), state: new Uint32Array(state) };
  }

  /** Writes the moments and the optimizer step t (after setOptimizer, which may clear them). */
  setOptimizerState(s: { m: Record<string, ArrayLike<number>>; v: Record<string, ArrayLike<number>>; t: number }): void {
    const { device, network } = this;
    writeArray(device, this.m, 0, network.layout.pack(s.m));
    writeArray(device, this.v, 0, network.layout.pack(s.v));
    writeArray(device, this.state, 8, new Uint32Array([s.t]));
  }

  /** Writes the parameters (named as in the network's layout). */
  setParams(values: Record<string, ArrayLike<number>>): void {
    writeArray(this.device, this.params, 0, this.network.layout.pack(values));
  }

  /** Writes one entry of one parameter tensor; queued behind the steps submitted so far, so never under one. */
  setParamEntry(name: string, index: number, value: number): void {
    const slot = this.network.layout.slot(name);
    writeArray(this.device, this.params, (slot.offset + index) * 4, Float32Array.of(value));
  }

  async readParams(): Promise<Record<string, Float32Array>> {
    return this.network.layout.unpack(await readFloats(this.device, this.params));
  }

  async readGrads(): Promise<Record<string, Float32Array>> {
    return this.network.layout.unpack(await readFloats(this.device, this.grads));
  }

  /** Makes `set` the training data; batches are gathered from it by the permutation set with setPermutation. */
  setData(set: DeviceDataset): void {
    if (set.D !== this.network.inputSize) {
      throw new RangeError(`the data has ${set.D} features, the model expects ${this.network.inputSize}`);
    }
    if (this.network.kind === 'mlp' && set.classes > this.network.classes) {
      throw new RangeError(`the data has ${set.classes} classes, the model has ${this.network.classes} outputs`);
    }
    if (set.N < this.B) throw new RangeError(`the batch (${this.B}) is larger than the data set (${set.N} rows)`);
    this.clearData();
    const perm = storageBuffer(this.device, `${set.name}/permutation`, set.N * 4);
    const gather = this.kernels.gather.bind(
      `${this.network.kind}/gather`,
      {
        data: set.X,
        labels: set.labels,
        perm,
        state: this.state,
        batchX: this.batchX,
        batchLabels: this.batchLabels,
      },
      this.B,
      set.D,
      set.bytes,
    );
    const metrics = this.bindMetrics(this.B, this.stepsPerEpoch(set) * this.B);
    this.data = { set, perm, gather, metrics };
  }

  /** Full batches per epoch (the remainder of a shuffled epoch is dropped). */
  stepsPerEpoch(set: { N: number } | null = this.data?.set ?? null): number {
    return set ? Math.floor(set.N / this.B) : 1;
  }

  /** Uploads the row order of the coming epoch. */
  setPermutation(perm: Uint32Array): void {
    if (!this.data) throw new Error('setPermutation before setData');
    writeArray(this.device, this.data.perm, 0, perm);
  }

  /** The entry point of each step dispatch whose kernel has several, by the dispatch's last name: {"layer1": "wide", …}. */
  stepPaths(): Record<string, string> {
    const dispatches = [...this.pass.forward, ...this.pass.backward].filter((d) => d.variant);
    return Object.fromEntries(dispatches.map((d) => [d.label.split('/').pop()!, d.variant!]));
  }

  /** Encodes one training step: gather, forward, loss, metrics, backward, update. */
  encodeStep(encoder: GPUCommandEncoder): void {
    if (!this.data) throw new Error('encodeStep before setData');
    if (!this.optimizer) throw new Error('encodeStep on a model built without its update (ModelOptions.update)');
    const { gather, metrics } = this.data;
    encodeDispatches(encoder, [gather, ...this.pass.forward, metrics, ...this.pass.backward, this.optimizer], 'step');
  }

  /**
   * Loss and gradients for one explicit batch of exactly B rows, through the same kernels as a
   * training step (no update). Used by the `grads` command and the tests.
   */
  async gradients(X: Float32Array, labels: Uint32Array): Promise<{ loss: number; accuracy: number; grads: Record<string, Float32Array> }> {
    const { device, B } = this;
    if (X.length !== B * this.network.inputSize || labels.length !== B) throw new RangeError('batch has the wrong shape');
    writeArray(device, this.batchX, 0, X);
    writeArray(device, this.batchLabels, 0, labels);
    this.setStep(0);
    const encoder = device.createCommandEncoder({ label: 'gradients' });
    encodeDispatches(encoder, [...this.pass.forward, this.metricsNoData, ...this.pass.backward], 'gradients');
    device.queue.submit([encoder.finish()]);
    const [metrics] = decodeRing(await readBytes(device, { buffer: this.ring, offset: 0, size: METRIC_SLOT_BYTES }));
    if (!metrics) throw new Error('the metrics kernel wrote nothing');
    return { loss: metrics.loss, accuracy: metrics.accuracy, grads: await this.readGrads() };
  }

  /**
   * Mean loss and accuracy over a whole data set with the current parameters (forward only), in
   * chunks of EVAL_ROWS rows. With `outputs`, also the network's output per row (see
   * BoundPass.output), [N, width]. With `signal`, each chunk is
   * waited for before the next is submitted, and the evaluation stops there once the signal is
   * aborted (throwing its reason): a slow model's evaluation gives way to a newer request within a
   * chunk, and no submitted work is abandoned.
   */
  async evaluate(set: DeviceDataset, opts: { outputs?: boolean; signal?: AbortSignal } = {}): Promise<Evaluation> {
    const { device, network } = this;
    const D = set.D;
    const width = network.kind === 'mlp' ? network.classes : network.inputSize;
    const rowStats = storageBuffer(device, `${set.name}/eval-rowStats`, set.N * 8);
    const outputs = opts.outputs ? storageBuffer(device, `${set.name}/eval-outputs`, set.N * width * 4) : null;
    // Each chunk's rows are gathered as a step's batch is (in order: the chunk's row numbers as the
    // permutation, a cursor of 0), so byte features reach the forward kernels as the same floats.
    const chunkRows = Math.min(EVAL_ROWS, set.N);
    const chunk = {
      X: storageBuffer(device, `${set.name}/eval-X`, chunkRows * D * 4),
      labels: storageBuffer(device, `${set.name}/eval-labels`, chunkRows * 4),
      order: storageBuffer(device, `${set.name}/eval-order`, chunkRows * 4),
      cursor: storageBuffer(device, `${set.name}/eval-cursor`, 8),
    };
    try {
      for (let start = 0; start < set.N; start += EVAL_ROWS) {
        const rows = Math.min(EVAL_ROWS, set.N - start);
        const order = Uint32Array.from({ length: rows }, (_, i) => start + i);
        writeArray(device, chunk.order, 0, order);
        const gather = this.kernels.gather.bind(
          `${network.kind}/eval-gather`,
          { data: set.X, labels: set.labels, perm: chunk.order, state: chunk.cursor, batchX: chunk.X, batchLabels: chunk.labels },
          rows,
          D,
          set.bytes,
        );
        const pass = network.bind(
          `${network.kind}/eval`,
          {
            params: this.params,
            X: { buffer: chunk.X, offset: 0, size: rows * D * 4 },
            labels: { buffer: chunk.labels, offset: 0, size: rows * 4 },
            rowStats: { buffer: rowStats, offset: start * 8, size: rows * 8 },
          },
          rows,
          rows,
        );
        const encoder = device.createCommandEncoder({ label: 'evaluate' });
        encodeDispatches(encoder, [gather, ...pass.forward], 'evaluate');
        if (outputs) encoder.copyBufferToBuffer(pass.output, 0, outputs, start * width * 4, rows * width * 4);
        device.queue.submit([encoder.finish()]);
        gather.uniform.destroy();
        pass.destroy();
        if (opts.signal && start + EVAL_ROWS < set.N) await this.chunkSettled(opts.signal);
      }
      const stats = await readFloats(device, rowStats);
      const outputValues = outputs ? await readFloats(device, outputs) : undefined;
      let loss = 0;
      let correct = 0;
      for (let i = 0; i < set.N; i++) {
        loss += stats[2 * i]!;
        correct += stats[2 * i + 1]!;
      }
      return { loss: loss / set.N, accuracy: correct / set.N, outputs: outputValues };
    } finally {
      for (const b of [rowStats, chunk.X, chunk.labels, chunk.order, chunk.cursor]) b.destroy();
      outputs?.destroy();
    }
  }

  /**
   * Between the chunks of a read that can be called off: waits for the chunk submitted, then throws
   * the signal's reason if it was aborted meanwhile (no submitted work is abandoned).
   */
  private async chunkSettled(signal: AbortSignal): Promise<void> {
    await this.device.queue.onSubmittedWorkDone();
    signal.throwIfAborted();
  }

  /**
   * Every layer's output for `rows` rows of X [rows, D] with the current parameters, by the training
   * step's own forward kernels in chunks of PROBE_ROWS: each hidden layer's Y_l [rows, H_l] and the
   * network's output (logits Z [rows, C] for the MLP). The network diagram draws its units from it,
   * several times a second: the passes are bound once per row count, and one mapping reads it all.
   */
  layerOutputs(X: Float32Array, rows: number, signal?: AbortSignal): Promise<{ hidden: Float32Array[]; output: Float32Array }> {
    const D = this.network.inputSize;
    if (!Number.isInteger(rows) || rows < 1 || X.length < rows * D) return Promise.reject(new RangeError(`layerOutputs needs ${rows} rows of ${D} features`));
    // One at a time: the staging buffer is mapped by one read only.
    const read = this.probeQueue.then(() => this.readLayers(X, rows, signal));
    this.probeQueue = read.then(
      () => undefined,
      () => undefined,
    );
    return read;
  }

  /** With `signal`, one submit per chunk, each waited for, stopping once the signal is aborted (as evaluate does). */
  private async readLayers(X: Float32Array, rows: number, signal?: AbortSignal): Promise<{ hidden: Float32Array[]; output: Float32Array }> {
    const { device } = this;
    const probe = this.probeFor(rows);
    writeArray(device, probe.x, 0, X.subarray(0, rows * this.network.inputSize));
    let encoder = device.createCommandEncoder({ label: 'probe' });
    for (const [k, { start, rows: n, pass }] of probe.passes.entries()) {
      encodeDispatches(encoder, pass.forward, 'probe');
      [pass.output, ...pass.hidden].forEach((b, i) => {
        encoder.copyBufferToBuffer(b, 0, probe.staging, (probe.offsets[i]! + start * probe.widths[i]!) * 4, n * probe.widths[i]! * 4);
      });
      if (signal && k + 1 < probe.passes.length) {
        device.queue.submit([encoder.finish()]);
        await this.chunkSettled(signal);
        encoder = device.createCommandEncoder({ label: 'probe' });
      }
    }
    device.queue.submit([encoder.finish()]);
    await probe.staging.mapAsync(GPUMapMode.READ);
    const all = new Float32Array(probe.staging.getMappedRange().slice(0));
    probe.staging.unmap();
    const parts = probe.widths.map((w, i) => all.subarray(probe.offsets[i]!, probe.offsets[i]! + rows * w));
    return { output: parts[0]!, hidden: parts.slice(1) };
  }

  /** The forward passes over `rows` probe rows, bound once (again when the row count changes). */
  private probeFor(rows: number): Probe {
    if (this.probe?.rows === rows) return this.probe;
    this.destroyProbe();
    const { device, network } = this;
    const D = network.inputSize;
    const x = storageBuffer(device, 'probe/X', rows * D * 4);
    const labels = storageBuffer(device, 'probe/labels', rows * 4);
    const rowStats = storageBuffer(device, 'probe/rowStats', rows * 8);
    const passes: Probe['passes'] = [];
    for (let start = 0; start < rows; start += PROBE_ROWS) {
      const n = Math.min(PROBE_ROWS, rows - start);
      const range = (buffer: GPUBuffer, w: number): Binding => ({ buffer, offset: start * w, size: n * w });
      const pass = network.bind(
        `${network.kind}/probe`,
        { params: this.params, X: range(x, D * 4), labels: range(labels, 4), rowStats: range(rowStats, 8) },
        n,
        n,
      );
      passes.push({ start, rows: n, pass });
    }
    const first = passes[0]!;
    const widths = [network.kind === 'mlp' ? network.classes : network.inputSize, ...first.pass.hidden.map((b) => b.size / 4 / first.rows)];
    const offsets: number[] = [];
    let total = 0;
    for (const w of widths) {
      offsets.push(total);
      total += rows * w;
    }
    const staging = device.createBuffer({ label: 'probe/readback', size: total * 4, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    this.probe = { rows, x, labels, rowStats, passes, staging, widths, offsets };
    return this.probe;
  }

  private destroyProbe(): void {
    if (!this.probe) return;
    for (const { pass } of this.probe.passes) pass.destroy();
    for (const b of [this.probe.x, this.probe.labels, this.probe.rowStats, this.probe.staging]) b.destroy();
    this.probe = null;
  }

  /** Copies the metrics ring into `staging` (for the trainer's readback ring). */
  encodeRingCopy(encoder: GPUCommandEncoder, staging: GPUBuffer): void {
    encoder.copyBufferToBuffer(this.ring, 0, staging, 0, this.ring.size);
  }

  destroy(): void {
    this.clearData();
    this.destroyProbe();
    this.pass.destroy();
    this.optimizer?.uniform.destroy(); // absent without an update, or when create failed early
    this.metricsNoData.uniform.destroy();
    for (const b of [this.params, this.grads, this.m, this.v, this.state, this.ring, this.rowStats, this.batchX, this.batchLabels]) {
      b.destroy();
    }
  }

  private bindMetrics(cursorAdvance: number, cursorSpan: number): Dispatch {
    return this.kernels.metrics.bind(
      `${this.network.kind}/metrics`,
      {
        rowStats: this.rowStats,
        state: this.state,
        ring: this.ring,
      },
      { rows: this.B, ringSlots: this.ringSlots, cursorAdvance, cursorSpan },
    );
  }

  private clearData(): void {
    if (!this.data) return;
    this.data.perm.destroy();
    this.data.gather.uniform.destroy();
    this.data.metrics.uniform.destroy();
    this.data = null;
  }
}

export type { StepMetrics };
