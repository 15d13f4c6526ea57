// The page's controller: wiring only. Each job has its owner: the build queue (sessions), the
// training loop (frames), the run's views, the status line, the banners, the link, the page's
// files, and recovery (a run gone wrong). The settings are one object, edited by the panel and the
// link; a change applies live where it can and rebuilds otherwise.
import type { GpuContext } from '../gpu/device';
import type { StepMetrics } from '../kernels/metrics';
import type { OptimizerSettings } from '../reference/optimizer';
import type { EngineId } from '../train/engine';
import { optimizerOf, sameValue } from '../train/run-settings';
import type { Session, TestMetrics } from '../train/session';
import { mountBenchSection } from './bench/bench-section';
import { benchTarget } from './bench/bench-target';
import { Banners } from './banners';
import { BuildQueue } from './build-queue';
import { downloadStatus, readyStatus } from './build-status';
import { loadPageData, watchMnistDownload } from './data-source';
import { LinkSync, type ReadLink } from './link-sync';
import type { GradCheckSummary } from './math/math-views';
import type { PcaPoint } from './math/pca-metrics';
import { PageFiles } from './page-files';
import { Panel } from './panel';
import { plainWords } from './plain-words';
import { lostWithin, Recovery, type MessageAction, type OpenGpu } from './recovery';
import { RunBar } from './run-bar';
import type { RunFileFormat } from './run-files';
import { RunViews } from './run-views';
import { LIVE_KEYS, needsGpu, type PageSettings } from './settings';
import { describeRun, StatusLine } from './status-line';
import { applyHiddenSections, copyText, hiddenSettings, PRESETS } from './teacher';
import { TrainingLoop } from './training-loop';

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

/** The page's state at one moment, as plain data (what the end-to-end tests read). */
export interface PageInspection {
  step: number;
  running: boolean;
  /** Play was pressed during a build: the run starts when it is ready. */
  startsWhenReady: boolean;
  building: boolean;
  status: string;
  banners: { message: string | null; notice: string | null };
  pcaBound: number | null;
  history: Record<EngineId, readonly StepMetrics[]>;
  evals: ReadonlyArray<TestMetrics & { engine: EngineId }>;
  settings: PageSettings;
  /** The settings the running session was built with. */
  applied: PageSettings | null;
  optimizerInUse: OptimizerSettings | null;
  lossDifference: { steps: readonly number[]; values: ReadonlyArray<number | null> } | null;
  gradCheck: GradCheckSummary | null;
  pcaHistory: readonly PcaPoint[] | null;
  /** The GPU engine's step in the last healthy state of the run; null before there is one. */
  snapshot: { gpuStep: number | null } | null;
  diverged: boolean;
  devicesLost: number;
  trainFeatures: number | null;
  /** The last step of each smoothed curve kept for the comparison, by mistake ('none': the correct run). */
  curveEnds: Record<string, number | undefined>;
}

export type { MessageAction, OpenGpu };

export class App {
  readonly settings: PageSettings;
  private readonly status: StatusLine;
  private readonly banners: Banners;
  private readonly link = new LinkSync();
  private readonly runBar: RunBar;
  private readonly panel: Panel;
  private readonly recovery: Recovery;
  private readonly views: RunViews;
  private readonly loop: TrainingLoop;
  private readonly queue: BuildQueue;
  private readonly files: PageFiles;

