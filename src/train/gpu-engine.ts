// The GPU engine: a GpuModel, its training loop and the resident training and test sets, behind
// the Engine interface. Built in timed phases (compile, tune, upload, and optionally an estimate of
// the step's time), reported as they start, so that a caller can show a long build's progress and
// how long building took apart from training.
import type { DataSplit } from '../data/dataset';
import { UserError } from '../base/errors';
import { uploadDataset, type DeviceDataset } from '../gpu/dataset-buffers';
import type { StepMetrics } from '../kernels/metrics';
import { isCpuAdapter } from '../kernels/matmul';
import { buildNetwork, classifies, specTensorShapes } from '../models/build';
import { derivationFor } from '../models/derivation';
import { GpuModel } from '../models/model';
import { estimateStep, type StepEstimate } from '../models/step-estimate';
import { untilAborted } from '../base/until-aborted';
import type { OptimizerSettings } from '../reference/optimizer';
import { checkParamEntry, type Engine, type EngineEvaluation, type EngineState, type LayerOutputs } from './engine';
import { GpuTrainer } from './gpu-trainer';
import { argmaxRows } from './predict';
import type { RunPlan } from './run-settings';

/**
 * The phases of building a run whose time is reported: pipelines, the tuner's timing, data upload
 * (training and test sets), the step's estimate.
 */
export type BuildPhase = 'compile' | 'tune' | 'upload' | 'estimate';

/** Where a build is: the phase under way and, while the tuner times the step's products, which of how many. */
export interface BuildProgress {
  phase: BuildPhase;
  current?: number;
  total?: number;
}

/**
 * A CPU implementation of WebGPU (SwiftShader) has no branches that all lanes take alike: the matmul
 * pipeline for any variant pays every variant's epilogue on each element, up to 3.5 times the own
 * pipeline's time where the epilogue outweighs the products (K = 16 and N = 784: MNIST's
 * autoencoder), while compiling the four or five own pipelines costs some 0.5 s. There a quick start
 * pays only where the first evaluations (a forward pass over each data set, about 2 flops per
 * parameter and row) stay under this many flops; on a GPU, where a branch on a uniform costs
 * nothing, always.
 */
const QUICK_START_CPU_MAX_FLOPS = 5e7;

