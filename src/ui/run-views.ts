// What the page shows of a run, and its one owner: the loss plot, the kept metrics and test-set
// evaluations, the model's views (diagram, output, digits) and the math views (gradient check,
// equations, PCA). Attached to each new session; refreshed by the training loop on its own clock.
import type { DataSplit } from '../data/dataset';
import type { Feature } from '../data/features';
import type { StepMetrics } from '../kernels/metrics';
import type { EngineId } from '../train/engine';
import { GpuEngine } from '../train/gpu-engine';
import { MetricsLog } from '../train/metrics-log';
import { pcaBoundAsync } from '../train/pca-bound';
import { PcaSkipped } from '../train/pca-subspace';
import type { RunPlan } from '../train/run-settings';
import { SessionClosed, unlessReplaced, type Session, type TestMetrics } from '../train/session';
import { allFinite, lossGaveBack } from '../train/snapshot';
import type { Banners } from './banners';
import { MathViews } from './math/math-views';
import { RunCurves, runFingerprint } from './math/run-curves';
import { ModelViews } from './model-views';
import { plainWords } from './plain-words';
import { LossPlot } from './plots/loss-plot';
import type { Recovery } from './recovery';
import type { PageSettings } from './settings';

/** What the views need of the page. */
export interface RunViewsHost {
  stage: HTMLElement;
  views: HTMLElement;
  plots: HTMLElement;
  banners: Banners;
  recovery: Recovery;
  /** The settings the run was built with (not a pending change's). */
  applied(): PageSettings;
  /** The diagram's +/− buttons ask for other hidden sizes. */
  reshape(hidden: number[]): void;
  /** The diagram's input nodes switch a 2-D set's features on and off. */
  switchFeature(feature: Feature): void;
}

export class RunViews {
  /** The recent steps' metrics per engine, kept across rebuilds of the same run. */
  readonly log = new MetricsLog();
  /** Every test-set evaluation, per engine. */
  readonly evals: Array<TestMetrics & { engine: EngineId }> = [];
  /** Loss curves of the last correct run and of the last run with each mistake, kept across rebuilds to compare. */
  readonly runs = new RunCurves();
  readonly plot: LossPlot;
  pcaBound: number | null = null;
  /** The find-the-bug exercise's mistake was shown (after the student's pick): later rebuilds name it too. */
  exerciseRevealed = false;
  private model: ModelViews | null = null;
  math: MathViews | null = null;
  private session: Session | null = null;

  constructor(private readonly host: RunViewsHost) {
    this.plot = new LossPlot(host.plots);
  }

  /** A session is about to be replaced: nothing of it is drawn any more. */
  detach(): void {
    this.session = null;
    this.pcaBound = null;
    this.plot.setReference(null, '');
  }

  /**
   * Shows `session`, built from `plan` on `data` with the settings `s`. The steps before `keepSteps`
   * (a restored run's) stay on the plot, the others go; `history` (a loaded run file's) takes their
   * place, so that its plot and the status line's average go on as if it had never stopped.
   */
  attach(
    session: Session,
    plan: RunPlan,
    data: DataSplit,
    s: PageSettings,
    keepSteps: Record<EngineId, number>,
    history: Partial<Record<EngineId, readonly StepMetrics[]>> = {},
  ): void {
    this.session = session;
    this.plot.setClock(s.engine === 'race'); // racing engines are at different steps: the clock is common
    this.cutBack(keepSteps);
    session.onMetrics = (engine, metrics) => this.onMetrics(engine, metrics);
    this.model?.destroy();
    this.model = new ModelViews(this.host.stage, this.host.views, plan.spec, data, {
      forward: (X, rows) => session.use(() => session.leader.forwardLayers(X, rows, session.workSignal)),
      // A link's gradient, read as the link editor opens: none once the run is replaced (a file loaded, a preset).
      gradient: (tensor, index) =>
        unlessReplaced(
          session.use(() => session.leader.readGrads()),
          null,
        ).then((grads) => grads?.[tensor]?.[index] ?? null),
      reshape: (hidden) => this.host.reshape(hidden),
      setWeight: (tensor, index, value) => void this.setWeight(session, tensor, index, value),
      switchFeature: (feature) => this.host.switchFeature(feature),
      activation: s.activation,
    });
    this.math?.destroy();
    const hidden = s.exercise > 0 && !this.exerciseRevealed;
    this.runs.start(plan.derivation !== undefined ? 'derivation' : hidden ? 'exercise' : plan.mistake, runFingerprint(s));
    // The gradient check compares the GPU's own kernels with the reference, when the run has them.
    const gpu = session.engine('gpu');
    this.math = new MathViews(
      this.host.views,
      {
        spec: plan.spec,
        data,
        mistake: plan.mistake,
        exercise: hidden,
        settings: s,
        leader: session.leader.id,
        onReveal: () => {
          this.exerciseRevealed = true;
          this.runs.rename('exercise', plan.mistake);
        },
        gpu: gpu instanceof GpuEngine ? { device: gpu.model.device, network: gpu.model.network } : null,
        use: (work) => session.use(work),
        readParams: () => session.params(),
        step: () => session.step,
        batchAt: (step, rows) => session.batchAt(step, rows),
      },
      this.runs,
    );
    // A loaded run's history (finite: the reader checked it): the plot, the status line's average and the comparison of runs go on from it.
    for (const [engine, steps] of Object.entries(history) as Array<[EngineId, readonly StepMetrics[]]>) {
      this.log.add(engine, steps);
      this.plot.addSteps(engine, steps, true);
      this.math?.addSteps(engine, steps);
    }
    if (plan.spec.kind === 'autoencoder') {
      const code = plan.spec.shape.m;
      void pcaBoundAsync(data.train, code).then(
        (bound) => {
          if (this.session !== session) return;
          this.pcaBound = bound;
          this.plot.setReference(bound, `PCA bound ½Σλⱼ (j > ${code})`);
        },
        (error: Error) => {
          if (this.session !== session) return;
          if (error instanceof PcaSkipped) this.host.banners.notice(`No PCA bound: ${error.message}.`, 'build');
          else this.host.banners.message(`The PCA bound could not be computed: ${error.message}`);
        },
      );
    }
  }

