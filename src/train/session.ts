// One training run: its engines (the GPU, the float32 CPU engine, the float64 reference, or two side
// by side from the same seed and the same batches), built by the one assembly that the page, the CLI
// and the tests share.
// The first engine listed leads: its step is the run's step, its parameters are the ones shown.
// Knows no DOM.
import { UserError } from '../base/errors';
import { gatherRows, holdsBytes, type DataSplit } from '../data/dataset';
import { BatchSchedule } from '../data/schedule';
import { Rng } from '../base/rng';
import type { StepMetrics } from '../kernels/metrics';
import { specTensorShapes } from '../models/build';
import { derivationFor } from '../models/derivation';
import { checkFootprint, modelBuffers, type FootprintLimits } from '../models/footprint';
import type { StepEstimate } from '../models/step-estimate';
import type { Mistake } from '../reference/mistakes';
import type { OptimizerSettings } from '../reference/optimizer';
import type { Engine, EngineId } from './engine';
import { GpuEngine, type BuildPhase, type BuildProgress } from './gpu-engine';
import { initParams } from './init';
import { ReferenceEngine } from './reference-engine';
import { CpuEngine } from './cpu-engine';
import { nextTask } from './next-task';
import type { RunPlan } from './run-settings';
import { regressionScores, targetVariance } from './regression-scores';
import { problemOf } from '../reference/mlp';

/** The longest close() waits for a device to finish its submitted work. */
const SETTLE_LIMIT_MS = 10_000;

/** A run's plan and the engines that train it, the leader first. */
export type SessionConfig = Omit<RunPlan, 'mistake'> & {
  engines: EngineId[];
  /** The backprop mistake every engine makes on purpose (default 'none'). */
  mistake?: Mistake;
  /** The float32 CPU engine's threads (default: every hardware thread, where memory can be shared). */
  cpuThreads?: number;
};

/** What a caller may ask of a build: its progress as it goes, and an estimate of the step's time. */
export interface SessionBuildOptions {
  /** The GPU engine's build phases as they start (see GpuEngineOptions.onProgress). */
  onProgress?: (progress: BuildProgress) => void;
  /** Time the GPU engine's step before the first (see Session.stepEstimate). */
  estimate?: boolean;
  /**
   * Build the GPU engine for the first steps and improve its kernels while it trains (see
   * GpuEngineOptions.quickStart): the page's first "Ready" seconds sooner, the same run.
   */
  quickStart?: boolean;
  /**
   * Calls the build off (a newer one was asked for): it stops between phases, or at once while
   * kernels compile, with the signal's reason; what it made is destroyed once no GPU work uses it.
   */
  signal?: AbortSignal;
}

/** Test-set metrics of one engine at a step; `predicted` holds the argmax class per row (a classifier). */
export interface TestMetrics {
  step: number;
  testLoss: number;
  testAccuracy?: number;
  /** A regression's RMSE and R² on the test set (regression-scores.ts). */
  testRMSE?: number;
  testR2?: number;
  predicted?: Uint32Array;
  rows: number;
}

export class Session {
  /** Every engine's metrics as they arrive, in step order per engine. */
  onMetrics: ((engine: EngineId, metrics: StepMetrics[]) => void) | null = null;
  /** The leading engine: the run's step and the parameters shown are its. */
  readonly leader: Engine;
  private readonly schedule: BatchSchedule;
  /** Work under way on the engines' buffers (readbacks, evaluations, checks): close() waits for it. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Set by close(): no new work starts, and the buffers are destroyed once the last work settles. */
  private closing = false;
  /** Aborted by cancelWork(): long reads (evaluations, the diagram's passes) stop at their next chunk. */
  private work = new AbortController();

  private constructor(
    readonly config: SessionConfig & { mistake: Mistake },
    readonly data: DataSplit,
    readonly engines: readonly Engine[],
    /** Seconds each build phase took (compile, tune, upload, estimate); 0 for those that did not run. */
    readonly phases: Readonly<Record<BuildPhase, number>>,
  ) {
    this.leader = engines[0]!;
    this.schedule = new BatchSchedule(config.seed, data.train.N, config.batch);
    for (const engine of engines) engine.onMetrics = (m) => this.onMetrics?.(engine.id, m);
  }

  /**
   * Throws a UserError when an engine of `config` would not fit the device's limits (only the GPU
   * has any); allocates nothing, so the caller can keep its current session when it throws.
   */
  static checkFits(config: SessionConfig, data: DataSplit, limits: FootprintLimits): void {
    if (!config.engines.includes('gpu')) return;
    const featureBytes = holdsBytes(data.train.X) ? 1 : 4;
    const needs = modelBuffers(config.spec, config.batch, data.train.N, data.test?.N ?? 0, limits.minStorageBufferOffsetAlignment, featureBytes);
    checkFootprint(limits, needs);
  }

