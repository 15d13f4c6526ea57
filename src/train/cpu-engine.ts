// The float32 CPU engine behind the Engine interface: the WebAssembly SIMD step (wasm/engine.ts)
// on every core where memory can be shared (a cross-origin isolated page, Node), on one thread
// otherwise. Same batch schedule, formulas, mistakes and optimizers as the GPU and the reference;
// every step's batch is gathered into the engine's memory before its job starts, and nothing is
// allocated per step. passTimes times each pass of a step alone, for the benchmark.
import { copyRow, type DataSplit, type Dataset } from '../data/dataset';
import { BatchSchedule } from '../data/schedule';
import type { StepMetrics } from '../kernels/metrics';
import { classifies } from '../models/build';
import type { OptimizerSettings } from '../reference/optimizer';
import { CpuThreads, hardwareThreads } from '../cpu/cpu-threads';
import { canShareMemory, cpuModule } from '../cpu/wasm-module';
import {
  cpuMemory,
  FORWARD_ROWS,
  JOB,
  planCpuMemory,
  writeModelTable,
  writeOptimizer,
  type CpuMemoryPlan,
  type CpuWords,
  type Tensor,
} from '../cpu/wasm-memory';
import { checkParamEntry, type Engine, type EngineEvaluation, type EngineState, type LayerOutputs } from './engine';
import type { RunPlan } from './run-settings';
import { PHASES, type Phase } from './step-phases';

export interface CpuEngineOptions {
  /** Threads to use (default: every hardware thread; 1 where memory cannot be shared). */
  threads?: number;
}

export class CpuEngine implements Engine {
  readonly id = 'cpu' as const;
  onMetrics: ((metrics: StepMetrics[]) => void) | null = null;
  private submitted = 0;
  /** Steps whose job has finished (submitted counts those queued too). */
  private completed = 0;
  private optimizerStep = 0;
  private settings: OptimizerSettings;
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private readonly schedule: BatchSchedule;
  private hasGrads = false;

  private constructor(
    private readonly plan: RunPlan,
    private readonly data: DataSplit,
    private readonly memory: CpuMemoryPlan,
    private readonly wasm: WebAssembly.Memory,
    private readonly words: CpuWords,
    private readonly threads: CpuThreads,
    /** Whether the module fuses multiply-adds (relaxed SIMD). */
    readonly relaxed: boolean,
  ) {
    this.settings = { ...plan.optimizer };
    this.schedule = new BatchSchedule(plan.seed, data.train.N, plan.batch);
  }

  static async create(plan: RunPlan, data: DataSplit, initial: Record<string, Float32Array>, opts: CpuEngineOptions = {}): Promise<CpuEngine> {
    const shared = canShareMemory();
    const wanted = opts.threads ?? (await hardwareThreads());
    const count = shared ? Math.max(1, Math.min(64, Math.floor(wanted))) : 1;
    const { module, relaxed } = await cpuModule(count > 1);
    // The word numbers of the model's table come from the module itself.
    const probe = new WebAssembly.Instance(module, {
      env: { memory: new WebAssembly.Memory(count > 1 ? { initial: 1, maximum: 1, shared: true } : { initial: 1 }) },
    });
    const words: CpuWords = {};
    for (const [name, value] of Object.entries(probe.exports)) if (value instanceof WebAssembly.Global) words[name] = value.value as number;
    const moduleScratch = probe.exports.scratchBytes as (K: number, units: number) => number;
    const scratchBytes = (units: number) => moduleScratch(plan.batch, units);
    const memoryPlan = planCpuMemory(plan.spec, plan.batch, words, { threads: count, scratchBytes });
    const memory = cpuMemory(memoryPlan, count > 1);
    writeModelTable(memory, memoryPlan, plan.spec, plan.batch, plan.mistake, words);
    writeOptimizer(memory, memoryPlan, plan.optimizer, plan.mistake === 'update-sign', words);
    const threads = await CpuThreads.start(memory, module, memoryPlan.thread, count);
    const engine = new CpuEngine(plan, data, memoryPlan, memory, words, threads, relaxed);
    engine.write(memoryPlan.params, initial);
    return engine;
  }

  /** Threads the engine runs on. */
  get threadCount(): number {
    return this.threads.count;
  }

  /** With one thread the engine computes on the caller's own. */
  get onCallersThread(): boolean {
    return this.threads.count === 1;
  }

  get step(): number {
    return this.submitted;
  }

  get optimizer(): Readonly<OptimizerSettings> {
    return this.settings;
  }

