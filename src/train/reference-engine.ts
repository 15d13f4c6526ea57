// The float64 reference (src/reference/trainer.ts) behind the Engine interface: the same batch
// schedule and formulas as the GPU, in plain JavaScript, computed on the caller's thread within a
// time budget per call so that a page stays responsive.
import { rowsAsFloats, type DataSplit, type Dataset } from '../data/dataset';
import type { StepMetrics } from '../kernels/metrics';
import { autoencoderGradient } from '../reference/autoencoder';
import { mlpForward, mlpParamsFrom, mlpTargets, noTargets } from '../reference/mlp';
import type { OptimizerSettings } from '../reference/optimizer';
import { ReferenceTrainer } from '../reference/trainer';
import { classifies, type ModelSpec } from '../models/build';
import { checkParamEntry, type Engine, type EngineEvaluation, type EngineState, type LayerOutputs } from './engine';
import { argmaxRows } from './predict';
import type { RunPlan } from './run-settings';

/** Rows of a set the reference evaluates: its float64 forward pass is slow on MNIST. */
const EVAL_ROWS = 2000;

export class ReferenceEngine implements Engine {
  readonly id = 'reference' as const;
  readonly onCallersThread = true;
  onMetrics: ((metrics: StepMetrics[]) => void) | null = null;
  private readonly trainer: ReferenceTrainer;

  constructor(
    private readonly plan: RunPlan,
    private readonly data: DataSplit,
    initial: Record<string, Float32Array>,
  ) {
    this.trainer = new ReferenceTrainer(plan.spec, initial, data.train, plan.seed, plan.batch, plan.optimizer, plan.mistake);
  }

  get step(): number {
    return this.trainer.step;
  }

  get optimizer(): Readonly<OptimizerSettings> {
    return this.trainer.settings;
  }

  run(count: number, budgetMs: number): void {
    const started = performance.now();
    const metrics: StepMetrics[] = [];
    for (let i = 0; i < count && (i === 0 || performance.now() - started < budgetMs); i++) {
      metrics.push(this.trainer.trainStep());
    }
    this.onMetrics?.(metrics);
  }

  async flush(): Promise<void> {}

  async throttle(): Promise<void> {}

  async setOptimizer(settings: OptimizerSettings): Promise<void> {
    this.trainer.setOptimizer(settings);
  }

  async readParams(): Promise<Record<string, Float32Array>> {
    const out: Record<string, Float32Array> = {};
    for (const [name, values] of Object.entries(this.trainer.params)) out[name] = Float32Array.from(values);
    return out;
  }

  async setParamEntry(tensor: string, index: number, value: number): Promise<void> {
    const p = this.trainer.params[tensor];
    checkParamEntry(tensor, p?.length, index, value);
    p![index] = value; // its steps run whole within run(): this is between two
  }

  async evaluate(set: 'train' | 'test'): Promise<EngineEvaluation | null> {
    const on = set === 'train' ? this.data.train : this.data.test;
    if (!on) return null;
    const rows = Math.min(on.N, EVAL_ROWS);
    return { ...forwardReference(this.plan.spec, this.trainer.params, on, rows), rows };
  }

  async forwardLayers(X: Float32Array, rows: number): Promise<LayerOutputs | null> {
    const { spec } = this.plan;
    if (spec.kind !== 'mlp') return null;
    const f = mlpForward(
      spec.shape,
      mlpParamsFrom(spec.shape, this.trainer.params),
      Float64Array.from(X.subarray(0, rows * spec.shape.D)),
      noTargets(spec.shape, rows),
      rows,
    );
    return { hidden: f.Y.map((y) => Float32Array.from(y)), output: Float32Array.from(f.Z) };
  }

  async readGrads(): Promise<Record<string, Float32Array> | null> {
    const grads = this.trainer.lastGrads;
    if (!grads) return null;
    return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, Float32Array.from(g)]));
  }

  async capture(): Promise<EngineState> {
    const params: Record<string, Float64Array> = {};
    for (const [name, p] of Object.entries(this.trainer.params)) params[name] = p.slice();
    const opt = this.trainer.readOptimizerState();
    return { step: this.trainer.step, optimizerStep: opt.t, params, m: opt.m, v: opt.v };
  }

  async restore(state: EngineState, optimizer: OptimizerSettings): Promise<void> {
    this.trainer.setOptimizer(optimizer);
    this.trainer.setParams(state.params);
    this.trainer.setOptimizerState({ m: state.m, v: state.v, t: state.optimizerStep });
    this.trainer.resumeAt(state.step);
  }

  destroy(): void {}
}

/** Mean loss (and, for a classifier, accuracy and predictions) of the float64 model on the first `rows` rows of a data set. */
export function forwardReference(
  spec: ModelSpec,
  params: Record<string, ArrayLike<number>>,
  set: Dataset,
  rows: number,
): { loss: number; accuracy?: number; predicted?: Uint32Array } {
  const X = Float64Array.from(rowsAsFloats(set, 0, rows));
  if (spec.kind === 'autoencoder') {
    return { loss: autoencoderGradient(spec.shape, Float64Array.from(params.W!), X, rows).loss };
  }
  const f = mlpForward(spec.shape, mlpParamsFrom(spec.shape, params), X, mlpTargets(spec.shape, set.labels.subarray(0, rows)), rows);
  if (!classifies(spec)) return { loss: f.loss };
  return { loss: f.loss, accuracy: f.correct / rows, predicted: argmaxRows(f.Z, rows, spec.shape.C) };
}