  constructor(
    el: AppElements,
    private gpu: GpuContext | null,
    openGpu: OpenGpu | null = null,
  ) {
    this.status = new StatusLine(el.status);
    this.banners = new Banners(el.message, el.notice);
    const start = this.link.read();
    this.settings = start.settings;
    this.fitEngine(this.settings);
    this.runBar = new RunBar(
      el.runBar,
      {
        toggle: () => (this.loop.running || this.loop.startsWhenReady ? this.loop.pause() : this.loop.play()),
        step: () => void this.loop.stepOnce(),
        reset: () => void this.rebuild(),
        copyLink: () => void this.copyLink(),
        preset: (hash) => this.link.follow(hash), // applied by hashchange, as an edited link is
      },
      PRESETS,
    );
    this.recovery = new Recovery(
      {
        settings: this.settings,
        session: () => this.queue.session,
        stop: () => this.loop.stop(),
        chain: (work, failed) => this.queue.exclusive(work, failed),
        build: (resume, from) => this.queue.rebuildFrom(from, resume),
        rebuild: () => this.rebuild(),
        restored: async (steps) => {
          const session = this.queue.session!;
          await session.setOptimizer(optimizerOf(this.settings));
          this.views.cutBack(steps);
          this.views.runs.cutBack(steps[session.leader.id]); // redrawn by the next refresh
        },
        redraw: async () => {
          if (this.queue.session) await this.refresh(this.queue.session, false);
        },
        setLearningRate: (lr) => {
          this.settings.lr = lr;
          if (this.queue.applied) this.queue.applied.lr = lr;
          this.settingsChanged();
        },
        useCpuEngine: () => {
          this.settings.engine = 'cpu';
          this.panel.refresh();
        },
        setGpu: (gpu) => this.useGpu(gpu),
        message: (text, actions) => this.banners.message(text, actions, 'run'),
        hideMessage: () => this.banners.clear('run'),
        status: (text) => this.status.set(text),
        describe: () => this.describe(),
      },
      openGpu,
    );
    this.views = new RunViews({
      ...el,
      banners: this.banners,
      recovery: this.recovery,
      applied: () => this.queue.applied ?? this.settings,
      reshape: (hidden) => {
        this.settings.hidden = hidden;
        this.changed('hidden');
      },
    });
    this.loop = new TrainingLoop({
      session: () => this.queue.session,
      stepsPerFrame: () => this.settings.stepsPerFrame,
      racing: () => this.queue.applied?.engine === 'race',
      blocked: () => {
        if (this.recovery.diverged) this.recovery.showDivergence();
        return this.recovery.diverged;
      },
      refresh: (session, evaluate) => this.refresh(session, evaluate),
      updateStatus: () => this.updateStatus(),
      showState: (running, waiting) => {
        this.runBar.show(running || waiting);
        this.status.setWaiting(waiting);
        if (running && this.queue.session) this.status.startRates(this.queue.session.engines);
        else if (!waiting && this.queue.session && !this.queue.building) this.updateStatus();
      },
      failed: (error, session) => void this.trainingFailed(error, session),
    });
    this.queue = new BuildQueue({
      settings: this.settings,
      gpu: () => this.gpu,
      loop: this.loop,
      views: this.views,
      recovery: this.recovery,
      banners: this.banners,
      status: this.status,
      loadData: () => loadPageData(this.settings, this.files.userFile?.dataset(this.settings.model === 'mlp') ?? null),
      describe: () => this.describe(),
      settingsChanged: () => this.settingsChanged(),
    });
    this.files = new PageFiles({
      settings: this.settings,
      queue: this.queue,
      loop: this.loop,
      banners: this.banners,
      recovery: this.recovery,
      fitEngine: (s) => this.fitEngine(s),
      settingsChanged: () => this.settingsChanged(),
    });
    this.panel = new Panel(el.panel, this.settings, {
      changed: (key) => this.changed(key),
      loadFile: (file) => void this.files.load(file),
      saveRun: (format) => void this.saveRun(format),
    });
    mountBenchSection(el.views, {
      gpu: () => this.gpu,
      current: () => benchTarget(this.queue.session?.config ?? null, this.settings),
      pauseTraining: () => {
        if (!this.loop.running) return false;
        this.loop.pause();
        return true;
      },
    });
    this.showLink(start);
    this.views.plot.setLogScale(this.settings.logScale);
    if (gpu) this.recovery.watch(gpu, () => this.gpu);
    watchMnistDownload({
      progress: (loaded, total) => {
        const text = downloadStatus('MNIST', loaded, total);
        // Before the first run, the download is the news; else it leads what the line says.
        this.status.setDownload(loaded < total ? text : null, !this.queue.session && !this.queue.building);
      },
      // However the download ends, and whoever still waits for it, its progress leaves the status line.
      ended: () => this.status.setDownload(null),
    });
    this.link.listen((link) => this.applyLink(link));
    window.addEventListener('dragover', (e) => e.preventDefault());
    window.addEventListener('drop', (e) => {
      e.preventDefault();
      const file = e.dataTransfer?.files[0];
      if (file) void this.files.load(file);
    });
  }

