// The page's controller: turns settings into a training session, runs it frame by frame, and feeds
// the status line, the plots and the views. Engine work lives in src/train, drawing in the views,
// what happens when a run goes wrong in recovery.ts.
import { UserError } from '../base/errors';
import type { DataSplit } from '../data/dataset';
import { UserFileSource } from '../data/user-file';
import type { GpuContext } from '../gpu/device';
import type { StepMetrics } from '../kernels/metrics';
import { mistakeProblem } from '../reference/mistakes';
import type { OptimizerSettings } from '../reference/optimizer';
import { captureCheckpoint, checkCheckpointFits, checkpointSteps, restoreCheckpoint } from '../train/checkpoint';
import type { Checkpoint } from '../train/checkpoint-format';
import { parseCheckpoint } from '../train/checkpoint-reader';
import { canShareMemory } from '../cpu/wasm-module';
import { CpuEngine } from '../train/cpu-engine';
import { ENGINE_NAMES, type Engine, type EngineId } from '../train/engine';
import { GpuEngine } from '../train/gpu-engine';
import { MetricsLog } from '../train/metrics-log';
import { pcaBoundAsync } from '../train/pca-bound';
import { exerciseMistake } from '../train/exercise';
import { optimizerOf, planRun, sameValue } from '../train/run-settings';
import { Session, type SessionConfig, type TestMetrics } from '../train/session';
import { allFinite, lossGaveBack } from '../train/snapshot';
import { loadPageData, watchMnistDownload } from './data-source';
import { mountBenchSection } from './bench/bench-section';
import { benchTarget } from './bench/bench-target';
import { buildStatus, downloadStatus, readyStatus } from './build-status';
import { ModelViews } from './model-views';
import { MathViews, type GradCheckSummary } from './math/math-views';
import { RunCurves, runFingerprint } from './math/run-curves';
import { formatNumber } from './format';
import { Panel } from './panel';
import { RunBar } from './run-bar';
import { LossPlot } from './plots/loss-plot';
import { download, checkpointFile, type RunFileFormat } from './run-files';
import { lostWithin, Recovery, type MessageAction, type OpenGpu, type RecoveryHost } from './recovery';
import { decodeHash, encodeHash, ENGINES_OF, LIVE_KEYS, needsGpu, readSettings, type Settings } from './settings';
import { applyHiddenSections, copyText, hiddenSettings, PRESETS, readHide, withHide } from './teacher';

export interface AppElements {
  panel: HTMLElement;
  /** Where the run controls go (the play/pause toggle, one step, reset), beside the status line. */
  runBar: HTMLElement;
  status: HTMLElement;
  /** Warnings and errors (role="alert"). */
  message: HTMLElement;
  /** Information: a loaded file, a setting adjusted to fit. */
  notice: HTMLElement;
  /** The first screen: the network diagram, the main output and the loss plot (`plots`). */
  stage: HTMLElement;
  plots: HTMLElement;
  views: HTMLElement;
}

/** How often the views and the test-set metrics are refreshed while training. */
const VIEW_INTERVAL_MS = 600;
const EVAL_INTERVAL_MS = 2000;
/** In a race, the status line between refreshes (it reads only what the engines have reported). */
const STATUS_INTERVAL_MS = 250;

export type { MessageAction, OpenGpu };