  /**
   * Throws a UserError when the config's derivation (if any) cannot train: on an engine other than
   * the GPU, with a mistake of the gallery, or a text that does not lower for the model. Allocates
   * nothing, so the caller can keep its current session when it throws.
   */
  static checkDerivation(config: SessionConfig): void {
    if (config.derivation === undefined) return;
    // The derivation's kernels are the GPU's; the CPU engines have no backward pass to swap.
    if (config.engines.some((e) => e !== 'gpu')) throw new UserError('a derivation trains on the GPU engine alone');
    if ((config.mistake ?? 'none') !== 'none') throw new UserError('a derivation trains without a mistake of the gallery');
    derivationFor(config.derivation, config.spec, config.batch);
  }

  /** Builds the engines; all start from the same float32 parameters drawn from the seed. */
  static async create(config: SessionConfig, data: DataSplit, device: GPUDevice | null, opts: SessionBuildOptions = {}): Promise<Session> {
    const { spec, batch, seed } = config;
    if (config.engines.length === 0) throw new RangeError('a session needs at least one engine');
    if (batch > data.train.N) throw new RangeError(`the batch (${batch}) is larger than the training set (${data.train.N} rows)`);
    const plan: RunPlan = { ...config, mistake: config.mistake ?? 'none' };
    Session.checkDerivation(config);
    if (config.engines.includes('gpu')) {
      if (!device) throw new Error('no GPU device');
      Session.checkFits(config, data, device.limits); // before the parameters are drawn: they may not fit either
    }
    const initial = initParams(specTensorShapes(spec), new Rng(seed), config.initScale);
    const phases: Record<BuildPhase, number> = { compile: 0, tune: 0, upload: 0, estimate: 0 };
    const engines: Engine[] = [];
    try {
      for (const id of config.engines) {
        if (id === 'reference') {
          engines.push(new ReferenceEngine(plan, data, initial));
          continue;
        }
        opts.signal?.throwIfAborted();
        if (id === 'cpu') {
          engines.push(await CpuEngine.create(plan, data, initial, { threads: config.cpuThreads }));
          continue;
        }
        engines.push(
          await GpuEngine.create(device!, plan, data, initial, {
            onPhase: (p, s) => (phases[p] += s),
            onProgress: opts.onProgress,
            estimate: opts.estimate,
            quickStart: opts.quickStart,
            signal: opts.signal,
          }),
        );
        opts.signal?.throwIfAborted();
      }
    } catch (error) {
      for (const e of engines) e.destroy();
      throw error;
    }
    return new Session({ ...config, mistake: plan.mistake }, data, engines, phases);
  }

  /** The GPU engine's estimated time per step, where the build was asked for one (null otherwise). */
  get stepEstimate(): StepEstimate | null {
    const gpu = this.engine('gpu');
    return gpu instanceof GpuEngine ? gpu.stepEstimate : null;
  }

  /**
   * After a quick start (SessionBuildOptions.quickStart), starts improving the GPU engine's kernels
   * in the background (see GpuEngine.improve); a run half a second after the first starts it
   * otherwise. Resolves when done.
   */
  improve(): Promise<void> {
    const gpu = this.engine('gpu');
    return gpu instanceof GpuEngine ? gpu.improve() : Promise.resolve();
  }

  /** The engine with this id, if the run has one. */
  engine(id: EngineId): Engine | undefined {
    return this.engines.find((e) => e.id === id);
  }

  /** Steps submitted by the leading engine. */
  get step(): number {
    return this.leader.step;
  }

  /** The optimizer the engines use now. */
  get optimizer(): Readonly<OptimizerSettings> {
    return this.leader.optimizer;
  }

  /** Whether close() was called: the session takes no new work. */
  get closed(): boolean {
    return this.closing;
  }