  /** A session for the current settings (see BuildQueue.rebuild). */
  rebuild(): Promise<void> {
    return this.queue.rebuild();
  }

  /** The GPU device in use, if any (the tests destroy it to check recovery). */
  get device(): GPUDevice | null {
    return this.gpu?.device ?? null;
  }

  /** Shows a warning in the page (main.ts: why there is no GPU). */
  message(text: string, actions: MessageAction[] = []): void {
    this.banners.message(text, actions);
  }

  /** Shows information in the page (main.ts: the site saved for offline use). */
  notice(text: string): void {
    this.banners.notice(text);
  }

  /** Saves the run (see PageFiles.save). */
  saveRun(format: RunFileFormat): Promise<File | null> {
    return this.files.save(format);
  }

  /** Puts the run back to its last snapshot, optionally with a new learning rate, paused. */
  restoreLastGood(lr: number | null): Promise<void> {
    return this.recovery.restoreLastGood(lr);
  }

  /** The page's state now, for the tests: one snapshot instead of a getter per field. */
  inspect(): PageInspection {
    const session = this.queue.session;
    const snapshot = this.recovery.snapshots.latest;
    const { log, plot, math, runs } = this.views;
    return {
      step: session?.step ?? 0,
      running: this.loop.running,
      startsWhenReady: this.loop.startsWhenReady,
      building: this.queue.building,
      status: this.status.current,
      banners: this.banners.read(),
      pcaBound: this.views.pcaBound,
      history: { gpu: log.of('gpu'), cpu: log.of('cpu'), reference: log.of('reference') },
      evals: this.views.evals,
      settings: this.settings,
      applied: this.queue.applied,
      optimizerInUse: session?.optimizer ?? null,
      lossDifference: plot.engineDifference,
      gradCheck: math?.gradCheck ?? null,
      pcaHistory: math?.pcaHistory ?? null,
      snapshot: snapshot && { gpuStep: snapshot.engines.gpu?.step ?? null },
      diverged: this.recovery.diverged,
      devicesLost: this.recovery.devicesLost,
      trainFeatures: session?.data.train.D ?? null,
      curveEnds: Object.fromEntries(Object.entries(runs.curves).map(([key, curve]) => [key, curve?.steps.at(-1)])),
    };
  }

  /**
   * A link edited in the address bar (or a preset followed): its settings replace the current
   * ones, live where they can be, with a rebuild otherwise; a bad value is ignored with a message.
   */
  private applyLink(link: ReadLink): void {
    this.showLink(link);
    const { settings } = link;
    this.fitEngine(settings);
    // A file of yours cannot travel in a link: one that names no data set keeps training on it.
    if (this.settings.dataset === 'file' && !link.namesDataset) settings.dataset = 'file';
    const changed = (Object.keys(settings) as Array<keyof PageSettings>).filter((k) => !sameValue(settings[k], this.settings[k]));
    if (changed.length === 0) return;
    if (changed.includes('exercise')) this.views.exerciseRevealed = false;
    Object.assign(this.settings, settings);
    this.panel.refresh();
    this.panel.showRelevant(this.settings);
    if (changed.every((k) => LIVE_KEYS.has(k))) this.applyLive();
    else void this.rebuild();
  }

