// The page's controller: turns settings into a training session, runs it frame by frame, and feeds
// the status line, the plots and the views. Engine work lives in src/train; drawing in the views.
import { UserError } from '../base/errors';
import { UserFileSource } from '../data/user-file';
import type { GpuContext } from '../gpu/device';
import type { StepMetrics } from '../kernels/metrics';
import type { ModelSpec } from '../models/build';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../reference/optimizer';
import { pcaBoundAsync } from '../train/pca-bound';
import { Session, type Engine, type SessionConfig, type TestMetrics } from '../train/session';
import { captureCheckpoint, checkCheckpointFits, parseCheckpoint, restoreCheckpoint, type Checkpoint } from '../train/checkpoint';
import { allFinite, SnapshotKeeper, snapshotSteps, type Snapshot } from '../train/snapshot';
import { divergenceAdvice } from './diagnosis';
import { loadPageData } from './data-source';
import { mountBenchSection } from './bench/bench-section';
import { ModelViews } from './model-views';
import { MathViews, type GradCheckSummary } from './math/math-views';
import { RunCurves, runFingerprint } from './math/run-curves';
import { Panel } from './panel';
import { LossPlot } from './plots/loss-plot';
import { download, checkpointFile, type RunFileFormat } from './run-files';
import { decodeHash, encodeHash, LIVE_KEYS, readSettings, type Settings } from './settings';

export interface AppElements {
  panel: HTMLElement;
  status: HTMLElement;
  message: HTMLElement;
  plots: HTMLElement;
  views: HTMLElement;
}

/** How often the views and the test-set metrics are refreshed while training. */
const VIEW_INTERVAL_MS = 600;
const EVAL_INTERVAL_MS = 2000;
/** Steps of metrics kept per engine (the plot thins its own copy): an hour's run stays a few MB. */
const HISTORY_LIMIT = 50_000;

/** Opens a fresh GPU device (after the current one is lost). */
export type OpenGpu = () => Promise<GpuContext>;

/** A button shown with a message. */
export interface MessageAction {
  label: string;
  run(): void;
}

export class App {
  readonly settings: Settings;
  /** What the tests read: the recent steps' metrics (HISTORY_LIMIT) and every evaluation, per engine. */
  readonly history: Record<Engine, StepMetrics[]> = { gpu: [], cpu: [] };
  readonly evals: Array<TestMetrics & { engine: Engine }> = [];
  pcaBound: number | null = null;
  running = false;
  /** Where the loss or the parameters stopped being finite; training stays paused until a restore or rebuild. */
  private divergence: { engine: Engine; step: number; what: string } | null = null;
  /** How many times a lost GPU device was replaced (read by the tests). */
  devicesLost = 0;
  /** The last healthy state of the current run, to go back to after a divergence or a lost device. */
  private readonly snapshots = new SnapshotKeeper();
  /** The settings the running session was built with: what a refused change goes back to. */
  private applied: Settings | null = null;
  /** Set while a lost device is being replaced. */
  private recovering = false;
  /** The training loop that may run: a frame of an older loop stops. */
  private loop = 0;
  private session: Session | null = null;
  private building: Promise<void> = Promise.resolve();
  private userFile: UserFileSource | null = null;
  private readonly panel: Panel;
  private readonly plot: LossPlot;
  private views: ModelViews | null = null;
  private math: MathViews | null = null;
  /** Loss curves of the last correct- and wrong-derivative runs, kept across rebuilds to compare. */
  private readonly runs = new RunCurves();
  private lastViews = 0;
  private lastEval = 0;
  /** Grows with the cost of an evaluation, so that it never takes more than a fifth of the time. */
  private evalInterval = EVAL_INTERVAL_MS;
  private rate = { steps: 0, time: performance.now(), perSecond: 0 };

