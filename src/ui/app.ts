// The page's controller: wiring only. Each job has its owner: the build queue (sessions), the
// training loop (frames), the run's views, the status line (and what it says of the run: run
// status), the banners, the link, the page's files, and recovery (a run gone wrong). The settings
// are one object, edited by the panel and the link; a change applies live where it can and
// rebuilds otherwise.
import type { GpuContext } from '../gpu/device';
import type { AppElements } from './app-elements';
import { GpuVsCpu } from './gpu-vs-cpu';
import { benchTarget } from './bench/bench-target';
import { Banners } from './banners';
import { BuildQueue } from './build-queue';
import { loadPageData, newDataSeed } from './data-source';
import { DeriveCard } from './derive/derive-card';
import { localWorkStore } from './derive/work-store';
import { LinkSync } from './link-sync';
import { inspectPage, type PageInspection } from './inspection';
import { PageFiles } from './page-files';
import { Panel } from './panel';
import { QuickSettings } from './quick-settings';
import { Recovery, type MessageAction, type OpenGpu } from './recovery';
import { recoveryHost } from './recovery-host';
import { RunBar } from './run-bar';
import { RunStatus } from './run-status';
import { RunViews } from './run-views';
import { userFileOptions, type PageSettings } from './settings';
import { allControls, SettingsChanges } from './settings-changes';
import { StatusLine } from './status-line';
import { PRESETS } from './teacher';
import { TrainingLoop } from './training-loop';

export type { MessageAction, OpenGpu };

export class App {
  readonly settings: PageSettings;
  private readonly status: StatusLine;
  /** What the status line and the page's messages say of the run. */
  private readonly runStatus: RunStatus;
  private readonly banners: Banners;
  private readonly link = new LinkSync();
  private readonly runBar: RunBar;
  private readonly panel: Panel;
  /** The rate, activation and regularisation beside play. */
  private readonly quick: QuickSettings;
  private readonly recovery: Recovery;
  private readonly views: RunViews;
  private readonly loop: TrainingLoop;
  private readonly queue: BuildQueue;
  private readonly files: PageFiles;
  private readonly changes: SettingsChanges;
  private readonly gpuVsCpu: GpuVsCpu;
  private readonly derive: DeriveCard;

