// The "see the math" views of one run, mounted by the app beside the model views: the gradient
// check (on demand and every N steps), the correct run's curve against the mistaken runs' of the
// gallery, the equations beside one sample's values (and the find-the-bug exercise), the PCA view
// (autoencoder) and the activation statistics (MLP).
import type { DataSplit } from '../../data/dataset';
import type { StepMetrics } from '../../kernels/metrics';
import type { EngineId } from '../../train/engine';
import type { ModelSpec } from '../../models/build';
import type { Network } from '../../models/network';
import type { Mistake } from '../../reference/mistakes';
import { checkGradients, checkRowsWithinBudget, type GradCheck, type TensorCheck } from '../../train/grad-check';
import { pcaBoundAsync } from '../../train/pca-bound';
import { principalSubspaceAsync } from '../../train/pca-subspace';
import type { PageSettings } from '../settings';
import { activationStats, type ActivationStats } from './activation-stats';
import { ActivationStatsView } from './activation-stats-view';
import { checkDue, type LastCheck } from './check-schedule';
import { CompareRunsView } from './compare-runs-view';
import { EquationsView } from './equations-view';
import { GradCheckView } from './grad-check-view';
import { pcaPoint, type PcaPoint } from './pca-metrics';
import { PcaView } from './pca-view';
import type { RunCurves } from './run-curves';
import { SessionClosed } from '../../train/session';

/** Rows of the current batch the gradient check uses, and the activation statistics. */
const CHECK_ROWS = 256;
const STATS_ROWS = 64;
/** Multiply-adds the page spends on finite differences per check (about 0.1 s of JavaScript). */
const PAGE_FD_BUDGET = 3e7;
/** Training losses averaged for the gap to the PCA bound. */
const RECENT = 20;

export interface MathContext {
  spec: ModelSpec;
  data: DataSplit;
  /** The backprop mistake the run makes on purpose ('none': the correct pass). */
  mistake: Mistake;
  /** The find-the-bug exercise: the mistake stays hidden until the student's guess. */
  exercise: boolean;
  /** Called when the student's guess has shown the exercise's mistake. */
  onReveal?: () => void;
  /** Read live (checkEvery). */
  settings: Readonly<PageSettings>;
  /** The engine whose losses and parameters are shown. */
  leader: EngineId;
  /** The GPU's kernels of the run (built with its mistake) to check, or null when only the reference runs. */
  gpu: { device: GPUDevice; network: Network } | null;
  /** Runs work on the run's GPU buffers so that they outlive it (see Session.use). */
  use<T>(work: () => Promise<T>): Promise<T>;
  readParams(): Promise<Record<string, Float32Array>>;
  step(): number;
  /** The rows of the batch trained at `step`, at most `maxRows` of them. */
  batchAt(step: number, maxRows: number): { X: Float32Array; labels: Uint32Array; B: number };
}

/** The last gradient check as the tests read it (window.app.inspect().gradCheck). */
export interface GradCheckSummary {
  step: number;
  mistake: Mistake;
  B: number;
  tensors: Record<string, TensorCheck>;
}

export class MathViews {
  gradCheck: GradCheckSummary | null = null;
  readonly pcaHistory: PcaPoint[] = [];
  stats: ActivationStats | null = null;
  private readonly mistake: Mistake;
  /** While true (the exercise before the guess), no view names the mistake. */
  private hidden: boolean;
  private readonly checkView: GradCheckView;
  private readonly compare: CompareRunsView;
  readonly equations: EquationsView;
  private readonly pca: PcaView | null = null;
  private readonly statsView: ActivationStatsView | null = null;
  private top: Float64Array | null = null;
  private bound: number | null = null;
  private readonly recent: number[] = [];
  private checking: Promise<void> | null = null;
  private lastStats: { step: number; params: Record<string, Float32Array> } | null = null;
  private lastCheck: { result: GradCheck; step: number } | null = null;
  /** The last check's step, start and cost, for the next one's schedule. */
  private lastCheckTime: LastCheck | null = null;
  private destroyed = false;