  constructor(
    private readonly el: AppElements,
    private gpu: GpuContext | null,
    private readonly openGpu: OpenGpu | null = null,
  ) {
    const { settings, problems } = decodeHash(location.hash);
    this.settings = settings;
    if (!gpu && settings.engine !== 'cpu') settings.engine = 'cpu';
    if (problems.length > 0) this.message(`Some settings in the link were ignored: ${problems.join('; ')}.`);
    this.plot = new LossPlot(el.plots);
    mountBenchSection(el.views, { gpu: () => this.gpu, current: () => ({ batch: this.settings.batch, hidden: this.settings.hidden }) });
    this.panel = new Panel(el.panel, settings, {
      changed: (key) => this.changed(key),
      play: () => this.play(),
      pause: () => this.pause(),
      step: () => void this.stepOnce(),
      reset: () => void this.rebuild(),
      loadFile: (file) => void this.loadFile(file),
      saveRun: (format) => void this.saveRun(format),
    });
    this.panel.showRelevant(settings);
    this.plot.setLogScale(settings.logScale);
    if (gpu) this.watchDevice(gpu);
    window.addEventListener('dragover', (e) => e.preventDefault());
    window.addEventListener('drop', (e) => {
      e.preventDefault();
      const file = e.dataTransfer?.files[0];
      if (file) void this.loadFile(file);
    });
  }

  /** Resolves when the current (re)build has finished. */
  get ready(): Promise<void> {
    return this.building;
  }

  /** The GPU device in use, if any (the tests destroy it to check recovery). */
  get device(): GPUDevice | null {
    return this.gpu?.device ?? null;
  }

  /** The last healthy state of the current run (read by the tests). */
  get snapshot(): Snapshot | null {
    return this.snapshots.latest;
  }

  get step(): number {
    return this.session?.step ?? 0;
  }

  /** The optimizer settings the engines use right now. */
  /** The last gradient check, per tensor (read by the tests). */
  get gradCheck(): GradCheckSummary | null {
    return this.math?.gradCheck ?? null;
  }

  /** The math views of the current run: PCA angles, activation statistics (read by the tests). */
  get mathViews(): MathViews | null {
    return this.math;
  }

  get optimizerInUse(): OptimizerSettings | null {
    return this.session?.gpu?.model.settings ?? this.session?.cpu?.settings ?? null;
  }