  /** The latest test evaluation of an engine. */
  lastEval(engine: EngineId): TestMetrics | undefined {
    return this.evals.findLast((e) => e.engine === engine);
  }

  /**
   * Updates the views; with `evaluate`, also the test-set metrics. Reads back through the session
   * (see Session.use). Resolves with the milliseconds the evaluation took (0 without one).
   */
  async refresh(session: Session, evaluate: boolean): Promise<number> {
    if (session !== this.session) return 0;
    const started = performance.now();
    let evalMs = 0;
    if (evaluate && session.data.test) {
      for (const { id } of session.engines) {
        const m = await session.evaluate(id);
        if (!m || session !== this.session || !Number.isFinite(m.testLoss)) continue;
        this.evals.push({ ...m, engine: id });
        this.plot.addEval(id, m);
        if (m.predicted && id === session.leader.id) this.model?.showConfusion(m.predicted, m.rows);
      }
      evalMs = performance.now() - started;
    }
    if (session !== this.session) return evalMs;
    const params = await session.params();
    if (session !== this.session) return evalMs;
    const { recovery } = this.host;
    if (!allFinite(params)) {
      // Steps went on while this refresh waited: their losses first, as they name the step where it went wrong.
      await session.flush().catch(() => {});
      recovery.divergedAt(session.leader.id, session.step, 'the parameters stopped being finite numbers');
      return evalMs;
    }
    await this.model?.showParams(params, session.step);
    if (session !== this.session) return evalMs; // replaced meanwhile: the math views' work would be for nothing
    await this.math?.update(params, session.step);
    const losses = this.log.of(session.leader.id);
    // The run's settings, not a pending change's.
    if (!recovery.diverged) await recovery.snapshots.offer(session, losses, { ...this.host.applied() });
    const classes = session.config.spec.kind === 'mlp' ? session.config.spec.shape.C : 0;
    if (lossGaveBack(losses, classes)) recovery.warnGaveBack(session.leader.id, session.step);
    return evalMs;
  }

  /**
   * A weight edited in the diagram: every engine of the run takes it before its next step, and the
   * views show it at once. A saved run keeps it, as it keeps every parameter.
   */
  private async setWeight(session: Session, tensor: string, index: number, value: number): Promise<void> {
    try {
      await session.setParamEntry(tensor, index, value);
    } catch (error) {
      if (!(error instanceof SessionClosed)) this.host.banners.message(`The weight was not set: ${plainWords(error)}.`);
      return;
    }
    // Shown at once; a run replaced meanwhile (a file loaded, a preset) has nothing left to show.
    // Called as `void`: any other failure is said in the page, not left as an unhandled rejection.
    try {
      await unlessReplaced(this.refresh(session, false), 0);
    } catch (error) {
      this.host.banners.message(`The weight was set, but the views were not redrawn: ${plainWords(error)}.`);
    }
  }

  /** Keeps only finite metrics: a non-finite loss pauses the run instead of reaching a plot. */
  private onMetrics(engine: EngineId, metrics: StepMetrics[]): void {
    const bad = metrics.find((m) => !Number.isFinite(m.loss));
    const good = bad ? metrics.filter((m) => m.step < bad.step) : metrics;
    this.log.add(engine, good);
    this.plot.addSteps(engine, good);
    this.math?.addSteps(engine, good);
    if (bad) this.host.recovery.divergedAt(engine, bad.step, `the loss stopped being a finite number (${bad.loss})`);
  }

  /** Forgets each engine's metrics and evaluations from its `steps` on (a restored run trains those again); redraws the plot. */
  cutBack(steps: Record<EngineId, number>): void {
    this.log.cutBack(steps);
    this.plot.clear();
    for (const engine of ['gpu', 'cpu', 'reference'] as const) this.plot.addSteps(engine, this.log.of(engine));
    const evals = this.evals.filter((e) => e.step < steps[e.engine]);
    this.evals.splice(0, Infinity, ...evals);
    for (const e of evals) this.plot.addEval(e.engine, e);
  }
}