  /**
   * Runs `work`, which uses the engines' buffers (a readback, an evaluation, a gradient check), so
   * that close() destroys nothing under it; after close() it is refused with a SessionClosed.
   */
  use<T>(work: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new SessionClosed());
    const done = work();
    this.inFlight.add(done);
    const forget = () => this.inFlight.delete(done);
    done.then(forget, forget);
    return done;
  }

  /**
   * Calls off the long reads under way (a slow model's test-set evaluation, the diagram's forward
   * passes) at their next chunk, with SessionClosed: for a session about to be replaced, so that the
   * newer request does not wait for minutes of GPU work. Steps are not touched.
   */
  cancelWork(): void {
    this.work.abort(new SessionClosed());
  }

  /** After cancelWork, for a session that goes on after all (its replacement was refused): reads run whole again. */
  resumeWork(): void {
    if (this.work.signal.aborted && !this.closing) this.work = new AbortController();
  }

  /** Aborted once the session's long reads are called off (cancelWork, close). */
  get workSignal(): AbortSignal {
    return this.work.signal;
  }

  /**
   * Ends the session: refuses new work, waits for every step submitted, every readback and every
   * piece of work under way (use), then destroys the engines. The one way a session's buffers die
   * while a page may still be reading them.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.cancelWork();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await Promise.allSettled(this.engines.map((e) => e.flush()));
    // A lost device may never say its work is done: destroying under submitted work is allowed (a
    // submit after the destroy is not), so the wait is capped.
    await Promise.race([Promise.allSettled(this.engines.map((e) => e.settle?.())), new Promise((r) => setTimeout(r, SETTLE_LIMIT_MS))]);
    this.destroy();
  }

  /** Runs `count` steps on every engine (see Engine.run: the reference keeps to `budgetMs`); none once closed. */
  run(count: number, budgetMs = 12): void {
    if (this.closing) return;
    for (const engine of this.engines) engine.run(count, budgetMs);
  }

  /**
   * A race: each engine runs `count()` steps at a time and takes the next ones as soon as it has
   * done its last, until `going()` is false, so a slow engine never holds a fast one back. An engine
   * that computes on the caller's own thread (the reference, a one-thread CPU engine) keeps to
   * `budgetMs` per run and then waits for `nextFrame` (the page passes its animation frames), so
   * the page stays responsive. Resolves when every engine has stopped; rejects with the first failure.
   */
  async race(count: () => number, going: () => boolean, nextFrame: () => Promise<void> = nextTask, budgetMs = 12): Promise<void> {
    await Promise.all(
      this.engines.map(async (engine) => {
        while (going() && !this.closing) {
          engine.run(count(), budgetMs);
          await engine.throttle();
          await (engine.onCallersThread ? nextFrame() : nextTask());
        }
      }),
    );
  }

  /** Waits for every engine's outstanding metrics (so the plots catch up). */
  async flush(): Promise<void> {
    await this.use(() => Promise.all(this.engines.map((e) => e.flush())));
  }

  async throttle(): Promise<void> {
    await Promise.all(this.engines.map((e) => e.throttle()));
  }

  async setOptimizer(settings: OptimizerSettings): Promise<void> {
    await this.use(() => Promise.all(this.engines.map((e) => e.setOptimizer(settings))));
  }

  /** The current parameters of an engine (the leader's by default). */
  params(id: EngineId = this.leader.id): Promise<Record<string, Float32Array>> {
    return this.use(() => (this.engine(id) ?? this.leader).readParams());
  }

  /**
   * Sets one parameter entry on every engine, rounded to float32 as every engine's parameters start,
   * from each one's next step on (in a race each takes it at its own next step).
   */
  async setParamEntry(tensor: string, index: number, value: number): Promise<void> {
    const rounded = Math.fround(value);
    await this.use(() => Promise.all(this.engines.map((e) => e.setParamEntry(tensor, index, rounded))));
  }

  /** Test-set loss (and a classifier's accuracy and predictions, a regression's RMSE and R²) of one engine; null without a test set or that engine. */
  async evaluate(id: EngineId): Promise<TestMetrics | null> {
    const engine = this.engine(id);
    if (!engine) return null;
    const step = engine.step;
    const e = await this.use(() => engine.evaluate('test', { predictions: true, signal: this.work.signal }));
    if (!e) return null;
    const metrics: TestMetrics = { step, testLoss: e.loss, testAccuracy: e.accuracy, predicted: e.predicted, rows: e.rows };
    const { spec } = this.config;
    const test = this.data.test;
    if (spec.kind === 'mlp' && problemOf(spec.shape) === 'regression' && test) {
      this.testVariance ??= targetVariance(test);
      const { rmse, r2 } = regressionScores(e.loss, this.testVariance);
      Object.assign(metrics, { testRMSE: rmse, testR2: r2 });
    }
    return metrics;
  }

  /** The variance of the test set's targets (a regression's), computed at its first evaluation. */
  private testVariance: number | undefined;

  /** The rows of the batch trained at `step` (at most `maxRows` of them), as every engine gathers it. */
  batchAt(step: number, maxRows = Infinity): { X: Float32Array; labels: Uint32Array; B: number } {
    const { train } = this.data;
    const rows = this.schedule.rows(step).subarray(0, maxRows);
    const labels = Uint32Array.from(rows, (row) => train.labels[row]!);
    return { X: gatherRows(train, rows), labels, B: rows.length };
  }

  /** Destroys the engines at once: for a session nothing else has seen yet (else use close). */
  destroy(): void {
    this.closing = true;
    for (const engine of this.engines) engine.destroy();
  }
}

/** Work asked of a session after its close() began: the run it belonged to was replaced. */
export class SessionClosed extends Error {
  constructor() {
    super('this run was replaced');
    this.name = 'SessionClosed';
  }
}

/** `work`'s result, or `instead` where its session was closed under it: a run replaced meanwhile has nothing left to show. Other errors pass. */
export function unlessReplaced<T, U>(work: Promise<T>, instead: U): Promise<T | U> {
  return work.catch((error: unknown) => {
    if (error instanceof SessionClosed) return instead;
    throw error;
  });
}