  constructor(
    container: HTMLElement,
    private readonly ctx: MathContext,
    private readonly runs: RunCurves,
  ) {
    const { spec, data } = ctx;
    const { train } = data;
    this.mistake = ctx.mistake;
    this.hidden = ctx.exercise && ctx.mistake !== 'none';
    this.checkView = new GradCheckView(container, () => void this.checkNow());
    this.compare = new CompareRunsView(container, runs);
    if (spec.kind === 'mlp') this.statsView = new ActivationStatsView(container);
    this.equations = new EquationsView(container, spec, train, this.mistake, this.hidden ? 'hidden' : 'shown', () => this.revealed());
    if (spec.kind === 'autoencoder') {
      const { m, n } = spec.shape;
      this.pca = new PcaView(container, m, n);
      void principalSubspaceAsync(train, m).then(
        (eig) => {
          if (this.destroyed) return;
          this.top = eig.vectors;
          this.pca?.showComponents(this.top);
        },
        () => {},
      ); // a failure is shown by the PCA card (it watches the computation) and by the app
      void pcaBoundAsync(train, m).then(
        (b) => (this.bound = b),
        () => {},
      );
    }
  }

  /** The leading engine's training losses (other engines' are ignored). */
  addSteps(engine: EngineId, metrics: readonly StepMetrics[]): void {
    if (engine !== this.ctx.leader) return;
    this.runs.add(metrics);
    for (const m of metrics) this.recent.push(m.loss);
    if (this.recent.length > RECENT) this.recent.splice(0, this.recent.length - RECENT);
  }

  /** Redraws from the current parameters; runs the gradient check when it is due. */
  async update(params: Record<string, Float32Array>, step: number): Promise<void> {
    const { spec, settings } = this.ctx;
    this.compare.draw();
    this.equations.update(params);
    if (spec.kind === 'mlp' && this.statsView) {
      const { X, labels, B } = this.ctx.batchAt(step, STATS_ROWS);
      this.stats = activationStats(spec.shape, params, X, labels, B, this.mistake, step, this.lastStats);
      this.lastStats = { step, params };
      this.statsView.update(this.stats);
    }
    if (spec.kind === 'autoencoder' && this.pca) {
      const { m, n } = spec.shape;
      if (this.top) {
        const recent = this.recent.length > 0 ? this.recent.reduce((a, b) => a + b, 0) / this.recent.length : null;
        if (this.pcaHistory.at(-1)?.step !== step) this.pcaHistory.push(pcaPoint(step, params.W!, this.top, m, n, recent, this.bound));
      }
      this.pca.update(this.pcaHistory, params.W!, this.top);
    }
    if (checkDue(this.gradCheck === null ? null : this.lastCheckTime, step, performance.now(), settings.checkEvery) && !this.checking) {
      await this.runCheck(params, step);
    }
  }

  /** Checks the current parameters now (the card's button). */
  async checkNow(): Promise<void> {
    if (this.checking) return this.checking;
    await this.runCheck(await this.ctx.readParams(), this.ctx.step());
  }

  private runCheck(params: Record<string, Float32Array>, step: number): Promise<void> {
    this.checkView.busy();
    const started = performance.now();
    let cost = 0;
    this.checking = (async () => {
      try {
        // A derivation's kernels take the whole batch they were lowered for (Network.gradientRows).
        const rows = this.ctx.gpu?.network.gradientRows ?? checkRowsWithinBudget(this.ctx.spec, CHECK_ROWS, PAGE_FD_BUDGET);
        const result = await this.ctx
          .use(() =>
            checkGradients(this.ctx.spec, params, this.ctx.batchAt(step, rows), {
              device: this.ctx.gpu?.device ?? null,
              network: this.ctx.gpu?.network,
              mistake: this.mistake,
              finiteDiffBudget: PAGE_FD_BUDGET,
              seed: step,
            }),
          )
          .finally(() => (cost = performance.now() - started)); // the check's cost, not the drawing of its table
        if (this.destroyed) return;
        this.gradCheck = { step, mistake: result.mistake, B: result.B, tensors: result.tensors };
        this.lastCheck = { result, step };
        this.checkView.show(result, step, this.hidden);
      } catch (error) {
        if (!this.destroyed && !(error instanceof SessionClosed)) this.checkView.failed((error as Error).message);
      } finally {
        this.lastCheckTime = { step, at: started, ms: cost };
        this.checking = null;
      }
    })();
    return this.checking;
  }

  /** The exercise's guess was made: the gradient check may name the mistake now. */
  private revealed(): void {
    this.hidden = false;
    this.ctx.onReveal?.();
    this.compare.draw();
    if (this.lastCheck) this.checkView.show(this.lastCheck.result, this.lastCheck.step);
  }

  destroy(): void {
    this.destroyed = true;
    this.checkView.destroy();
    this.compare.destroy();
    this.equations.destroy();
    this.pca?.destroy();
    this.statsView?.destroy();
  }
}
