// The CPU twin of the GPU training loop, in float64: same batch schedule, same formulas, same
// optimizer. Slow and clear; the GPU's per-step losses are checked against it.
import { copyRow, type Dataset } from '../data/dataset';
import { BatchSchedule } from '../data/schedule';
import { autoencoderGradient, type AutoencoderShape } from './autoencoder';
import type { Mistake } from './mistakes';
import { mlpGradients, mlpTargets, type MlpShape } from './mlp';
import { newOptimizerState, optimizerStep, type OptimizerSettings, type OptimizerState } from './optimizer';

/** One step's loss and accuracy on its batch (0 for a regression), before the update. */
export interface ReferenceStep {
  step: number;
  loss: number;
  accuracy: number;
}

export type ReferenceModel = { kind: 'mlp'; shape: MlpShape } | { kind: 'autoencoder'; shape: AutoencoderShape };

export class ReferenceTrainer {
  step = 0;
  /** The gradients of the last step (null before the first): the network diagram shows them. */
  lastGrads: Record<string, Float64Array> | null = null;
  readonly params: Record<string, Float64Array> = {};
  private readonly states: Record<string, OptimizerState> = {};
  private readonly schedule: BatchSchedule;

  constructor(
    readonly model: ReferenceModel,
    initial: Record<string, ArrayLike<number>>,
    private readonly data: Dataset,
    seed: number,
    readonly B: number,
    public settings: OptimizerSettings,
    /** The backprop mistake made on purpose in the backward pass or the update (MATH.md's catalogue). */
    readonly mistake: Mistake = 'none',
  ) {
    for (const [name, values] of Object.entries(initial)) {
      this.params[name] = Float64Array.from(values);
      this.states[name] = newOptimizerState(values.length);
    }
    this.schedule = new BatchSchedule(seed, data.N, B);
  }

  /** Changes the optimizer; a new kind starts from fresh moments, as on the GPU. */
  setOptimizer(settings: OptimizerSettings): void {
    if (settings.kind !== this.settings.kind || settings.nesterov !== this.settings.nesterov) {
      for (const name of Object.keys(this.states)) this.states[name] = newOptimizerState(this.params[name]!.length);
    }
    this.settings = { ...settings };
  }

  /** Overwrites the parameters (named as in `params`, same lengths). */
  setParams(values: Record<string, ArrayLike<number>>): void {
    for (const [name, p] of Object.entries(this.params)) p.set(checkedLength(name, values[name], p.length));
  }

  /** Copies of the optimizer's moments per tensor and its step count t (the same for every tensor). */
  readOptimizerState(): { m: Record<string, Float64Array>; v: Record<string, Float64Array>; t: number } {
    const m: Record<string, Float64Array> = {};
    const v: Record<string, Float64Array> = {};
    let t = 0;
    for (const [name, s] of Object.entries(this.states)) {
      m[name] = s.m.slice();
      v[name] = s.v.slice();
      t = s.t;
    }
    return { m, v, t };
  }

  /** Writes the moments and step count t (after setOptimizer, which may clear them). */
  setOptimizerState(s: { m: Record<string, ArrayLike<number>>; v: Record<string, ArrayLike<number>>; t: number }): void {
    for (const [name, state] of Object.entries(this.states)) {
      state.m.set(checkedLength(`m/${name}`, s.m[name], state.m.length));
      state.v.set(checkedLength(`v/${name}`, s.v[name], state.v.length));
      state.t = s.t;
    }
  }

  /** Continues the batch schedule from `step` (a restored checkpoint). */
  resumeAt(step: number): void {
    if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`cannot resume at step ${step}`);
    this.step = step;
  }

  /** One step: gather the batch, forward, backward, update. Returns the batch's loss before the update. */
  trainStep(): ReferenceStep {
    const { data, B } = this;
    const rows = this.schedule.rows(this.step);
    const X = new Float64Array(B * data.D);
    const labels = new Uint32Array(B);
    rows.forEach((row, i) => {
      copyRow(data, row, X, i * data.D);
      labels[i] = data.labels[row]!;
    });
    let loss: number;
    let accuracy = 0;
    let grads: Record<string, Float64Array>;
    if (this.model.kind === 'mlp') {
      const r = mlpGradients(this.model.shape, this.params, X, mlpTargets(this.model.shape, labels), B, { mistake: this.mistake });
      loss = r.loss;
      accuracy = r.correct / B;
      grads = { ...r.grads };
    } else {
      const r = autoencoderGradient(this.model.shape, this.params.W!, X, B, this.mistake);
      loss = r.loss;
      grads = { W: r.dW };
    }
    this.lastGrads = grads;
    for (const [name, g] of Object.entries(grads)) {
      optimizerStep(this.settings, this.params[name]!, g, this.states[name]!, this.mistake === 'update-sign');
    }
    return { step: this.step++, loss, accuracy };
  }
}

function checkedLength(name: string, values: ArrayLike<number> | undefined, length: number): ArrayLike<number> {
  if (!values || values.length !== length) throw new RangeError(`${name} needs ${length} values, got ${values?.length ?? 'none'}`);
  return values;
}