  /**
   * Queues `count` steps, run as jobs of at most jobSteps steps. With one thread, which is the
   * caller's own, one queued task runs jobs until `budgetMs` has passed (at least one), as the
   * reference does, and counts only the steps it ran; off the caller's thread no budget is needed.
   */
  run(count: number, budgetMs: number): void {
    if (this.threads.count === 1) {
      void this.after(async () => {
        const started = performance.now();
        let done = 0;
        while (done < count && (done === 0 || performance.now() - started < budgetMs)) {
          const steps = Math.min(count - done, this.memory.jobSteps, Math.max(1, Math.floor(count / 4)));
          const first = this.submitted;
          this.submitted += steps;
          await this.job(first, steps);
          done += steps;
        }
      });
      return;
    }
    for (let done = 0; done < count; done += this.memory.jobSteps) {
      const steps = Math.min(this.memory.jobSteps, count - done);
      const first = this.submitted;
      this.submitted += steps;
      void this.after(() => this.job(first, steps));
    }
  }

  /** Steps first … first + steps − 1: their batches gathered, trained on every thread, their metrics reported. */
  private async job(first: number, steps: number): Promise<void> {
    this.gather(first, steps);
    const t0 = this.optimizerStep;
    await this.threads.run(JOB.TRAIN, steps, t0);
    this.optimizerStep += steps;
    this.completed = first + steps;
    this.hasGrads = true;
    const sums = new Float64Array(this.wasm.buffer, this.memory.thread.metrics, steps * 2);
    const B = this.plan.batch;
    const classes = classifies(this.plan.spec);
    const metrics: StepMetrics[] = [];
    for (let s = 0; s < steps; s++) metrics.push({ step: first + s, loss: sums[2 * s]! / B, accuracy: classes ? sums[2 * s + 1]! / B : 0 });
    this.onMetrics?.(metrics);
  }

  /**
   * `work`'s result, computed in the queue: after every job queued before it and before any queued
   * after it (a race keeps queueing steps while the page reads or changes the state).
   */
  private queued<T>(work: () => T): Promise<T> {
    let result: T | undefined;
    return this.after(async () => {
      result = work();
    }).then(() => {
      if (this.failure) throw this.failure;
      return result as T;
    });
  }