export class App {
  readonly settings: Settings;
  /** The recent steps' metrics per engine, kept across rebuilds of the same run. */
  readonly log = new MetricsLog();
  /** Every test-set evaluation, per engine (read by the tests). */
  readonly evals: Array<TestMetrics & { engine: EngineId }> = [];
  pcaBound: number | null = null;
  private isRunning = false;
  private readonly runBar: RunBar;
  private readonly recovery: Recovery;
  /** The settings the running session was built with: what a refused change goes back to. */
  private applied: Settings | null = null;
  /** The training loop that may run: a frame of an older loop stops. */
  private loop = 0;
  private session: Session | null = null;
  private building: Promise<void> = Promise.resolve();
  private userFile: UserFileSource | null = null;
  private readonly panel: Panel;
  private readonly plot: LossPlot;
  private views: ModelViews | null = null;
  private math: MathViews | null = null;
  /** Loss curves of the last correct run and of the last run with each mistake, kept across rebuilds to compare. */
  private readonly runs = new RunCurves();
  /** The find-the-bug exercise's mistake was shown (after the student's pick): later rebuilds name it too. */
  private exerciseRevealed = false;
  private lastViews = 0;
  private lastEval = 0;
  private lastStatus = 0;
  /** A race's refresh is under way (see refreshRace). */
  private refreshing = false;
  /** Grows with the cost of an evaluation, so that it never takes more than a fifth of the time. */
  private evalInterval = EVAL_INTERVAL_MS;
  /** Each engine's steps per second while running, measured over a second or more. */
  private rates = new Map<EngineId, { steps: number; time: number; perSecond: number }>();
  /** The loop whose race is started (see startRace). */
  private raceLoop = 0;
  /** Controls and sections the link hides (teacher mode: `hide=`). */
  private hide: string[] = [];
  /** Rebuilds asked for so far: a rebuild still waiting for its data when a newer one is asked gives way to it. */
  private rebuildsAsked = 0;
  /** Ends the wait of the rebuild that waits for its data (see rebuild). */
  private giveWay: (() => void) | null = null;
  /** MNIST's download progress while it is in flight ("Loading MNIST: 3.2 of 11.2 MB (28%)"), else null. */
  private download: string | null = null;
  /** The status line's own text, which the download's progress follows while it is in flight. */
  private statusText = '';
  /** The build in progress, from stopping the old run to the new one's Ready (none while a rebuild only waits for its data). */
  private swapping: Promise<void> = Promise.resolve();
  private inBuild = false;

  constructor(
    private readonly el: AppElements,
    private gpu: GpuContext | null,
    openGpu: OpenGpu | null = null,
  ) {
    const { settings, problems } = decodeHash(location.hash);
    const hidden = readHide(location.hash);
    problems.push(...hidden.problems);
    this.hide = hidden.hide;
    this.settings = settings;
    this.runBar = new RunBar(
      el.runBar,
      {
        toggle: () => (this.running ? this.pause() : this.play()),
        step: () => void this.stepOnce(),
        reset: () => void this.rebuild(),
        copyLink: () => void this.copyLink(),
        preset: (hash) => {
          location.hash = withHide(hash, this.hide); // applied by hashchange, as an edited link is
        },
      },
      PRESETS,
    );
    this.recovery = new Recovery(this.recoveryHost(), openGpu);
    if (!gpu && needsGpu(settings.engine)) settings.engine = 'cpu';
    if (problems.length > 0) this.message(`Some settings in the link were ignored: ${problems.join('; ')}.`);
    this.plot = new LossPlot(el.plots);
    mountBenchSection(el.views, {
      gpu: () => this.gpu,
      current: () => benchTarget(this.session?.config ?? null, this.settings),
      pauseTraining: () => {
        if (!this.running) return false;
        this.pause();
        return true;
      },
    });
    this.panel = new Panel(el.panel, settings, {
      changed: (key) => this.changed(key),
      loadFile: (file) => void this.loadFile(file),
      saveRun: (format) => void this.saveRun(format),
    });
    this.panel.hideControls(hiddenSettings(this.hide));
    applyHiddenSections(this.hide);
    this.panel.showRelevant(settings);
    this.plot.setLogScale(settings.logScale);
    if (gpu) this.recovery.watch(gpu, () => this.gpu);
    watchMnistDownload({
      progress: (loaded, total) => this.downloadProgress(loaded, total),
      // However the download ends, and whoever still waits for it, its progress leaves the status line.
      ended: () => {
        this.download = null;
        this.showStatus();
      },
    });
    window.addEventListener('hashchange', () => this.applyHash());
    window.addEventListener('dragover', (e) => e.preventDefault());
    window.addEventListener('drop', (e) => {
      e.preventDefault();
      const file = e.dataTransfer?.files[0];
      if (file) void this.loadFile(file);
    });
  }

  /**
   * A link edited in the address bar (or followed within the page): its settings replace the
   * current ones, live where they can be, with a rebuild otherwise; a bad value is ignored with a
   * message, as when the page opens.
   */
  private applyHash(): void {
    const { settings, problems } = decodeHash(location.hash);
    const hidden = readHide(location.hash);
    problems.push(...hidden.problems);
    this.hide = hidden.hide;
    this.panel.hideControls(hiddenSettings(this.hide));
    applyHiddenSections(this.hide);
    if (problems.length > 0) this.message(`Some settings in the link were ignored: ${problems.join('; ')}.`);
    if (!this.gpu && needsGpu(settings.engine)) settings.engine = 'cpu';
    // A file of yours cannot travel in a link: one that names no data set keeps training on it.
    if (this.settings.dataset === 'file' && !new URLSearchParams(location.hash.slice(1)).has('dataset')) settings.dataset = 'file';
    const changed = (Object.keys(settings) as Array<keyof Settings>).filter((k) => !sameValue(settings[k], this.settings[k]));
    if (changed.length === 0) return;
    if (changed.includes('exercise')) this.exerciseRevealed = false;
    Object.assign(this.settings, settings);
    this.panel.refresh();
    this.panel.showRelevant(this.settings);
    if (changed.every((k) => LIVE_KEYS.has(k))) {
      this.plot.setLogScale(this.settings.logScale);
      void this.session?.setOptimizer(optimizerOf(this.settings));
      this.readyAgain();
      return;
    }
    void this.rebuild();
  }