  constructor(el: AppElements, gpu: GpuContext | null, openGpu: OpenGpu | null = null) {
    this.status = new StatusLine(el.status);
    this.banners = new Banners(el.message, el.notice);
    const start = this.link.read();
    this.settings = start.settings;
    this.runStatus = new RunStatus({
      settings: this.settings,
      status: this.status,
      queue: () => this.queue,
      loop: () => this.loop,
      views: () => this.views,
      adapterName: () => this.recovery.gpu?.adapterName ?? null,
      fileName: () => this.files.userFile?.name ?? null,
    });
    const describe = () => this.runStatus.describe();
    const app = this;
    this.changes = new SettingsChanges({
      settings: this.settings,
      link: this.link,
      banners: this.banners,
      status: this.status,
      // Made below: read when a change comes, never before. Both the panel and the quick settings show every change.
      panel: allControls(() => [app.panel, app.quick]),
      get views() {
        return app.views;
      },
      get queue() {
        return app.queue;
      },
      get loop() {
        return app.loop;
      },
      gpu: () => this.recovery.gpu,
      reopenGpu: () => void this.recovery.reopen(),
      describe,
    });
    this.recovery = new Recovery(
      recoveryHost({
        settings: this.settings,
        queue: () => this.queue,
        loop: () => this.loop,
        views: () => this.views,
        changes: this.changes,
        banners: this.banners,
        status: this.status,
        redraw: () => this.runStatus.redraw(),
        gpuBack: () => this.changes.changed('engine'),
        describe,
      }),
      openGpu,
    );
    this.recovery.use(gpu);
    this.changes.fitEngine(this.settings);
    this.quick = new QuickSettings(this.settings, { changed: (key) => this.changes.changed(key) });
    this.runBar = new RunBar(
      el.runBar,
      {
        toggle: () => (this.loop.running || this.loop.startsWhenReady ? this.loop.pause() : this.loop.play()),
        step: () => void this.loop.stepOnce(),
        reset: () => void this.rebuild(),
        copyLink: () => void this.link.copy(this.settings).then((said) => this.banners.notice(said)),
        preset: (hash) => this.link.follow(hash), // applied by hashchange, as an edited link is
        compare: () => void this.gpuVsCpu.run(),
        settings: () => this.panel.toggle(),
      },
      PRESETS,
    );
    el.quickSettings.append(this.quick.element);
    this.views = new RunViews({
      ...el,
      banners: this.banners,
      recovery: this.recovery,
      applied: () => this.queue.applied ?? this.settings,
      reshape: (hidden) => this.changes.reshape(hidden),
      switchFeature: (feature) => this.changes.switchFeature(feature),
    });
    this.loop = new TrainingLoop({
      session: () => this.queue.session,
      stepsPerFrame: () => this.settings.stepsPerFrame,
      racing: () => this.queue.applied?.engine === 'race',
      blocked: () => this.recovery.blocksTraining(),
      refresh: (session, evaluate) => this.runStatus.refresh(session, evaluate),
      updateStatus: () => this.runStatus.update(),
      showState: (running, waiting) => {
        this.runBar.show(running || waiting);
        this.runStatus.showState(running, waiting);
      },
      failed: (error, session) => void this.recovery.trainingFailed(error, session),
    });
    this.queue = new BuildQueue({
      settings: this.settings,
      gpu: () => this.recovery.gpu,
      loop: this.loop,
      views: this.views,
      recovery: this.recovery,
      banners: this.banners,
      status: this.status,
      loadData: () => loadPageData(this.settings, this.files.userFile?.dataset(userFileOptions(this.settings)) ?? null),
      describe,
      settingsChanged: () => {
        this.changes.show();
        this.derive.showRun();
      },
    });
    this.files = new PageFiles({
      settings: this.settings,
      queue: this.queue,
      loop: this.loop,
      banners: this.banners,
      recovery: this.recovery,
      log: this.views.log,
      fitEngine: (s) => this.changes.fitEngine(s),
      settingsChanged: () => this.changes.show(),
    });
    this.panel = new Panel(el.panel, this.settings, {
      changed: (key) => this.changes.changed(key),
      loadFile: (file) => void this.files.load(file),
      saveRun: (format) => void this.files.save(format),
      regenerate: () => void this.queue.regenerate(newDataSeed(this.settings.dataSeed)),
    });
    this.derive = new DeriveCard(
      el.views,
      {
        hasGpu: () => this.recovery.gpu !== null,
        settings: () => this.settings,
        inUse: () => this.queue.session?.config.derivation ?? null,
        ready: () => this.queue.session !== null && !this.queue.building,
        train: (text, changes) => this.queue.trainWith(text, changes),
      },
      localWorkStore(),
      start.derive,
    );
    this.gpuVsCpu = new GpuVsCpu(el.verdict, el.views, {
      gpu: () => this.recovery.gpu,
      current: () => benchTarget(this.queue.session?.config ?? null, this.settings),
      pauseTraining: () => {
        const running = this.loop.running;
        if (running) this.loop.pause();
        return running;
      },
      describe,
    });
    this.changes.showLink(start);
    this.views.plot.setLogScale(this.settings.logScale);
    this.status.followMnistDownload(() => !this.queue.session && !this.queue.building);
    this.link.listen((link) => {
      this.changes.applyLink(link);
      if (link.derive.link || link.derive.problems.length > 0) this.derive.open(link.derive);
    });
    this.files.takeDrops();
  }

  /** A session for the current settings (see BuildQueue.rebuild). */
  rebuild(): Promise<void> {
    return this.queue.rebuild();
  }

  /** The GPU device in use, if any (the tests destroy it to check recovery). */
  get device(): GPUDevice | null {
    return this.recovery.gpu?.device ?? null;
  }

  /** Shows a warning in the page (main.ts: why there is no GPU). */
  message(text: string, actions: MessageAction[] = []): void {
    this.banners.message(text, actions);
  }

  /** Shows information in the page (main.ts: the site saved for offline use). */
  notice(text: string): void {
    this.banners.notice(text);
  }

  /** The page's state now, for the tests: one snapshot instead of a getter per field. */
  inspect(): PageInspection {
    return inspectPage(this.settings, this.status, this.banners, this.queue, this.loop, this.views, this.recovery);
  }

  /** The leading engine's parameters now, as plain lists (the tests read an edited weight back); null with no run. */
  async params(): Promise<Record<string, number[]> | null> {
    const session = this.queue.session;
    if (!session) return null;
    const params = await session.params();
    return Object.fromEntries(Object.entries(params).map(([name, values]) => [name, Array.from(values)]));
  }
}
