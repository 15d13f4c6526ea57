// The page's controller: turns settings into a training session, runs it frame by frame, and feeds
// the status line, the plots and the views. Engine work lives in src/train; drawing in the views.
import type { Dataset } from '../data/dataset';
import { parseUserFile } from '../data/user-file';
import type { GpuContext } from '../gpu/device';
import type { StepMetrics } from '../kernels/metrics';
import type { ModelSpec } from '../models/build';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../reference/optimizer';
import { pcaBoundAsync } from '../train/pca-bound';
import { Session, type Engine, type TestMetrics } from '../train/session';
import { loadPageData } from './data-source';
import { ModelViews } from './model-views';
import { Panel } from './panel';
import { LossPlot } from './plots/loss-plot';
import { decodeHash, encodeHash, LIVE_KEYS, type Settings } from './settings';

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

export class App {
  readonly settings: Settings;
  /** What the tests read: every step's metrics and every evaluation, per engine. */
  readonly history: Record<Engine, StepMetrics[]> = { gpu: [], cpu: [] };
  readonly evals: Array<TestMetrics & { engine: Engine }> = [];
  pcaBound: number | null = null;
  running = false;
  private session: Session | null = null;
  private building: Promise<void> = Promise.resolve();
  private userFile: Dataset | null = null;
  private readonly panel: Panel;
  private readonly plot: LossPlot;
  private views: ModelViews | null = null;
  private lastViews = 0;
  private lastEval = 0;
  /** Grows with the cost of an evaluation, so that it never takes more than a fifth of the time. */
  private evalInterval = EVAL_INTERVAL_MS;
  private rate = { steps: 0, time: performance.now(), perSecond: 0 };

  constructor(
    private readonly el: AppElements,
    private readonly gpu: GpuContext | null,
  ) {
    const { settings, problems } = decodeHash(location.hash);
    this.settings = settings;
    if (!gpu && settings.engine !== 'cpu') settings.engine = 'cpu';
    if (problems.length > 0) this.message(`Some settings in the link were ignored: ${problems.join('; ')}.`);
    this.plot = new LossPlot(el.plots);
    this.panel = new Panel(el.panel, settings, {
      changed: (key) => this.changed(key),
      play: () => this.play(),
      pause: () => this.pause(),
      step: () => void this.stepOnce(),
      reset: () => void this.rebuild(),
      loadFile: (file) => void this.loadFile(file),
    });
    this.panel.showRelevant(settings);
    this.plot.setLogScale(settings.logScale);
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

  get step(): number {
    return this.session?.step ?? 0;
  }

  /** The optimizer settings the engines use right now. */
  get optimizerInUse(): OptimizerSettings | null {
    return this.session?.gpu?.model.settings ?? this.session?.cpu?.settings ?? null;
  }

  /** Builds data and engines for the current settings; the old session's GPU buffers are destroyed. */
  rebuild(): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    this.building = this.building.then(() => this.build(wasRunning)).catch((e: Error) => this.message(e.message));
    return this.building;
  }

  play(): void {
    if (this.running || !this.session) return;
    this.running = true;
    this.rate = { steps: this.step, time: performance.now(), perSecond: this.rate.perSecond };
    requestAnimationFrame(() => void this.frame());
  }

  pause(): void {
    this.running = false;
    void this.session?.flush().then(() => this.refresh(true));
  }

  async stepOnce(): Promise<void> {
    await this.building;
    if (!this.session || this.running) return;
    this.session.run(1);
    await this.session.flush();
    await this.refresh(true);
  }

  private async build(resume: boolean): Promise<void> {
    const s = this.settings;
    this.session?.destroy();
    this.session = null;
    this.history.gpu.length = 0;
    this.history.cpu.length = 0;
    this.evals.length = 0;
    this.pcaBound = null;
    this.plot.clear();
    this.plot.setReference(null, '');
    this.status('Loading data…');
    const data = await loadPageData(s, this.userFile);
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
    this.panel.refresh();
    this.panel.showRelevant(s);
    const spec: ModelSpec = s.model === 'mlp'
      ? { kind: 'mlp', shape: { D: train.D, H: s.hidden, C: Math.max(2, train.classes, data.test?.classes ?? 0) } }
      : { kind: 'autoencoder', shape: { n: train.D, m: s.code } };
    const engines: Engine[] = s.engine === 'both' ? ['gpu', 'cpu'] : [s.engine];
    this.status('Building the model…');
    const session = await Session.create(
      { spec, batch: s.batch, optimizer: this.optimizer(), seed: s.seed, initScale: s.initScale, engines },
      data,
      this.gpu?.device ?? null,
    );
    session.onMetrics = (engine, metrics) => this.onMetrics(engine, metrics);
    this.session = session;
    this.views?.destroy();
    this.views = new ModelViews(this.el.views, spec, data);
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
    this.status(`Ready: ${this.describe()}. Press play.`);
    if (resume) this.play();
  }

  private async frame(): Promise<void> {
    const session = this.session;
    if (!this.running || !session) return;
    try {
      session.run(this.settings.stepsPerFrame);
      await session.throttle();
      const now = performance.now();
      if (now - this.lastViews > VIEW_INTERVAL_MS) {
        await session.flush();
        await this.refresh(now - this.lastEval > this.evalInterval);
      }
    } catch (error) {
      this.running = false;
      this.message(`Training stopped: ${(error as Error).message}`);
      return;
    }
    if (this.running && this.session === session) requestAnimationFrame(() => void this.frame());
  }

  private onMetrics(engine: Engine, metrics: StepMetrics[]): void {
    this.history[engine].push(...metrics);
    this.plot.addSteps(engine, metrics);
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
        if (!m || session !== this.session) continue;
        this.evals.push({ ...m, engine });
        this.plot.addEval(engine, m);
        if (m.predicted && (engine === 'gpu' || !session.gpu)) this.views?.showConfusion(m.predicted, m.rows);
      }
      this.evalInterval = Math.max(EVAL_INTERVAL_MS, 4 * (performance.now() - started));
    }
    if (session !== this.session) return;
    this.views?.showParams(await session.params());
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
    const stepsPerEpoch = Math.floor(session.data.train.N / this.settings.batch);
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
      s.engine = 'cpu';
      this.panel.refresh();
      this.message('This browser has no WebGPU adapter, so only the CPU engine can run.');
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
      this.userFile = parseUserFile(bytes, file.name, { labelled: this.settings.model === 'mlp' });
    } catch (error) {
      this.message(`Could not use ${file.name}: ${(error as Error).message}. The current run is unchanged.`);
      return;
    }
    this.settings.dataset = 'file';
    this.panel.refresh();
    this.message(`Loaded ${file.name}: ${this.userFile.N} rows, ${this.userFile.D} features${this.settings.model === 'mlp' ? `, ${this.userFile.classes} classes` : ''}.`);
    await this.rebuild();
  }

  private status(text: string): void {
    this.el.status.textContent = text;
  }

  /** Shows a message in the page (a refused file, an ignored link setting, a lost device). */
  message(text: string): void {
    this.el.message.textContent = text;
    this.el.message.hidden = false;
  }
}