  /** A live change before the first step: the "Ready" line names the new settings, not the old. */
  private readyAgain(): void {
    const session = this.session;
    if (session && !this.running && session.step === 0)
      this.status(readyStatus(this.describe(), session.stepEstimate, session.config.spec.kind, 'Press play.'));
  }

  /** Whether training runs; the run bar's toggle and the status line follow it. */
  get running(): boolean {
    return this.isRunning;
  }

  set running(on: boolean) {
    if (on === this.isRunning) return;
    this.isRunning = on;
    this.runBar.show(on);
    if (!on && this.session) this.updateStatus();
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
  get snapshot(): Checkpoint | null {
    return this.recovery.snapshots.latest;
  }

  /** How many times a lost GPU device was replaced (read by the tests). */
  get devicesLost(): number {
    return this.recovery.devicesLost;
  }

  /** Whether the run diverged (read by the tests). */
  get diverged(): boolean {
    return this.recovery.diverged;
  }

  /** The kept metrics of each engine, oldest first (read by the tests). */
  get history(): Record<EngineId, readonly StepMetrics[]> {
    return { gpu: this.log.of('gpu'), cpu: this.log.of('cpu'), reference: this.log.of('reference') };
  }

  get step(): number {
    return this.session?.step ?? 0;
  }

  /** The last gradient check, per tensor (read by the tests). */
  get gradCheck(): GradCheckSummary | null {
    return this.math?.gradCheck ?? null;
  }

  /** The math views of the current run: PCA angles, activation statistics (read by the tests). */
  get mathViews(): MathViews | null {
    return this.math;
  }

  /** The optimizer settings the engines use right now. */
  get optimizerInUse(): OptimizerSettings | null {
    return this.session?.optimizer ?? null;
  }

  /** The loss card's |GPU − CPU| chart as drawn (read by the tests); null unless both engines report. */
  get lossDifference(): LossPlot['engineDifference'] {
    return this.plot.engineDifference;
  }

  /**
   * Builds data and engines for the current settings; the old session's GPU buffers are destroyed.
   * The current run goes on while the data loads (MNIST's first download takes a while: a 2-D set
   * trains meanwhile), and a newer rebuild takes over from one still waiting for its data (back to
   * a 2-D set before MNIST is in: at once, with the download going on for later).
   */
  rebuild(): Promise<void> {
    const asked = this.takeOver();
    this.building = this.building
      .catch(() => {})
      .then(async () => {
        let data: DataSplit | null;
        try {
          data = await this.dataFor(asked);
        } catch (error) {
          return this.buildFailed(error as Error, false); // the run, never stopped, goes on
        }
        if (!data) return; // a newer rebuild takes over
        const wasRunning = this.running;
        this.running = false;
        await this.swap(() => this.build(wasRunning, null, false, data).catch((e: Error) => this.buildFailed(e, wasRunning)));
      });
    return this.building;
  }

  /**
   * Ends the wait of a rebuild that still waits for its data, so that work queued from now on (a
   * newer rebuild, a loaded run, a recovery) comes next; returns the new rebuild's number.
   */
  private takeOver(): number {
    this.giveWay?.();
    return ++this.rebuildsAsked;
  }

  /** Runs a build as the one in progress (see swapping). */
  private swap(work: () => Promise<void>): Promise<void> {
    const done = (async () => {
      this.inBuild = true;
      try {
        await work();
      } finally {
        this.inBuild = false;
      }
    })();
    this.swapping = done;
    return done;
  }

  /** The data for the current settings, or null once a newer rebuild is asked for (see rebuild). */
  private async dataFor(asked: number): Promise<DataSplit | null> {
    if (asked !== this.rebuildsAsked) return null;
    const s = this.settings;
    if (!this.session) this.status('Loading data…');
    const loading = loadPageData(s, this.userFile?.dataset(s.model === 'mlp') ?? null);
    const gaveWay = new Promise<null>((resolve) => {
      this.giveWay = () => resolve(null);
    });
    try {
      return await Promise.race([loading, gaveWay]);
    } finally {
      this.giveWay = null;
    }
  }

  /** MNIST's download progress: the status line itself before there is a run, ahead of the run's own line while one goes on. */
  private downloadProgress(loaded: number, total: number): void {
    const text = downloadStatus('MNIST', loaded, total);
    this.download = loaded < total ? text : null;
    // Before the first run, the download is the news; else it follows what the line says.
    if (!this.session && !this.inBuild) this.status(text);
    else this.showStatus();
  }

  /**
   * A build failed. Before the running session was let go, its settings come back and it goes on;
   * after (the GPU ran out of memory, say), the settings that worked are rebuilt from their last
   * snapshot; with none, the reference engine takes over.
   */
  private async buildFailed(error: Error, resume: boolean): Promise<void> {
    // A build that failed because the device was lost is deviceLost's to handle.
    if (this.recovery.recovering || (this.gpu && (await lostWithin(this.gpu.device, 100)))) return;
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
    } else if (this.settings.engine !== 'cpu' && this.settings.engine !== 'reference') {
      this.settings.engine = 'cpu';
      this.panel.refresh();
      fallback = `training runs on the CPU engine, ${ENGINE_NAMES.cpu}, instead`;
    } else if (this.settings.engine === 'cpu') {
      // Where the WebAssembly engine cannot run (no SIMD, no memory for it), the float64 one still can.
      this.settings.engine = 'reference';
      this.panel.refresh();
      fallback = `training runs on the ${ENGINE_NAMES.reference} instead`;
    } else {
      this.message(error.message);
      return;
    }
    const snapshot = previous ? this.recovery.snapshots.latest : null;
    try {
      await this.build(resume, snapshot);
      this.message(`Not applied: ${error.message}. ${fallback[0]!.toUpperCase()}${fallback.slice(1)}.`);
    } catch (again) {
      this.message(`${error.message}; and then: ${(again as Error).message}`);
    }
  }