  /** Builds data and engines for the current settings; the old session's GPU buffers are destroyed. */
  rebuild(): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    this.building = this.building.then(() => this.build(wasRunning)).catch((e: Error) => this.buildFailed(e, wasRunning));
    return this.building;
  }

  /**
   * A build failed. Before the running session was let go, its settings come back and it goes on;
   * after (the GPU ran out of memory, say), the settings that worked are rebuilt from their last
   * snapshot; with none, the CPU engine takes over.
   */
  private async buildFailed(error: Error, resume: boolean): Promise<void> {
    // A build that failed because the device was lost is deviceLost's to handle.
    if (this.recovering || (this.gpu && (await lostWithin(this.gpu.device, 100)))) return;
    if (this.session) {
      // Refused before the running session was let go (sizes over the GPU's limits, data that would not load).
      this.revertSettings();
      this.message(`Not applied: ${error.message}. The current run goes on.`);
      this.status(`${this.describe()}.`);
      if (resume) this.play();
      return;
    }
    const previous = this.applied;
    let fallback: string;
    if (previous && JSON.stringify(previous) !== JSON.stringify(this.settings)) {
      this.revertSettings();
      fallback = 'the previous settings are back';
    } else if (this.settings.engine !== 'cpu') {
      this.settings.engine = 'cpu';
      this.panel.refresh();
      fallback = 'training runs on the CPU engine instead';
    } else {
      this.message(error.message);
      return;
    }
    const snapshot = previous ? this.snapshots.latest : null;
    try {
      await this.build(resume, snapshot);
      this.message(`Not applied: ${error.message}. ${fallback[0]!.toUpperCase()}${fallback.slice(1)}.`);
    } catch (again) {
      this.message(`${error.message}; and then: ${(again as Error).message}`);
    }
  }

  play(): void {
    if (this.running || !this.session) return;
    if (this.divergence) return this.showDivergence();
    this.running = true;
    this.rate = { steps: this.step, time: performance.now(), perSecond: this.rate.perSecond };
    const loop = ++this.loop;
    requestAnimationFrame(() => void this.frame(loop));
  }

  pause(): void {
    this.running = false;
    void this.session?.flush().then(() => this.refresh(true));
  }

  async stepOnce(): Promise<void> {
    await this.building;
    if (!this.session || this.running) return;
    if (this.divergence) return this.showDivergence();
    this.session.run(1);
    await this.session.flush();
    await this.refresh(true);
  }

  /**
   * Builds a session for the current settings. A configuration the GPU cannot hold throws before
   * anything is allocated or the running session is let go (see buildFailed). With `restore`, the
   * new session starts from that state; `continues` says whether it is the same run going on (a
   * lost device, a refused build), whose curve up to that step stays, or another one (a loaded file).
   */
  private async build(resume: boolean, restore: Snapshot | null = null, continues = restore !== null): Promise<void> {
    const s = this.settings;
    this.status('Loading data…');
    const data = await loadPageData(s, this.userFile?.dataset(s.model === 'mlp') ?? null);
    const { train } = data;
    const notes: string[] = [];
    if (s.batch > train.N) {
      notes.push(`batch size lowered to ${train.N}, the size of the training set`);
      s.batch = train.N;
    }
    if (s.model === 'autoencoder' && s.code > train.D) {
      notes.push(`code size lowered to ${train.D}, the number of features`);
      s.code = train.D;
    }
    if (s.model === 'mlp' && train.classes < 2 && !data.test) notes.push('the data has one class only');
    if (notes.length > 0) this.message(`Note: ${notes.join('; ')}.`);
    const spec: ModelSpec = s.model === 'mlp'
      ? { kind: 'mlp', shape: { D: train.D, H: s.hidden, C: Math.max(2, train.classes, data.test?.classes ?? 0) } }
      : { kind: 'autoencoder', shape: { n: train.D, m: s.code } };
    const config: SessionConfig = {
      spec, batch: s.batch, optimizer: this.optimizer(), seed: s.seed, initScale: s.initScale,
      engines: s.engine === 'both' ? ['gpu', 'cpu'] : [s.engine],
      swishDerivative: s.model === 'mlp' && s.wrongDerivative ? 'wrong' : 'correct',
    };
    if (this.gpu) Session.checkFits(config, data, this.gpu.device.limits);
    if (restore) checkCheckpointFits({ config, data }, restore);
    this.panel.refresh();
    this.panel.showRelevant(s);
    this.session?.destroy();
    this.session = null;
    this.pcaBound = null;
    this.divergence = null;
    this.plot.setReference(null, '');
    this.status('Building the model…');
    const session = await Session.create(config, data, this.gpu?.device ?? null);
    if (restore) {
      try {
        await restoreCheckpoint(session, restore);
        await session.setOptimizer(config.optimizer); // the panel's optimizer, which may be newer than the snapshot's
      } catch (error) {
        session.destroy();
        throw error;
      }
    }
    this.truncateHistory(restore && continues ? snapshotSteps(restore) : { gpu: 0, cpu: 0 });
    this.snapshots.reset(restore);
    this.applied = { ...s };
    session.onMetrics = (engine, metrics) => this.onMetrics(engine, metrics);
    this.session = session;
    this.views?.destroy();
    this.views = new ModelViews(this.el.views, spec, data);
    this.math?.destroy();
    this.runs.start(config.swishDerivative ?? 'correct', runFingerprint(s));
    this.math = new MathViews(this.el.views, {
      spec, data, settings: s, device: this.gpu?.device ?? null, network: session.gpu?.model.network ?? null,
      readParams: () => session.params(), step: () => session.step,
    }, this.runs);
    if (spec.kind === 'autoencoder') {
      const code = spec.shape.m;
      void pcaBoundAsync(train, code).then((bound) => {
        if (this.session !== session) return;
        this.pcaBound = bound;
        this.plot.setReference(bound, `PCA bound ½Σλⱼ (j > ${code})`);
      });
    }
    history.replaceState(null, '', encodeHash(s) || location.pathname + location.search);
    await this.refresh(true);
    this.status(`Ready: ${this.describe()}. ${restore ? `Continuing from step ${snapshotSteps(restore).gpu}.` : 'Press play.'}`);
    if (resume) this.play();
  }

  /** One frame of the training loop `loop` (a pause and a play start a new loop; the old one ends). */
  private async frame(loop: number): Promise<void> {
    const session = this.session;
    if (!this.running || !session || loop !== this.loop) return;
    try {
      session.run(this.settings.stepsPerFrame);
      await session.throttle();
      const now = performance.now();
      if (now - this.lastViews > VIEW_INTERVAL_MS) {
        await session.flush();
        await this.refresh(now - this.lastEval > this.evalInterval);
      }
    } catch (error) {
      // A lost device fails whatever was in flight: deviceLost reports it and carries on.
      if (session !== this.session || this.recovering || loop !== this.loop) return;
      if (this.gpu && (await lostWithin(this.gpu.device, 500))) return;
      this.running = false;
      this.message(`Training stopped: ${(error as Error).message}`);
      return;
    }
    if (this.running && this.session === session && loop === this.loop) requestAnimationFrame(() => void this.frame(loop));
  }

  /** Keeps only finite metrics: a non-finite loss pauses the run instead of reaching a plot. */
  private onMetrics(engine: Engine, metrics: StepMetrics[]): void {
    const bad = metrics.find((m) => !Number.isFinite(m.loss));
    const good = bad ? metrics.filter((m) => m.step < bad.step) : metrics;
    const history = this.history[engine];
    history.push(...good);
    if (history.length > HISTORY_LIMIT) history.splice(0, history.length - HISTORY_LIMIT);
    this.plot.addSteps(engine, good);
    this.math?.addSteps(engine, good);
    if (bad) this.divergedAt(engine, bad.step, `the loss stopped being a finite number (${bad.loss})`);
  }

  /** Whether the run diverged (read by the tests). */
  get diverged(): boolean {
    return this.divergence !== null;
  }

  /** Pauses a diverged run and offers the last snapshot (once per divergence). */
  private divergedAt(engine: Engine, step: number, what: string): void {
    if (this.divergence) return;
    this.divergence = { engine, step, what };
    this.running = false;
    this.showDivergence();
  }

  /** The divergence message, with buttons that act only on the session they were offered for. */
  private showDivergence(): void {
    if (!this.divergence) return;
    const { engine, step, what } = this.divergence;
    const session = this.session;
    const advice = divergenceAdvice(this.settings);
    const snapshot = this.snapshots.latest;
    const forThisRun = (run: () => void) => () => {
      if (this.session === session) run();
    };
    const actions: MessageAction[] = [];
    const at = snapshot ? snapshotSteps(snapshot)[engine] : 0;
    if (snapshot) {
      actions.push({ label: `Restore step ${at}`, run: forThisRun(() => void this.restoreLastGood(null)) });
      actions.push({
        label: `Restore step ${at} with learning rate ${advice.saferLr}`,
        run: forThisRun(() => void this.restoreLastGood(advice.saferLr)),
      });
    }
    actions.push({ label: 'Start again', run: forThisRun(() => void this.rebuild()) });
    this.message(
      `Training paused: on the ${engine.toUpperCase()} engine ${what} at step ${step}. ${advice.cause}` +
        (snapshot ? ` The last good state is from step ${at}.` : ''),
      actions,
    );
  }

  /** Puts the run back to its last snapshot, optionally with a new learning rate, paused. */
  restoreLastGood(lr: number | null): Promise<void> {
    // On the build chain, so that no play, step or rebuild submits steps halfway through.
    this.building = this.building.then(() => this.restore(lr)).catch((e: Error) => this.message(`Could not restore: ${e.message}`));
    return this.building;
  }

  private async restore(lr: number | null): Promise<void> {
    const session = this.session;
    const snapshot = this.snapshots.latest;
    if (!session || !snapshot) return;
    this.running = false;
    await restoreCheckpoint(session, snapshot);
    if (lr !== null) {
      this.settings.lr = lr;
      this.panel.refresh();
      history.replaceState(null, '', encodeHash(this.settings) || location.pathname + location.search);
      if (this.applied) this.applied.lr = lr;
    }
    // The snapshot carries the optimizer of its time; the panel's settings (and a safer rate) win.
    await session.setOptimizer(this.optimizer());
    const steps = snapshotSteps(snapshot);
    this.truncateHistory(steps);
    this.runs.cutBack(steps[session.gpu ? 'gpu' : 'cpu']); // redrawn by the refresh below
    this.divergence = null;
    this.el.message.hidden = true;
    await this.refresh(false);
    this.status(`Restored step ${steps.gpu}: ${this.describe()}. Press play.`);
  }

  /** Forgets each engine's metrics from its `steps` on (a restored run trains those again); redraws the plot. */
  private truncateHistory(steps: Record<Engine, number>): void {
    this.plot.clear();
    for (const engine of ['gpu', 'cpu'] as const) {
      const kept = this.history[engine].filter((m) => m.step < steps[engine]);
      this.history[engine].splice(0, Infinity, ...kept);
      this.plot.addSteps(engine, kept);
    }
    const evals = this.evals.filter((e) => e.step < steps[e.engine]);
    this.evals.splice(0, Infinity, ...evals);
    for (const e of evals) this.plot.addEval(e.engine, e);
  }

  /** Updates the status line and the views; with `evaluate`, also the test-set metrics. */
  private async refresh(evaluate: boolean): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.lastViews = performance.now();
    if (evaluate && session.data.test) {
      this.lastEval = this.lastViews;
      const started = performance.now();
      for (const engine of ['gpu', 'cpu'] as const) {
        const m = await session.evaluate(engine);
        if (!m || session !== this.session || !Number.isFinite(m.testLoss)) continue;
        this.evals.push({ ...m, engine });
        this.plot.addEval(engine, m);
        if (m.predicted && (engine === 'gpu' || !session.gpu)) this.views?.showConfusion(m.predicted, m.rows);
      }
      this.evalInterval = Math.max(EVAL_INTERVAL_MS, 4 * (performance.now() - started));
    }
    if (session !== this.session) return;
    const params = await session.params();
    if (!allFinite(params)) {
      this.divergedAt(session.gpu ? 'gpu' : 'cpu', session.step, 'the parameters stopped being finite numbers');
    } else {
      this.views?.showParams(params);
      await this.math?.update(params, session.step);
      if (!this.diverged) await this.snapshots.offer(session, this.history[session.gpu ? 'gpu' : 'cpu'], { ...this.settings });
    }
    this.updateStatus();
  }

  private updateStatus(): void {
    const session = this.session;
    if (!session) return;
    const now = performance.now();
    if (now - this.rate.time > 1000 && this.running) {
      this.rate = { steps: session.step, time: now, perSecond: ((session.step - this.rate.steps) * 1000) / (now - this.rate.time) };
    }
    const engine = session.gpu ? 'gpu' : 'cpu';
    const last = this.history[engine].slice(-20);
    const loss = last.length ? last.reduce((a, m) => a + m.loss, 0) / last.length : NaN;
    const test = this.evals.filter((e) => e.engine === engine).at(-1);
    const stepsPerEpoch = Math.floor(session.data.train.N / session.config.batch);
    const parts = [
      `step ${session.step.toLocaleString('en')}`,
      `epoch ${(session.step / stepsPerEpoch).toFixed(2)}`,
      `training loss ${Number.isFinite(loss) ? loss.toFixed(4) : '—'}`,
    ];
    if (test?.testAccuracy !== undefined) parts.push(`test accuracy ${(test.testAccuracy * 100).toFixed(1)}%`);
    else if (test) parts.push(`test loss ${test.testLoss.toFixed(4)}`);
    if (this.pcaBound !== null) parts.push(`PCA bound ${this.pcaBound.toFixed(4)}`);
    parts.push(`${Math.round(this.rate.perSecond).toLocaleString('en')} steps/s`);
    parts.push(this.engineLabel());
    this.status(parts.join(' · '));
  }

  private engineLabel(): string {
    const adapter = this.gpu?.adapterName ?? 'no WebGPU';
    if (this.settings.engine === 'cpu') return 'CPU engine (float64 reference)';
    if (this.settings.engine === 'both') return `GPU (${adapter}) and CPU side by side`;
    return `GPU: ${adapter}`;
  }

  private describe(): string {
    const s = this.settings;
    const model = s.model === 'mlp' ? `MLP with ${s.hidden} swish units` : `linear autoencoder with code size ${s.code}`;
    return `${model} on ${s.dataset === 'file' ? (this.userFile?.name ?? 'your file') : s.dataset}, batch ${s.batch}, ${s.optimizer} at lr ${s.lr}`;
  }

  private changed(key: keyof Settings): void {
    const s = this.settings;
    if (key === 'engine' && s.engine !== 'cpu' && !this.gpu) {
      void this.reopenGpu();
      return;
    }
    this.panel.showRelevant(s);
    history.replaceState(null, '', encodeHash(s) || location.pathname + location.search);
    if (LIVE_KEYS.has(key)) {
      if (key === 'logScale') this.plot.setLogScale(s.logScale);
      else void this.session?.setOptimizer(this.optimizer());
      return;
    }
    void this.rebuild();
  }

  private optimizer(): OptimizerSettings {
    const s = this.settings;
    return {
      ...DEFAULT_OPTIMIZER,
      kind: s.optimizer, lr: s.lr, momentum: s.momentum, nesterov: s.nesterov,
      beta1: s.beta1, beta2: s.beta2, weightDecay: s.weightDecay,
    };
  }

  /** A dropped or chosen file: parsed here; a bad one leaves the current run as it is. */
  private async loadFile(file: File): Promise<void> {
    try {
      if (file.size > 512 * 2 ** 20) throw new Error(`${file.name} is larger than 512 MiB`);
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (/\.json$/i.test(file.name)) return this.loadRun(file.name, bytes);
      this.userFile = new UserFileSource(file.name, bytes, this.settings.model === 'mlp');
    } catch (error) {
      this.message(`Could not use ${file.name}: ${(error as Error).message}. The current run is unchanged.`);
      return;
    }
    this.settings.dataset = 'file';
    this.panel.refresh();
    const d = this.userFile.dataset(this.settings.model === 'mlp');
    this.message(`Loaded ${file.name}: ${d.N} rows, ${d.D} features${this.settings.model === 'mlp' ? `, ${d.classes} classes` : ''}.`);
    await this.rebuild();
  }

  /**
   * Saves the run as it is now (the loop pauses while the state is read): a .json checkpoint to
   * continue from, or an .npz of one .npy per tensor for a notebook.
   */
  async saveRun(format: RunFileFormat): Promise<File | null> {
    await this.building;
    const session = this.session;
    if (!session) return null;
    if (this.divergence) {
      this.message('This run has diverged: its numbers are no longer finite. Restore its last good state (or start again), then save.');
      return null;
    }
    const wasRunning = this.running;
    this.running = false;
    let file: File | null = null;
    try {
      const cp = await captureCheckpoint(session, { ...this.settings });
      file = checkpointFile(cp, format, `webgpu-backprop-${this.settings.model}-step-${snapshotSteps(cp).gpu}`);
      download(file);
    } catch (error) {
      this.message(`Could not save the run: ${(error as Error).message}`);
    }
    if (wasRunning) this.play();
    return file;
  }

  /** A saved run (.json): checked whole before anything changes, then rebuilt from its settings and state. */
  private async loadRun(name: string, bytes: Uint8Array): Promise<void> {
    let checkpoint: Checkpoint;
    let settings: Settings;
    try {
      checkpoint = parseCheckpoint(bytes, name);
      const read = readSettings(Object.entries(checkpoint.settings).map(([k, v]) => [k, String(v)]));
      if (read.problems.length > 0) throw new UserError(`its settings are not valid here: ${read.problems.join('; ')}`);
      settings = read.settings;
      if (settings.dataset === 'file' && this.userFile?.name !== checkpoint.data.name) {
        throw new UserError(`it was trained on your file ${checkpoint.data.name}: load that file first, then the run`);
      }
    } catch (error) {
      this.message(`Could not use ${name}: ${(error as Error).message}. The current run is unchanged.`);
      return;
    }
    if (!this.gpu && settings.engine !== 'cpu') settings.engine = 'cpu';
    Object.assign(this.settings, settings);
    this.panel.refresh();
    this.running = false;
    this.building = this.building
      .then(() => this.build(false, checkpoint, false))
      .then(() => this.message(`Loaded ${name}: continuing from step ${snapshotSteps(checkpoint).gpu}.`))
      .catch((e: Error) => this.buildFailed(e, false));
    await this.building;
  }

  private status(text: string): void {
    this.el.status.textContent = text;
  }

  /** Shows a message in the page (a refused file, an ignored link setting, a lost device), with buttons. */
  message(text: string, actions: MessageAction[] = []): void {
    const el = this.el.message;
    el.replaceChildren(text);
    for (const action of actions) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = action.label;
      button.addEventListener('click', () => {
        el.hidden = true;
        action.run();
      });
      el.append(' ', button);
    }
    el.hidden = false;
  }

  /** Puts back the settings of the running session after a refused change. */
  private revertSettings(): void {
    if (!this.applied) return;
    Object.assign(this.settings, this.applied);
    this.panel.refresh();
    this.panel.showRelevant(this.settings);
    history.replaceState(null, '', encodeHash(this.settings) || location.pathname + location.search);
  }

  /** The GPU engine was chosen while there is no device (none at start, or lost for good): try again. */
  private async reopenGpu(): Promise<void> {
    try {
      if (!this.openGpu) throw new Error('this page cannot open a device');
      this.gpu = await this.openGpu();
      this.watchDevice(this.gpu);
    } catch (error) {
      this.settings.engine = 'cpu';
      this.panel.refresh();
      this.message(`No WebGPU device could be opened (${(error as Error).message}), so only the CPU engine can run.`);
      return;
    }
    this.message(`Training on the GPU again: ${this.gpu.adapterName}.`);
    this.changed('engine');
  }

  private watchDevice(gpu: GpuContext): void {
    void gpu.device.lost.then((info) => {
      if (this.gpu === gpu) void this.deviceLost(info);
    });
  }

  /**
   * The device is gone (driver reset, GPU process crash, destroy()): open a new one and continue
   * from the last snapshot, or continue on the CPU engine when no device can be had.
   */
  private async deviceLost(info: GPUDeviceLostInfo): Promise<void> {
    this.recovering = true;
    this.devicesLost++;
    const resume = this.running;
    this.running = false;
    const snapshot = this.snapshots.latest;
    const why = `The GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`;
    this.message(`${why}. Opening a new one…`);
    this.gpu = null;
    let outcome: string;
    try {
      if (!this.openGpu) throw new Error('this page cannot open another device');
      this.gpu = await this.openGpu();
      this.watchDevice(this.gpu);
      outcome = `a new device was opened on ${this.gpu.adapterName}`;
    } catch (error) {
      this.settings.engine = 'cpu';
      this.panel.refresh();
      outcome = `no new device could be opened (${(error as Error).message}), so training goes on with the CPU engine`;
    }
    const from = snapshot ? `from step ${snapshotSteps(snapshot).gpu}, the last snapshot` : 'from the start (there was no snapshot yet)';
    this.building = this.building
      .then(() => this.build(resume, snapshot))
      .then(() => this.message(`${why}; ${outcome}. Training continues ${from}.`))
      .catch((e: Error) => this.message(`${why}, and the run could not be rebuilt: ${e.message}`))
      .finally(() => (this.recovering = false));
    await this.building;
  }
}

/** Whether `device` is lost now or within `ms` milliseconds. */
function lostWithin(device: GPUDevice, ms: number): Promise<boolean> {
  return Promise.race([device.lost.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
}
