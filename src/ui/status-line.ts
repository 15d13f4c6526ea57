// The status line and its one owner: what the page is doing (loading, building, ready, training),
// each engine's speed averaged over about a second, and MNIST's download ahead of it while one is
// in flight. It is two lines high whatever it says (style.css), so that the page never moves under
// it; what does not fit ends in an ellipsis, and the whole line is its tooltip.
import { threadsText } from '../bench/types';
import { canShareMemory } from '../cpu/wasm-module';
import { CpuEngine } from '../train/cpu-engine';
import { ENGINE_NAMES, type Engine, type EngineId } from '../train/engine';
import type { Session, TestMetrics } from '../train/session';
import { downloadStatus } from './build-status';
import { watchMnistDownload } from './data-source';
import { formatNumber, formatRate } from './format';
import { RateSmoother } from './rate-smoother';
import type { PageSettings } from './settings';

/** The status line's training loss is the mean of the last steps': one batch's loss alone jumps about. */
export const LOSS_MEAN_STEPS = 20;

/** What the run's line is made of, read when it is drawn. */
export interface RunLine {
  session: Session;
  running: boolean;
  /** The mean training loss of an engine's last `steps` steps (NaN with none). */
  recentLoss: (engine: EngineId, steps: number) => number;
  /** The latest test evaluation of each engine. */
  lastEval: (engine: EngineId) => TestMetrics | undefined;
  pcaBound: number | null;
  /** Engines racing (each at its own pace) rather than side by side. */
  racing: boolean;
  /** The user's steps per frame, or null where the loop fills a time budget per frame. */
  stepsPerFrame: number | null;
  /** The WebGPU adapter's name, or null without a device. */
  adapterName: string | null;
}

export class StatusLine {
  private text = '';
  private download: string | null = null;
  /** Play was pressed during a build: the line says training starts when the model is ready. */
  private waiting = false;
  /** Each engine's steps per second while running, averaged over about a second. */
  private readonly rates = new Map<EngineId, RateSmoother>();
  /** The text, clamped to two lines inside the fixed-height line. */
  private readonly textEl: HTMLSpanElement;

  constructor(private readonly el: HTMLElement) {
    this.textEl = document.createElement('span');
    this.textEl.className = 'status-text';
    this.textEl.textContent = el.textContent;
    el.replaceChildren(this.textEl);
  }

  /** The line's own text now (the download's progress aside). */
  get current(): string {
    return this.text;
  }

  set(text: string): void {
    this.text = text;
    this.draw();
  }

  /** MNIST's download progress ("Loading MNIST: 3.2 of 11.2 MB (28%)") ahead of the line while in flight; null when done. */
  setDownload(text: string | null): void {
    this.download = text;
    this.draw();
  }

  /**
   * Shows MNIST's download as it goes, whoever asked for it: the whole line while `alone()` (no run
   * to show yet), else ahead of the run's line; however the download ends, it leaves the line.
   */
  followMnistDownload(alone: () => boolean): void {
    watchMnistDownload({
      progress: (loaded, total) => {
        const text = downloadStatus('MNIST', loaded, total);
        if (alone()) this.set(text);
        this.setDownload(loaded < total ? text : null);
      },
      ended: () => this.setDownload(null),
    });
  }

  /** Whether play was pressed during a build (the line says so until the run starts). */
  setWaiting(waiting: boolean): void {
    this.waiting = waiting;
    this.draw();
  }

  /** Training starts: each engine's speed is measured from here (the time paused counts for nothing). */
  startRates(engines: readonly Engine[]): void {
    const now = performance.now();
    for (const e of engines) this.rateOf(e.id).restart(e.step, now);
  }