  play(): void {
    if (this.running || !this.session) return;
    if (this.recovery.diverged) {
      this.recovery.showDivergence();
      return;
    }
    this.running = true;
    for (const engine of this.session.engines) {
      this.rates.set(engine.id, { steps: engine.step, time: performance.now(), perSecond: this.rates.get(engine.id)?.perSecond ?? 0 });
    }
    const loop = ++this.loop;
    requestAnimationFrame(() => void this.frame(loop));
  }

  pause(): void {
    this.running = false;
    void this.session?.flush().then(() => this.refresh(true));
  }

  async stepOnce(): Promise<void> {
    await this.swapping; // not the data a rebuild waits for: the run that shows goes on meanwhile
    if (!this.session || this.running) return;
    if (this.recovery.diverged) return this.recovery.showDivergence();
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
  private async build(resume: boolean, restore: Checkpoint | null = null, continues = restore !== null, loaded: DataSplit | null = null): Promise<void> {
    const s = this.settings;
    if (!loaded) this.status('Loading data…');
    const data = loaded ?? (await loadPageData(s, this.userFile?.dataset(s.model === 'mlp') ?? null));
    if (s.exercise > 0) s.mistake = exerciseMistake(s.exercise, s.model, s.model === 'mlp' ? s.activation : null);
    const { plan, adjusted } = planRun(s, data);
    const notes = adjusted.map((a) => a.note);
    if (plan.mistake !== s.mistake) {
      notes.push(`${mistakeProblem(s.mistake, s.model, s.model === 'mlp' ? s.activation : null)}, so this run makes none`);
      s.mistake = 'none';
    }
    for (const a of adjusted) s[a.key] = a.to;
    if (s.model === 'mlp' && data.train.classes < 2 && !data.test) notes.push('the data has one class only');
    if (notes.length > 0) this.notice(`Note: ${notes.join('; ')}.`);
    const config: SessionConfig = { ...plan, engines: [...ENGINES_OF[s.engine]] };
    if (this.gpu) Session.checkFits(config, data, this.gpu.device.limits);
    if (restore) checkCheckpointFits({ config, data }, restore);
    this.panel.refresh();
    this.panel.showRelevant(s);
    this.session?.destroy();
    this.session = null;
    this.pcaBound = null;
    this.recovery.clearDivergence();
    this.plot.setReference(null, '');
    this.status('Building the model…');
    const session = await Session.create(config, data, this.gpu?.device ?? null, { estimate: true, onProgress: (p) => this.status(buildStatus(p)) });
    if (restore) {
      try {
        await restoreCheckpoint(session, restore);
        await session.setOptimizer(plan.optimizer); // the panel's optimizer, which may be newer than the snapshot's
      } catch (error) {
        session.destroy();
        throw error;
      }
    }
    this.cutBack(restore && continues ? checkpointSteps(restore) : { gpu: 0, cpu: 0, reference: 0 });
    this.recovery.snapshots.reset(restore);
    this.applied = { ...s };
    session.onMetrics = (engine, metrics) => this.onMetrics(engine, metrics);
    this.session = session;
    this.views?.destroy();
    this.views = new ModelViews(this.el.stage, this.el.views, plan.spec, data, {
      forward: (X, rows) => session.leader.forwardLayers(X, rows),
      gradient: async (tensor, index) => (await session.leader.readGrads())?.[tensor]?.[index] ?? null,
      reshape: (hidden) => {
        this.settings.hidden = hidden;
        this.panel.refresh();
        this.changed('hidden');
      },
      activation: s.activation,
    });
    this.math?.destroy();
    const hidden = s.exercise > 0 && !this.exerciseRevealed;
    this.runs.start(hidden ? 'exercise' : plan.mistake, runFingerprint(s));
    // The gradient check compares the GPU's own kernels with the reference, when the run has them.
    const gpu = session.engine('gpu');
    this.math = new MathViews(
      this.el.views,
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
        readParams: () => session.params(),
        step: () => session.step,
        batchAt: (step, rows) => session.batchAt(step, rows),
      },
      this.runs,
    );
    if (plan.spec.kind === 'autoencoder') {
      const code = plan.spec.shape.m;
      void pcaBoundAsync(data.train, code).then(
        (bound) => {
          if (this.session !== session) return;
          this.pcaBound = bound;
          this.plot.setReference(bound, `PCA bound ½Σλⱼ (j > ${code})`);
        },
        (error: Error) => {
          if (this.session === session) this.message(`The PCA bound could not be computed: ${error.message}`);
        },
      );
    }
    this.writeHash();
    await this.refresh(true);
    this.status(readyStatus(this.describe(), session.stepEstimate, plan.spec.kind, restore ? `Continuing from step ${session.step}.` : 'Press play.'));
    if (resume) this.play();
  }