function quickStartPays(device: GPUDevice, plan: RunPlan, data: DataSplit): boolean {
  if (!isCpuAdapter((device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo)) return true;
  const params = specTensorShapes(plan.spec).reduce((sum, [, shape]) => sum + shape.reduce((a, b) => a * b, 1), 0);
  return 2 * params * (data.train.N + (data.test?.N ?? 0)) <= QUICK_START_CPU_MAX_FLOPS;
}

export interface GpuEngineOptions {
  /** Time the matmul entry points and keep the fastest (default: where there are alternatives). */
  tune?: boolean;
  /**
   * Build for the first step and improve while training: compile only the matmul pipelines that
   * serve any variant (one per entry point that the rule chooses, where there were one per product
   * and entry point), then, in the background, the specialized ones and, on a GPU, time the entry
   * points (GpuEngine.improve, which a run half a second after the first starts if the caller has
   * not: compiling beside the page's first drawing would slow both, and a few steps never repay it).
   * Each faster kernel is swapped in between steps; every one gives the same bits, so the run is the
   * one a full build trains. Steps are slower until then, and so is the estimate. On a CPU adapter,
   * only for small models and data (see QUICK_START_CPU_MAX_FLOPS); a full build otherwise. Default
   * false (the CLI and the benchmarks time what they train).
   */
  quickStart?: boolean;
  /** Estimate the time per step before the first (see models/step-estimate.ts; default false). */
  estimate?: boolean;
  /** Called as each phase starts, and as the tuner moves on to each product. */
  onProgress?: (progress: BuildProgress) => void;
  /** Called as each phase ends, with its seconds. */
  onPhase?: (phase: BuildPhase, seconds: number) => void;
  /** Calls the build off: between phases, and at once while the kernels compile (see SessionBuildOptions.signal). */
  signal?: AbortSignal;
}

/**
 * After a quick start, the improvement (specializing the kernels, then tuning them) starts with a
 * run this long after the first: about a CPU-second of compiles on a CPU adapter, which a few steps
 * taken at once (one step pressed, a short look) never repay. A run that goes on, or steps taken
 * again later, start it.
 */
const IMPROVE_AFTER_MS = 500;

export class GpuEngine implements Engine {
  readonly id = 'gpu' as const;
  readonly onCallersThread = false;
  onMetrics: ((metrics: StepMetrics[]) => void) | null = null;
  /** Why the background improvement stopped short, if it did (not when the engine was destroyed first). */
  improvedError: Error | null = null;
  private improving: Promise<void> | null = null;
  private readonly stop = new AbortController();
  /** Whether the build left kernels to specialize and tune (a quick start), and whether to tune them. */
  private pending: { tune: boolean } | null = null;
  /** When the first run came (performance.now() ms), for IMPROVE_AFTER_MS. */
  private firstRun: number | null = null;

  private constructor(
    readonly model: GpuModel,
    private readonly trainer: GpuTrainer,
    private readonly trainSet: DeviceDataset,
    private readonly testSet: DeviceDataset | null,
    /** The time per step estimated at build, where it was asked for. */
    readonly stepEstimate: StepEstimate | null,
    /** Whether the model's output is classes (see classifies): accuracy and predictions are reported only then. */
    private readonly classifies: boolean,
  ) {
    trainer.onMetrics = (m) => this.onMetrics?.(m);
  }

  /** Builds the model for `plan`, starting from `initial`; a device that runs out of memory gives a UserError. */
  static async create(
    device: GPUDevice,
    plan: RunPlan,
    data: DataSplit,
    initial: Record<string, Float32Array>,
    opts: GpuEngineOptions = {},
  ): Promise<GpuEngine> {
    const made: Array<{ destroy(): void }> = [];
    let engine: GpuEngine | null = null;
    const { signal } = opts;
    const timed = async <T>(phase: BuildPhase, work: () => Promise<T> | T): Promise<T> => {
      signal?.throwIfAborted(); // between phases: no submit of this build is in flight
      opts.onProgress?.({ phase });
      const started = performance.now();
      const result = await work();
      opts.onPhase?.(phase, (performance.now() - started) / 1000);
      return result;
    };
    device.pushErrorScope('out-of-memory');
    try {
      const quick = (opts.quickStart ?? false) && quickStartPays(device, plan, data);
      const model = await timed('compile', async () => {
        const modelOptions = { batch: plan.batch, optimizer: plan.optimizer, tune: false, ascend: plan.mistake === 'update-sign' };
        // Every pipeline of the step asked for at once: none waits for another's compilation to be asked for.
        const compiled = Promise.all([
          buildNetwork(device, plan.spec, {
            mistake: plan.mistake,
            anyVariant: quick,
            ...(plan.derivation === undefined ? {} : { derivation: derivationFor(plan.derivation, plan.spec, plan.batch) }),
          }),
          GpuModel.compileKernels(device, modelOptions),
        ]).then(([network]) => GpuModel.create(device, network, modelOptions));
        // Compiling submits nothing: a build called off leaves it at once, and what it makes goes when it is made.
        return signal ? untilAborted(compiled, signal, (late) => late.destroy()) : compiled;
      });
      made.push(model);
      const tune = opts.tune ?? true;
      if (tune && !quick) await timed('tune', () => model.tune((current, total) => opts.onProgress?.({ phase: 'tune', current, total }), { signal }));
      model.setParams(initial);
      const { trainSet, testSet } = await timed('upload', async () => {
        const trainSet = uploadDataset(device, data.train);
        made.push(trainSet);
        const testSet = data.test ? uploadDataset(device, data.test) : null;
        if (testSet) made.push(testSet);
        await device.queue.onSubmittedWorkDone(); // the copies themselves, not only their queueing
        return { trainSet, testSet };
      });
      model.setData(trainSet);
      const estimate = opts.estimate ? await timed('estimate', () => estimateStep(model, { signal })) : null;
      signal?.throwIfAborted();
      engine = new GpuEngine(model, new GpuTrainer(model, data.train.N, plan.seed, estimate?.ms ?? null), trainSet, testSet, estimate, classifies(plan.spec));
      if (quick) engine.pending = { tune };
    } finally {
      const outOfMemory = await device.popErrorScope();
      if (!engine || outOfMemory) for (const m of made) m.destroy();
      // biome-ignore lint/correctness/noUnsafeFinally: running out of memory explains whatever failed in the try
      if (outOfMemory) throw new UserError(`the GPU ran out of memory for this model (${outOfMemory.message}); choose smaller sizes`);
    }
    return engine;
  }

  get step(): number {
    return this.trainer.step;
  }

  /**
   * After a quick start (GpuEngineOptions.quickStart), starts the background work that specializes
   * the kernels and then tunes them on a pass apart from training; resolves when it is done (at once
   * after a full build). Once per engine. Never rejects: a failure leaves the kernels that were
   * running, which compute the same, only slower (see improvedError).
   */
  improve(): Promise<void> {
    if (this.improving) return this.improving;
    const { model, stop, pending } = this;
    this.improving = (async () => {
      if (!pending) return;
      try {
        await model.specialize();
        if (pending.tune && !stop.signal.aborted) await model.tune(undefined, { apart: true, signal: stop.signal });
      } catch (error) {
        if (!stop.signal.aborted) this.improvedError = error as Error;
      }
    })();
    return this.improving;
  }

  get optimizer(): Readonly<OptimizerSettings> {
    return this.model.settings;
  }

  run(count: number): void {
    this.trainer.run(count);
    // The improvement waits for a run that goes on: one step, or a few, never pay for its compiles.
    const now = performance.now();
    this.firstRun ??= now;
    if (now - this.firstRun >= IMPROVE_AFTER_MS) void this.improve();
  }

  flush(): Promise<void> {
    return this.trainer.flush();
  }

  throttle(): Promise<void> {
    return this.trainer.throttle(2);
  }

  setOptimizer(settings: OptimizerSettings): Promise<void> {
    return this.model.setOptimizer(settings);
  }

  readParams(): Promise<Record<string, Float32Array>> {
    return this.model.readParams();
  }

  async setParamEntry(tensor: string, index: number, value: number): Promise<void> {
    const slot = this.model.network.layout.slots.find((s) => s.name === tensor);
    checkParamEntry(tensor, slot?.count, index, value);
    this.model.setParamEntry(tensor, index, value); // writeBuffer: between the steps submitted and the next
  }

  async evaluate(set: 'train' | 'test', opts: { predictions?: boolean; signal?: AbortSignal } = {}): Promise<EngineEvaluation | null> {
    const on = set === 'train' ? this.trainSet : this.testSet;
    if (!on) return null;
    const { network } = this.model;
    const e = await this.model.evaluate(on, { outputs: this.classifies && opts.predictions === true, signal: opts.signal });
    const predicted = e.outputs ? argmaxRows(e.outputs, on.N, network.classes) : undefined;
    return { loss: e.loss, accuracy: this.classifies ? e.accuracy : undefined, predicted, rows: on.N };
  }

  async forwardLayers(X: Float32Array, rows: number, signal?: AbortSignal): Promise<LayerOutputs | null> {
    if (this.model.network.kind !== 'mlp') return null;
    return this.model.layerOutputs(X, rows, signal);
  }

  async readGrads(): Promise<Record<string, Float32Array> | null> {
    return this.trainer.step > 0 ? this.model.readGrads() : null;
  }

  async capture(): Promise<EngineState> {
    await this.trainer.flush();
    // The reads are queued now, before any await: they see exactly the steps submitted so far.
    const submitted = this.trainer.step;
    const [params, opt] = await Promise.all([this.model.readParams(), this.model.readOptimizerState()]);
    const [steps, , t] = opt.state;
    if (steps !== submitted) throw new Error(`the GPU counted ${steps} steps, the trainer ${submitted}`);
    return { step: steps, optimizerStep: t!, params, m: opt.m, v: opt.v };
  }

  async restore(state: EngineState, optimizer: OptimizerSettings): Promise<void> {
    await this.trainer.flush();
    await this.model.setOptimizer(optimizer);
    this.model.setParams(state.params);
    this.model.setOptimizerState({ m: state.m, v: state.v, t: state.optimizerStep });
    this.trainer.resumeAt(state.step);
  }

  /** Calls the background tuning off, waits for it to stop, then for every command submitted. */
  async settle(): Promise<void> {
    this.stop.abort();
    await this.improving;
    await this.model.device.queue.onSubmittedWorkDone();
  }

  destroy(): void {
    this.stop.abort(); // the background tuning's next submit would use destroyed buffers
    this.trainer.destroy();
    this.model.destroy();
    this.trainSet.destroy();
    this.testSet?.destroy();
  }
}