  /** The link's hide list and what it said that was ignored. */
  private showLink(link: ReadLink): void {
    this.panel.hideControls(hiddenSettings(link.hide));
    applyHiddenSections(link.hide);
    this.panel.showRelevant(this.settings);
    if (link.problems.length > 0) this.banners.message(`Some settings in the link were ignored: ${link.problems.join('; ')}.`, [], 'link');
    else this.banners.clear('link');
  }

  /** A setting changed in the panel (or the diagram). */
  private changed(key: keyof PageSettings): void {
    if (key === 'engine' && needsGpu(this.settings.engine) && !this.gpu) {
      void this.reopenGpu();
      return;
    }
    this.panel.showRelevant(this.settings);
    this.link.write(this.settings);
    if (LIVE_KEYS.has(key)) this.applyLive();
    else void this.rebuild();
  }

  /** Live settings (the optimizer's, the plot's scale, the steps per frame) apply without a rebuild. */
  private applyLive(): void {
    this.views.plot.setLogScale(this.settings.logScale);
    const session = this.queue.session;
    void session?.setOptimizer(optimizerOf(this.settings)).catch(() => {}); // a session replaced meanwhile takes the panel's
    // Before the first step, the "Ready" line names the new settings, not the old.
    if (session && !this.loop.running && session.step === 0 && !this.queue.building)
      this.status.set(readyStatus(this.describe(), session.stepEstimate, session.config.spec.kind, 'Press play.'));
  }

  /** The settings changed under the panel and the link (a fallback, an adjusted size, a revert). */
  private settingsChanged(): void {
    this.panel.refresh();
    this.panel.showRelevant(this.settings);
    this.link.write(this.settings);
  }

  /** The one no-GPU fallback: an engine choice that needs a GPU becomes the CPU engine where there is none. */
  private fitEngine(s: PageSettings): void {
    if (!this.gpu && needsGpu(s.engine)) s.engine = 'cpu';
  }

  private async refresh(session: Session, evaluate: boolean): Promise<void> {
    await this.views.refresh(session, evaluate);
    if (session === this.queue.session) this.updateStatus();
  }

  private updateStatus(): void {
    const session = this.queue.session;
    if (!session || this.queue.building) return;
    this.status.showRun({
      session,
      running: this.loop.running,
      recentLoss: (engine) => this.views.log.recentLoss(engine, 20),
      lastEval: (engine) => this.views.lastEval(engine),
      pcaBound: this.views.pcaBound,
      racing: this.queue.applied?.engine === 'race',
      stepsPerFrame: this.settings.stepsPerFrame > 0 ? this.settings.stepsPerFrame : null,
      adapterName: this.gpu?.adapterName ?? null,
    });
  }

  private async trainingFailed(error: unknown, session: Session): Promise<void> {
    // A lost device fails whatever was in flight: Recovery reports it and carries on.
    if (session !== this.queue.session || this.recovery.recovering) return;
    if (this.gpu && (await lostWithin(this.gpu.device, 500))) return;
    this.banners.message(`Training stopped: ${plainWords(error)}. Press play to go on, or reset.`, [], 'run');
  }

  private describe(): string {
    return describeRun(this.settings, this.files.userFile?.name ?? null);
  }

  /** Copies the link to this run (its settings and hide list) for a student or a slide. */
  private async copyLink(): Promise<void> {
    this.link.write(this.settings);
    const link = location.href;
    if (await copyText(link)) this.banners.notice(`Link copied: ${link}`);
    else this.banners.notice(`Copy this link (the browser did not allow the page to copy it): ${link}`);
  }

  /** The page uses `gpu` from now on (a new device after a lost one), or none. */
  private useGpu(gpu: GpuContext | null): void {
    this.gpu = gpu;
    if (gpu) this.recovery.watch(gpu, () => this.gpu);
  }

  /** The GPU engine was chosen while there is no device (none at start, or lost for good): try again. */
  private async reopenGpu(): Promise<void> {
    const gpu = await this.recovery.reopen();
    if (!gpu) return;
    this.useGpu(gpu);
    this.banners.notice(`Training on the GPU again: ${gpu.adapterName}.`);
    this.changed('engine');
  }
}