  /** One frame of the training loop `loop` (a pause and a play start a new loop; the old one ends). */
  private async frame(loop: number): Promise<void> {
    const session = this.session;
    if (!this.running || !session || loop !== this.loop) return;
    try {
      // The run's engines, whatever the panel says while the next run's data loads.
      const now = performance.now();
      if (this.applied?.engine === 'both') {
        this.startRace(session, loop);
        // The engines race on their own, so the frames do not wait for the views: a refresh reads
        // back from engines busy training (seconds on a slow GPU) while the status line, which
        // needs nothing read back, keeps up with the steps.
        if (!this.refreshing && now - this.lastViews > VIEW_INTERVAL_MS) void this.refreshRace(session, loop, now - this.lastEval > this.evalInterval);
        else if (now - this.lastStatus > STATUS_INTERVAL_MS) this.updateStatus();
      } else {
        session.run(this.settings.stepsPerFrame);
        await session.throttle();
        if (now - this.lastViews > VIEW_INTERVAL_MS) {
          await session.flush();
          await this.refresh(now - this.lastEval > this.evalInterval);
        }
      }
    } catch (error) {
      await this.trainingFailed(error, session, loop);
      return;
    }
    if (this.running && this.session === session && loop === this.loop) requestAnimationFrame(() => void this.frame(loop));
  }

  /** A race's refresh, in the background of the frames; one at a time. */
  private async refreshRace(session: Session, loop: number, evaluate: boolean): Promise<void> {
    this.refreshing = true;
    try {
      await session.flush();
      await this.refresh(evaluate);
    } catch (error) {
      await this.trainingFailed(error, session, loop);
    } finally {
      this.refreshing = false;
    }
  }

  /** "GPU and CPU": each engine trains at its own pace (Session.race) while the frames only draw. */
  private startRace(session: Session, loop: number): void {
    if (this.raceLoop === loop) return;
    this.raceLoop = loop;
    const going = () => this.running && this.session === session && this.loop === loop;
    const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
    session.race(() => this.settings.stepsPerFrame, going, nextFrame).catch((error: unknown) => this.trainingFailed(error, session, loop));
  }