  /** Runs `work` after everything queued; a failure is kept and rethrown by flush(). */
  private after(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.failure) return;
      try {
        await work();
      } catch (error) {
        this.failure = error;
      }
    });
    this.queue = next;
    return next;
  }

  /** Copies the batches of steps first … first + steps − 1 into the job's slots. */
  private gather(first: number, steps: number): void {
    const { train } = this.data;
    const { D } = train;
    const B = this.plan.batch;
    const { xBase, xStride, labelBase, labelStride } = this.memory.thread;
    for (let s = 0; s < steps; s++) {
      const X = new Float32Array(this.wasm.buffer, xBase + s * xStride, B * D);
      const labels = new Int32Array(this.wasm.buffer, labelBase + s * labelStride, B);
      const rows = this.schedule.rows(first + s);
      for (let i = 0; i < B; i++) {
        const r = rows[i]!;
        copyRow(train, r, X, i * D);
        labels[i] = train.labels[r]!;
      }
    }
  }

  async flush(): Promise<void> {
    await this.queue;
    if (this.failure) throw this.failure;
  }

  async throttle(): Promise<void> {
    await this.flush();
  }

  setOptimizer(settings: OptimizerSettings): Promise<void> {
    return this.queued(() => this.applyOptimizer(settings));
  }

  private applyOptimizer(settings: OptimizerSettings): void {
    if (settings.kind !== this.settings.kind || settings.nesterov !== this.settings.nesterov) {
      for (const t of [...Object.values(this.memory.m), ...Object.values(this.memory.v)]) this.view(t).fill(0);
      this.optimizerStep = 0;
    }
    this.settings = { ...settings };
    writeOptimizer(this.wasm, this.memory, settings, this.plan.mistake === 'update-sign', this.words);
  }

  readParams(): Promise<Record<string, Float32Array>> {
    return this.queued(() => this.read(this.memory.params));
  }

  async setParamEntry(tensor: string, index: number, value: number): Promise<void> {
    const t = this.memory.params[tensor];
    checkParamEntry(tensor, t?.length, index, value);
    await this.queued(() => {
      this.view(t!)[index] = value; // after the jobs queued so far, before any queued later
    });
  }

  async evaluate(set: 'train' | 'test', opts: { predictions?: boolean } = {}): Promise<EngineEvaluation | null> {
    const on = set === 'train' ? this.data.train : this.data.test;
    if (!on) return null;
    const classes = classifies(this.plan.spec);
    const predicted = classes && opts.predictions ? new Uint32Array(on.N) : undefined;
    let loss = 0;
    let correct = 0;
    await this.forwardChunks(on, on.N, (start, rows) => {
      const rowLoss = new Float64Array(this.wasm.buffer, this.memory.thread.rowLoss, rows);
      const rowClass = new Int32Array(this.wasm.buffer, this.memory.thread.rowClass, rows);
      for (let r = 0; r < rows; r++) {
        loss += rowLoss[r]!;
        if (rowClass[r] === on.labels[start + r]) correct++;
        if (predicted) predicted[start + r] = rowClass[r]!;
      }
    });
    return { loss: loss / on.N, accuracy: classes ? correct / on.N : undefined, predicted, rows: on.N };
  }

  async forwardLayers(X: Float32Array, rows: number): Promise<LayerOutputs | null> {
    const { spec } = this.plan;
    if (spec.kind !== 'mlp') return null;
    const widths = this.memory.hidden.map((t) => t.length / this.memory.rows);
    const hidden = widths.map((H) => new Float32Array(rows * H));
    const output = new Float32Array(rows * spec.shape.C);
    const set = { X, labels: new Uint32Array(rows), N: rows, D: spec.shape.D } as unknown as Dataset;
    await this.forwardChunks(set, rows, (start, n) => {
      this.memory.hidden.forEach((t, l) => hidden[l]!.set(this.view(t).subarray(0, n * widths[l]!), start * widths[l]!));
      output.set(this.view(this.memory.output!).subarray(0, n * spec.shape.C), start * spec.shape.C);
    });
    return { hidden, output };
  }

  /** Forward jobs over the first `total` rows of `set` in chunks of FORWARD_ROWS; `take` reads each chunk's results. */
  private forwardChunks(set: Dataset, total: number, take: (start: number, rows: number) => void): Promise<void> {
    return this.after(async () => {
      const { D } = set;
      const { xBase, labelBase } = this.memory.thread;
      for (let start = 0; start < total; start += FORWARD_ROWS) {
        const rows = Math.min(FORWARD_ROWS, total - start);
        const X = new Float32Array(this.wasm.buffer, xBase, rows * D);
        for (let i = 0; i < rows; i++) copyRow(set, start + i, X, i * D);
        new Int32Array(this.wasm.buffer, labelBase, rows).set(set.labels.subarray(start, start + rows));
        await this.threads.run(JOB.FORWARD, rows, 0);
        take(start, rows);
      }
    }).then(() => {
      if (this.failure) throw this.failure;
    });
  }

  /**
   * Each pass of a step run alone `repeats` times over the next step's batch, as a job of its own on
   * every thread, timed by the clock around the job: ms per repeat of each. One whole step runs first,
   * so that every buffer holds a step's values; the parameters, gradients and moments are put back
   * afterwards, and the step count does not move. Only the backward pass waits at barriers between repeats, the
   * step's two (src/cpu/cpu-thread.ts), so the passes add up to about a step.
   */
  passTimes(repeats: number): Promise<Record<Phase, number>> {
    const count = Math.max(1, Math.floor(repeats));
    let ms: Record<Phase, number> | undefined;
    return this.after(async () => {
      const saved = [this.memory.params, this.memory.grads, this.memory.m, this.memory.v].map((t) => [t, this.read(t)] as const);
      try {
        this.gather(this.submitted, 1);
        await this.threads.run(JOB.TRAIN, 1, this.optimizerStep);
        const times: Partial<Record<Phase, number>> = {};
        for (const phase of PHASES) {
          const started = performance.now();
          await this.threads.run(JOB.PASS, count, this.optimizerStep, this.memory.thread.passes[phase]);
          times[phase] = (performance.now() - started) / count;
        }
        ms = times as Record<Phase, number>;
      } finally {
        for (const [tensors, values] of saved) this.write(tensors, values);
      }
    }).then(() => {
      if (this.failure) throw this.failure;
      return ms!;
    });
  }

  readGrads(): Promise<Record<string, Float32Array> | null> {
    return this.queued(() => (this.hasGrads ? this.read(this.memory.grads) : null));
  }

  /** The state after the last finished job: its step is that job's last, whatever is queued behind it. */
  capture(): Promise<EngineState> {
    return this.queued(() => ({
      step: this.completed,
      optimizerStep: this.optimizerStep,
      params: this.read(this.memory.params),
      m: this.read(this.memory.m),
      v: this.read(this.memory.v),
    }));
  }

  async restore(state: EngineState, optimizer: OptimizerSettings): Promise<void> {
    if (!Number.isSafeInteger(state.step) || state.step < 0) throw new RangeError(`cannot resume at step ${state.step}`);
    await this.queued(() => {
      this.applyOptimizer(optimizer);
      this.write(this.memory.params, state.params);
      this.write(this.memory.m, state.m);
      this.write(this.memory.v, state.v);
      this.optimizerStep = state.optimizerStep;
      this.submitted = this.completed = state.step;
    });
  }

  destroy(): void {
    this.threads.stop();
  }

  private view(t: Tensor): Float32Array {
    return new Float32Array(this.wasm.buffer, t.ptr, t.length);
  }

  private read(tensors: Record<string, Tensor>): Record<string, Float32Array> {
    return Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, this.view(t).slice()]));
  }

  private write(tensors: Record<string, Tensor>, values: Record<string, ArrayLike<number>>): void {
    for (const [name, t] of Object.entries(tensors)) {
      const from = values[name];
      if (!from || from.length !== t.length) throw new RangeError(`${name} needs ${t.length} values, got ${from?.length ?? 'none'}`);
      this.view(t).set(from);
    }
  }
}
