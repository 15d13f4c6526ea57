// One training run as the page sees it: a model on the GPU, its float64 twin on the CPU, or both
// side by side from the same seed and the same batches. Knows no DOM.
import type { DataSplit, Dataset } from '../data/dataset';
import { UserError } from '../base/errors';
import { uploadDataset, type DeviceDataset } from '../gpu/dataset-buffers';
import { buildNetwork, specTensorShapes, type ModelSpec } from '../models/build';
import { checkFootprint, modelBuffers, type FootprintLimits } from '../models/footprint';
import { GpuModel } from '../models/model';
import type { StepMetrics } from '../kernels/metrics';
import { autoencoderGradient } from '../reference/autoencoder';
import { mlpForward, mlpParamsFrom } from '../reference/mlp';
import type { SwishDerivative } from '../reference/activations';
import type { OptimizerSettings } from '../reference/optimizer';
import { ReferenceTrainer } from '../reference/trainer';
import { initParams } from './init';
import { Rng } from '../base/rng';
import { Trainer } from './trainer';

export type Engine = 'gpu' | 'cpu';

export interface SessionConfig {
  spec: ModelSpec;
  batch: number;
  optimizer: OptimizerSettings;
  seed: number;
  initScale: number;
  engines: Engine[];
  /** The swish derivative of both engines' backward pass; 'wrong' is the teaching experiment (MATH.md). */
  swishDerivative?: SwishDerivative;
}

/** Test-set metrics of one engine; `predicted` holds the argmax class per row (MLP). */
export interface TestMetrics {
  step: number;
  testLoss: number;
  testAccuracy?: number;
  predicted?: Uint32Array;
  rows: number;
}

/** Rows of the test set the CPU engine evaluates: its float64 forward pass is slow on MNIST. */
const CPU_EVAL_ROWS = 2000;

export class Session {
  onMetrics: ((engine: Engine, metrics: StepMetrics[]) => void) | null = null;

  private constructor(
    readonly config: SessionConfig,
    readonly data: DataSplit,
    readonly gpu: { model: GpuModel; trainer: Trainer; trainSet: DeviceDataset; testSet: DeviceDataset | null } | null,
    readonly cpu: ReferenceTrainer | null,
  ) {
    if (gpu) gpu.trainer.onMetrics = (m) => this.onMetrics?.('gpu', m);
  }

  /**
   * Throws a UserError when the GPU engine of `config` would not fit the device's limits; allocates
   * nothing, so the caller can keep its current session when it throws.
   */
  static checkFits(config: SessionConfig, data: DataSplit, limits: FootprintLimits): void {
    if (!config.engines.includes('gpu')) return;
    const needs = modelBuffers(config.spec, config.batch, data.train.N, data.test?.N ?? 0, limits.minStorageBufferOffsetAlignment);
    checkFootprint(limits, needs);
  }

  /** Builds the engines; both start from the same float32 parameters drawn from the seed. */
  static async create(config: SessionConfig, data: DataSplit, device: GPUDevice | null): Promise<Session> {
    const { spec, batch, optimizer, seed } = config;
    if (batch > data.train.N) throw new RangeError(`the batch (${batch}) is larger than the training set (${data.train.N} rows)`);
    const initial = initParams(specTensorShapes(spec), new Rng(seed), config.initScale);
    let gpu = null;
    if (config.engines.includes('gpu')) {
      if (!device) throw new Error('no GPU device');
      Session.checkFits(config, data, device.limits);
      gpu = await createGpuEngine(device, config, data, initial);
    }
    const cpu = config.engines.includes('cpu') ? new ReferenceTrainer(spec, initial, data.train, seed, batch, optimizer, config.swishDerivative) : null;
    return new Session(config, data, gpu, cpu);
  }

  /** Steps submitted by the leading engine. */
  get step(): number {
    return this.gpu ? this.gpu.trainer.step : (this.cpu?.step ?? 0);
  }

  /**
   * Runs `count` GPU steps (submitted, not awaited) and as many CPU steps, up to `count`, as fit
   * in `cpuBudgetMs`, so that the page stays responsive.
   */
  run(count: number, cpuBudgetMs = 12): void {
    this.gpu?.trainer.run(count);
    if (this.cpu) {
      const started = performance.now();
      const metrics: StepMetrics[] = [];
      for (let i = 0; i < count && (i === 0 || performance.now() - started < cpuBudgetMs); i++) {
        metrics.push(this.cpu.trainStep());
      }
      this.onMetrics?.('cpu', metrics);
    }
  }