  private async trainingFailed(error: unknown, session: Session, loop: number): Promise<void> {
    // A lost device fails whatever was in flight: deviceLost reports it and carries on.
    if (session !== this.session || this.recovery.recovering || loop !== this.loop) return;
    if (this.gpu && (await lostWithin(this.gpu.device, 500))) return;
    if (!this.running) return; // a second engine of a race failing too: already said
    this.running = false;
    this.message(`Training stopped: ${(error as Error).message}`);
  }

  /** Keeps only finite metrics: a non-finite loss pauses the run instead of reaching a plot. */
  private onMetrics(engine: EngineId, metrics: StepMetrics[]): void {
    const bad = metrics.find((m) => !Number.isFinite(m.loss));
    const good = bad ? metrics.filter((m) => m.step < bad.step) : metrics;
    this.log.add(engine, good);
    this.plot.addSteps(engine, good);
    this.math?.addSteps(engine, good);
    if (bad) this.recovery.divergedAt(engine, bad.step, `the loss stopped being a finite number (${bad.loss})`);
  }

  /** Puts the run back to its last snapshot, optionally with a new learning rate, paused. */
  restoreLastGood(lr: number | null): Promise<void> {
    return this.recovery.restoreLastGood(lr);
  }

  /** Forgets each engine's metrics and evaluations from its `steps` on (a restored run trains those again); redraws the plot. */
  private cutBack(steps: Record<EngineId, number>): void {
    this.log.cutBack(steps);
    this.plot.clear();
    for (const engine of ['gpu', 'cpu', 'reference'] as const) this.plot.addSteps(engine, this.log.of(engine));
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
      for (const { id } of session.engines) {
        const m = await session.evaluate(id);
        if (!m || session !== this.session || !Number.isFinite(m.testLoss)) continue;
        this.evals.push({ ...m, engine: id });
        this.plot.addEval(id, m);
        if (m.predicted && id === session.leader.id) this.views?.showConfusion(m.predicted, m.rows);
      }
      this.evalInterval = Math.max(EVAL_INTERVAL_MS, 4 * (performance.now() - started));
    }
    if (session !== this.session) return;
    const params = await session.params();
    if (!allFinite(params)) {
      this.recovery.divergedAt(session.leader.id, session.step, 'the parameters stopped being finite numbers');
    } else {
      await this.views?.showParams(params, session.step);
      await this.math?.update(params, session.step);
      const losses = this.log.of(session.leader.id);
      if (!this.diverged) await this.recovery.snapshots.offer(session, losses, { ...(this.applied ?? this.settings) }); // the run's settings, not a pending change's
      const classes = session.config.spec.kind === 'mlp' ? session.config.spec.shape.C : 0;
      if (lossGaveBack(losses, classes)) this.recovery.warnGaveBack(session.leader.id, session.step);
    }
    this.updateStatus();
  }

  private updateStatus(): void {
    const session = this.session;
    if (!session) return;
    const now = performance.now();
    this.lastStatus = now;
    for (const engine of session.engines) {
      const rate = this.rates.get(engine.id);
      if (!rate) this.rates.set(engine.id, { steps: engine.step, time: now, perSecond: 0 });
      else if (now - rate.time > 1000 && this.running) {
        this.rates.set(engine.id, { steps: engine.step, time: now, perSecond: ((engine.step - rate.steps) * 1000) / (now - rate.time) });
      }
    }
    const engine = session.leader.id;
    const loss = this.log.recentLoss(engine, 20);
    const test = this.evals.filter((e) => e.engine === engine).at(-1);
    const stepsPerEpoch = Math.floor(session.data.train.N / session.config.batch);
    const parts = [
      `step ${session.step.toLocaleString('en')}`,
      `epoch ${(session.step / stepsPerEpoch).toFixed(2)}`,
      `training loss ${Number.isFinite(loss) ? formatNumber(loss) : '—'}`,
    ];
    // An evaluation well behind the steps (a race's GPU, busy training, answers late) says its step.
    const at = test && session.step - test.step > Math.max(100, 0.2 * session.step) ? ` (step ${test.step.toLocaleString('en')})` : '';
    if (test?.testAccuracy !== undefined) parts.push(`test accuracy ${(test.testAccuracy * 100).toFixed(1)}%${at}`);
    else if (test) parts.push(`test loss ${formatNumber(test.testLoss)}${at}`);
    if (this.pcaBound !== null) parts.push(`PCA bound ${formatNumber(this.pcaBound)}`);
    // A rate while running (once one has been measured); "paused" otherwise, never "0 steps/s".
    if (!this.running) parts.push('paused');
    if (session.engines.length === 1) {
      const perSecond = this.rates.get(engine)?.perSecond ?? 0;
      // One engine trains a few steps per animation frame, so that every frame draws: the rate is
      // the frames' (the race, where engines run freely, shows what the engines can do).
      if (this.running && perSecond > 0) parts.push(`${formatRate(perSecond)} steps/s (up to ${this.settings.stepsPerFrame} per frame)`);
      parts.push(this.engineName(session.leader));
    } else {
      // Side by side: each engine's name, step and speed (in a race the steps differ).
      const each = session.engines.map((e) => {
        const perSecond = this.rates.get(e.id)?.perSecond ?? 0;
        const speed = this.running && perSecond > 0 ? ` at ${formatRate(perSecond)} steps/s` : '';
        return `${this.engineName(e, true)} step ${e.step.toLocaleString('en')}${speed}`;
      });
      parts.push(`${each.join(', ')}${this.applied?.engine === 'both' ? ', racing' : ', side by side'}`);
    }
    this.status(parts.join(' · '));
  }

  /** An engine as the status line names it (`short`: the side-by-side form, "GPU (adapter)"). */
  private engineName(engine: Engine, short = false): string {
    if (engine.id === 'gpu') return short ? `GPU (${this.gpu?.adapterName ?? 'no WebGPU'})` : `GPU: ${this.gpu?.adapterName ?? 'no WebGPU'}`;
    // "CPU (float32, 2 threads)" says what it is; the reference's name needs its CPU.
    if (engine instanceof CpuEngine) return cpuEngineName(engine);
    return short ? ENGINE_NAMES.reference : `CPU: ${ENGINE_NAMES.reference}`;
  }

  private describe(): string {
    const s = this.settings;
    const layers = s.hidden.length === 1 ? `${s.hidden[0]} ${s.activation} units` : `${s.hidden.length} ${s.activation} layers (${s.hidden.join('-')} units)`;
    const model = s.model === 'mlp' ? `MLP with ${layers}` : `linear autoencoder with code size ${s.code}`;
    return `${model} on ${s.dataset === 'file' ? (this.userFile?.name ?? 'your file') : s.dataset}, batch ${s.batch}, ${s.optimizer} at lr ${s.lr}`;
  }

  private changed(key: keyof Settings): void {
    const s = this.settings;
    if (key === 'engine' && needsGpu(s.engine) && !this.gpu) {
      void this.reopenGpu();
      return;
    }
    this.panel.showRelevant(s);
    this.writeHash();
    if (LIVE_KEYS.has(key)) {
      if (key === 'logScale') this.plot.setLogScale(s.logScale);
      else void this.session?.setOptimizer(optimizerOf(s));
      this.readyAgain();
      return;
    }
    void this.rebuild();
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
    this.notice(`Loaded ${file.name}: ${d.N} rows, ${d.D} features${this.settings.model === 'mlp' ? `, ${d.classes} classes` : ''}.`);
    await this.rebuild();
  }

  /**
   * Saves the run as it is now (the loop pauses while the state is read): a .json checkpoint to
   * continue from, or an .npz of one .npy per tensor for a notebook.
   */
  async saveRun(format: RunFileFormat): Promise<File | null> {
    await this.swapping; // the run that shows, even while a rebuild waits for its data
    const session = this.session;
    if (!session) return null;
    if (this.recovery.diverged) {
      this.message('This run has diverged: its numbers are no longer finite. Restore its last good state (or start again), then save.');
      return null;
    }
    const wasRunning = this.running;
    this.running = false;
    let file: File | null = null;
    try {
      // An exercise's file names its seed, not its mistake (the seed gives it back on loading).
      const { mistake, ...rest } = this.settings;
      const cp = await captureCheckpoint(session, this.settings.exercise > 0 ? rest : { ...rest, mistake });
      file = checkpointFile(cp, format, `webgpu-backprop-${this.settings.model}-step-${session.step}`);
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
    if (!this.gpu && needsGpu(settings.engine)) settings.engine = 'cpu';
    if (this.giveWay) this.revertSettings(); // a rebuild waiting for its data: what a refused load goes back to is the run's
    this.takeOver();
    Object.assign(this.settings, settings);
    this.panel.refresh();
    this.running = false;
    this.building = this.building
      .catch(() => {})
      .then(() => this.swap(() => this.build(false, checkpoint, false)))
      .then(() => this.notice(`Loaded ${name}: continuing from step ${this.step}.`))
      .catch((e: Error) => this.buildFailed(e, false));
    await this.building;
  }

  /** The address bar holds the current settings (a link to this run), without adding a history entry. */
  private writeHash(): void {
    history.replaceState(null, '', withHide(encodeHash(this.settings), this.hide) || location.pathname + location.search);
  }

  /** Copies the link to this run (its settings and hide list) for a student or a slide. */
  private async copyLink(): Promise<void> {
    this.writeHash();
    const link = location.href;
    if (await copyText(link)) this.notice(`Link copied: ${link}`);
    else this.notice(`Copy this link (the browser did not allow the page to copy it): ${link}`);
  }

  private status(text: string): void {
    this.statusText = text;
    this.showStatus();
  }

  private showStatus(): void {
    const { download, statusText } = this;
    // The download first: it is the news (the panel already names MNIST), the run's own line after it.
    this.el.status.textContent = download && statusText !== download ? `${download} · ${statusText}` : statusText;
  }

  /** Shows information (a loaded file, an adjusted setting) apart from the warnings; a close button hides it. */
  notice(text: string): void {
    const el = this.el.notice;
    el.replaceChildren(text, ' ', closeButton(el));
    el.hidden = false;
  }

  /** Shows a warning or an error in the page (a refused file, an ignored link setting, a lost device), with buttons. */
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
    el.append(' ', closeButton(el));
    el.hidden = false;
  }

  /** Puts back the settings of the running session after a refused change. */
  private revertSettings(): void {
    if (!this.applied) return;
    Object.assign(this.settings, this.applied);
    this.panel.refresh();
    this.panel.showRelevant(this.settings);
    this.writeHash();
  }

  /** The GPU engine was chosen while there is no device (none at start, or lost for good): try again. */
  private async reopenGpu(): Promise<void> {
    const gpu = await this.recovery.reopen();
    if (!gpu) return;
    this.gpu = gpu;
    this.recovery.watch(gpu, () => this.gpu);
    this.notice(`Training on the GPU again: ${gpu.adapterName}.`);
    this.changed('engine');
  }

  /** What recovery.ts may do to this controller. */
  private recoveryHost(): RecoveryHost {
    return {
      settings: this.settings,
      session: () => this.session,
      running: () => this.running,
      stop: () => (this.running = false),
      chain: (work, failed) => {
        // A rebuild waiting for its data gives way, and its settings go back to the run's.
        if (this.giveWay) this.revertSettings();
        this.takeOver();
        this.building = this.building
          .catch(() => {})
          .then(() => this.swap(work))
          .catch(failed);
        return this.building;
      },
      build: (resume, from) => this.build(resume, from),
      rebuild: () => this.rebuild(),
      restored: async (steps) => {
        const session = this.session!;
        await session.setOptimizer(optimizerOf(this.settings));
        this.cutBack(steps);
        this.runs.cutBack(steps[session.leader.id]); // redrawn by the next refresh
      },
      redraw: () => this.refresh(false),
      setLearningRate: (lr) => {
        this.settings.lr = lr;
        this.panel.refresh();
        this.writeHash();
        if (this.applied) this.applied.lr = lr;
      },
      useCpuEngine: () => {
        this.settings.engine = 'cpu';
        this.panel.refresh();
      },
      setGpu: (gpu) => {
        this.gpu = gpu;
        if (gpu) this.recovery.watch(gpu, () => this.gpu);
      },
      message: (text, actions) => this.message(text, actions),
      hideMessage: () => (this.el.message.hidden = true),
      status: (text) => this.status(text),
      describe: () => this.describe(),
    };
  }
}

/** The × that hides a banner. */
function closeButton(banner: HTMLElement): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'banner-close';
  button.textContent = '×';
  button.title = 'Hide this message';
  button.setAttribute('aria-label', 'hide this message');
  button.addEventListener('click', () => (banner.hidden = true));
  return button;
}

/** "CPU (float32, 4 threads)", or why there is one thread only. */
function cpuEngineName(engine: CpuEngine): string {
  const n = engine.threadCount;
  const alone = n === 1 && !canShareMemory() ? ': the page is not cross-origin isolated' : '';
  return `CPU (float32, ${n} thread${n === 1 ? '' : 's'}${alone})`;
}

/** Steps per second for the status line: whole numbers, three significant digits below 10. */
function formatRate(perSecond: number): string {
  return perSecond >= 10 ? Math.round(perSecond).toLocaleString('en') : perSecond.toPrecision(2);
}