  /** The run's line: step, epoch, losses, test metrics, speed and engines. */
  showRun(r: RunLine): void {
    const { session } = r;
    this.measure(session.engines, r.running);
    const engine = session.leader.id;
    const loss = r.recentLoss(engine, LOSS_MEAN_STEPS);
    const test = r.lastEval(engine);
    const stepsPerEpoch = Math.floor(session.data.train.N / session.config.batch);
    const parts = [
      `step ${session.step.toLocaleString('en')}`,
      `epoch ${(session.step / stepsPerEpoch).toFixed(2)}`,
      `training loss (mean of ${LOSS_MEAN_STEPS} steps) ${Number.isFinite(loss) ? formatNumber(loss) : '—'}`,
    ];
    // An evaluation well behind the steps (a race's GPU, busy training, answers late) says its step.
    const at = test && session.step - test.step > Math.max(100, 0.2 * session.step) ? ` (step ${test.step.toLocaleString('en')})` : '';
    if (test?.testRMSE !== undefined) parts.push(`test RMSE ${formatNumber(test.testRMSE)}, R² ${formatNumber(test.testR2 ?? Number.NaN)}${at}`);
    else if (test?.testAccuracy !== undefined) parts.push(`test accuracy ${(test.testAccuracy * 100).toFixed(1)}%${at}`);
    else if (test) parts.push(`test loss ${formatNumber(test.testLoss)}${at}`);
    if (r.pcaBound !== null) parts.push(`PCA bound ${formatNumber(r.pcaBound)}`);
    // A rate while running (once one has been measured); "paused" otherwise, never "0 steps/s".
    if (!r.running) parts.push('paused');
    if (session.engines.length === 1) {
      const perSecond = this.rates.get(engine)?.perSecond ?? 0;
      // One engine trains within each animation frame, so that every frame draws: the rate is the
      // frames' (a race, where engines run freely, shows what the engines can do).
      const per = r.stepsPerFrame === null ? 'a share of each frame' : `up to ${r.stepsPerFrame} per frame`;
      if (r.running && perSecond) parts.push(`${formatRate(perSecond)} steps/s (${per})`);
      parts.push(engineName(session.leader, r.adapterName));
    } else {
      // Side by side: each engine's name, step and speed (in a race the steps differ).
      const each = session.engines.map((e) => {
        const perSecond = this.rates.get(e.id)?.perSecond ?? 0;
        const speed = r.running && perSecond ? ` at ${formatRate(perSecond)} steps/s` : '';
        return `${engineName(e, r.adapterName, true)} step ${e.step.toLocaleString('en')}${speed}`;
      });
      parts.push(`${each.join(', ')}${r.racing ? ', racing' : ', side by side'}`);
    }
    this.set(parts.join(' · '));
  }

  private measure(engines: readonly Engine[], running: boolean): void {
    if (!running) return;
    const now = performance.now();
    for (const engine of engines) this.rateOf(engine.id).add(engine.step, now);
  }

  private rateOf(engine: EngineId): RateSmoother {
    let rate = this.rates.get(engine);
    if (!rate) this.rates.set(engine, (rate = new RateSmoother()));
    return rate;
  }

  private draw(): void {
    const { download, text } = this;
    const line = this.waiting ? `${text} · Training starts when the model is ready.` : text;
    // The download first: it is the news (the panel already names MNIST), the run's own line after it.
    const shown = download && text !== download ? `${download} · ${line}` : line;
    this.textEl.textContent = shown;
    this.el.title = shown;
  }
}

/** An engine as the status line names it (`short`: the side-by-side form, "GPU (adapter)"). */
export function engineName(engine: Engine, adapterName: string | null, short = false): string {
  if (engine.id === 'gpu') return short ? `GPU (${adapterName ?? 'no WebGPU'})` : `GPU: ${adapterName ?? 'no WebGPU'}`;
  // "CPU (float32, 2 threads)" says what it is; the reference's name needs its CPU.
  if (engine instanceof CpuEngine) return cpuEngineName(engine);
  return short ? ENGINE_NAMES.reference : `CPU: ${ENGINE_NAMES.reference}`;
}

/** "CPU (float32, 4 threads)", or why there is one thread only. */
function cpuEngineName(engine: CpuEngine): string {
  const n = engine.threadCount;
  const alone = n === 1 && !canShareMemory() ? ': the page is not cross-origin isolated' : '';
  return `CPU (float32, ${threadsText(n)}${alone})`;
}

/** The run in words: "MLP with 16 swish units on spiral, batch 32, adam at lr 0.01". */
export function describeRun(s: PageSettings, fileName: string | null): string {
  const unit = s.hidden.length === 1 && s.hidden[0] === 1 ? 'unit' : 'units';
  const layers = s.hidden.length === 1 ? `${s.hidden[0]} ${s.activation} ${unit}` : `${s.hidden.length} ${s.activation} layers (${s.hidden.join('-')} units)`;
  const model = s.model === 'mlp' ? `MLP with ${layers}` : `linear autoencoder with code size ${s.code}`;
  return `${model} on ${s.dataset === 'file' ? (fileName ?? 'your file') : s.dataset}, batch ${s.batch}, ${s.optimizer} at lr ${s.lr}`;
}