  /** Waits for the GPU's outstanding metrics (so the plots catch up). */
  async flush(): Promise<void> {
    await this.gpu?.trainer.flush();
  }

  async throttle(): Promise<void> {
    await this.gpu?.trainer.throttle(2);
  }

  async setOptimizer(settings: OptimizerSettings): Promise<void> {
    await this.gpu?.model.setOptimizer(settings);
    this.cpu?.setOptimizer(settings);
  }

  /** The current parameters of an engine (the GPU's when it runs). */
  async params(engine: Engine = this.gpu ? 'gpu' : 'cpu'): Promise<Record<string, Float32Array>> {
    if (engine === 'gpu' && this.gpu) return this.gpu.model.readParams();
    const out: Record<string, Float32Array> = {};
    for (const [name, values] of Object.entries(this.cpu!.params)) out[name] = Float32Array.from(values);
    return out;
  }

  /** Test-set loss (and accuracy and predictions for the MLP) of one engine. */
  async evaluate(engine: Engine): Promise<TestMetrics | null> {
    const test = this.data.test;
    if (!test) return null;
    const isMlp = this.config.spec.kind === 'mlp';
    if (engine === 'gpu' && this.gpu?.testSet) {
      const step = this.gpu.trainer.step;
      const e = await this.gpu.model.evaluate(this.gpu.testSet, { outputs: isMlp });
      const predicted = e.outputs ? argmaxRows(e.outputs, test.N, this.gpu.model.network.classes) : undefined;
      return { step, testLoss: e.loss, testAccuracy: isMlp ? e.accuracy : undefined, predicted, rows: test.N };
    }
    if (engine === 'cpu' && this.cpu) {
      const rows = Math.min(test.N, CPU_EVAL_ROWS);
      const r = forwardCpu(this.config.spec, this.cpu.params, test, rows);
      return { step: this.cpu.step, ...r, rows };
    }
    return null;
  }

  destroy(): void {
    if (this.gpu) {
      this.gpu.trainer.destroy();
      this.gpu.model.destroy();
      this.gpu.trainSet.destroy();
      this.gpu.testSet?.destroy();
    }
  }
}

/** Index of the largest value in each row of an [rows, width] matrix (ties: lowest index). */
type GpuEngine = NonNullable<Session['gpu']>;

/** The GPU model, its trainer and the resident data; a device that runs out of memory gives a UserError. */
async function createGpuEngine(
  device: GPUDevice,
  config: SessionConfig,
  data: DataSplit,
  initial: Record<string, Float32Array>,
): Promise<GpuEngine> {
  const made: Array<{ destroy(): void }> = [];
  let engine: GpuEngine | null = null;
  device.pushErrorScope('out-of-memory');
  try {
    const network = await buildNetwork(device, config.spec, { swishDerivative: config.swishDerivative });
    const model = await GpuModel.create(device, network, { batch: config.batch, optimizer: config.optimizer });
    made.push(model);
    model.setParams(initial);
    const trainSet = uploadDataset(device, data.train);
    made.push(trainSet);
    model.setData(trainSet);
    const testSet = data.test ? uploadDataset(device, data.test) : null;
    if (testSet) made.push(testSet);
    engine = { model, trainer: new Trainer(model, data.train.N, config.seed), trainSet, testSet };
  } finally {
    const outOfMemory = await device.popErrorScope();
    if (!engine || outOfMemory) for (const m of made) m.destroy();
    if (outOfMemory) throw new UserError(`the GPU ran out of memory for this model (${outOfMemory.message}); choose smaller sizes`);
  }
  return engine;
}

export function argmaxRows(values: ArrayLike<number>, rows: number, width: number): Uint32Array {
  const out = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 1; c < width; c++) if (values[i * width + c]! > values[i * width + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/** Mean loss (and accuracy, predictions) of the float64 model on the first `rows` rows of a data set. */
export function forwardCpu(
  spec: ModelSpec,
  params: Record<string, ArrayLike<number>>,
  set: Dataset,
  rows: number,
): { testLoss: number; testAccuracy?: number; predicted?: Uint32Array } {
  const X = Float64Array.from(set.X.subarray(0, rows * set.D));
  if (spec.kind === 'autoencoder') {
    return { testLoss: autoencoderGradient(spec.shape, Float64Array.from(params.W!), X, rows).loss };
  }
  const f = mlpForward(spec.shape, mlpParamsFrom(params), X, set.labels.subarray(0, rows), rows);
  return { testLoss: f.loss, testAccuracy: f.correct / rows, predicted: argmaxRows(f.Z, rows, spec.shape.C) };
}
