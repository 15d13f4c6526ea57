// The loss curves while training: per-step training loss (raw and smoothed) for each engine that runs
// (the GPU, the float32 CPU engine, the float64 reference), and test loss and accuracy at each
// evaluation, drawn with uPlot at most ~10 times a second; with two engines, also how far apart they
// are (difference-chart.ts).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ViewCard } from '../views/card';
import { alignCurves, type Curve } from './align';
import { DifferenceChart } from './difference-chart';
import { Ema } from './ema';
import { ENGINE_STYLE, ENGINES, evalOptions, trainingOptions, type LossEngine, type XAxis } from './loss-chart-options';
import { MAX_POINTS, SeriesStore } from './series-store';

export type { LossEngine } from './loss-chart-options';

const HEIGHT = 220;
const DEFAULT_WIDTH = 640;
const MIN_WIDTH = 320;
const CARD_CHROME = 26; // the card's horizontal padding and border, CSS pixels
const MIN_REDRAW_MS = 100;
const RAW = 0; // training columns
const SMOOTH = 1;
const TEST_LOSS = 0; // evaluation columns
const TEST_ACCURACY = 1;

/** One evaluation on the test set. */
export interface EvalPoint {
  step: number;
  testLoss: number;
  /** Fraction correct in [0, 1]; absent for models without classes (the autoencoder, a regression). */
  testAccuracy?: number;
  /** A regression's test RMSE and R², drawn in place of the loss and the accuracy. */
  testRMSE?: number;
  testR2?: number;
}

/** Options for LossPlot. */
export interface LossPlotOptions {
  /** EMA weight of each new loss in the smoothed curve (default 0.05). */
  smoothing?: number;
  /** Chart width in CSS pixels (default: the container's width, or 640 before layout). */
  width?: number;
}

interface EngineData {
  train: SeriesStore; // columns: raw, smoothed
  evals: SeriesStore; // columns: test loss, test accuracy
  // The same against wall-clock seconds, for a race (setClock).
  trainClock: SeriesStore;
  evalsClock: SeriesStore;
  /** Seconds at the last training point on the clock: a batch of steps is spread up to its arrival. */
  lastSeconds: number;
  ema: Ema;
}

/** The test accuracy a race is scored at: who reached it first, and when. */
const RACE_TARGET = 0.95;

/** Stacked uPlot charts: training loss per step, test loss and accuracy per evaluation, and |GPU − CPU| with both engines. */
export class LossPlot {
  private readonly card: ViewCard;
  private readonly width: number;
  private readonly holders: [HTMLDivElement, HTMLDivElement];
  private readonly data: Record<LossEngine, EngineData>;
  private readonly difference: DifferenceChart;
  private trainChart: uPlot | null = null;
  private evalChart: uPlot | null = null;
  private trainLayout = '';
  /** The evaluations are a regression's (RMSE and R²), not loss and accuracy. */
  private regression = false;
  private evalLayout = '';
  private log = false;
  private reference: { value: number; label: string } | null = null;
  private dirty = true;
  private lastDrawMs = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private frame = 0;
  private x: XAxis = 'step';
  /** When the clock started: the first steps after clear(). */
  private clockStart: number | null = null;
  private readonly raceLine: HTMLParagraphElement;

  /** Builds the card and both (empty) charts inside `container`. */
  constructor(container: HTMLElement, opts: LossPlotOptions = {}) {
    this.card = new ViewCard(
      container,
      'loss',
      'Loss',
      'Thin lines: loss of each training batch; thick: its moving average. Below: loss and accuracy on the test set.',
    );
    const style = getComputedStyle(container);
    const padding = (Number.parseFloat(style.paddingLeft) || 0) + (Number.parseFloat(style.paddingRight) || 0);
    const available = container.clientWidth - padding - CARD_CHROME;
    this.width = Math.floor(opts.width ?? (available > 0 ? Math.max(MIN_WIDTH, available) : DEFAULT_WIDTH));
    this.holders = [document.createElement('div'), document.createElement('div')];
    for (const holder of this.holders) {
      holder.className = 'view-chart';
      holder.style.width = `${this.width}px`;
    }
    this.difference = new DifferenceChart(this.width);
    this.raceLine = document.createElement('p');
    this.raceLine.className = 'race-result';
    this.raceLine.hidden = true;
    this.card.body.append(this.holders[0], this.difference.note, this.holders[1], this.raceLine, this.difference.root);
    const alpha = opts.smoothing ?? 0.05;
    const smoothing = Number.isFinite(alpha) && alpha > 0 && alpha <= 1 ? alpha : 0.05;
    const engineData = (): EngineData => ({
      train: new SeriesStore(2, MAX_POINTS, 'x'),
      evals: new SeriesStore(2, MAX_POINTS, 'arrival'),
      trainClock: new SeriesStore(2, MAX_POINTS, 'arrival'), // seconds are not step numbers: thinned by arrival
      evalsClock: new SeriesStore(2, MAX_POINTS, 'arrival'),
      lastSeconds: 0,
      ema: new Ema(smoothing),
    });
    this.data = { gpu: engineData(), cpu: engineData(), reference: engineData() };
    this.flush();
  }

  /**
   * Adds training losses; non-finite steps or losses are skipped. `past`: steps of a loaded run's
   * history, which took no time on this page: drawn by step, never on a race's clock.
   */
  addSteps(engine: LossEngine, steps: ReadonlyArray<{ step: number; loss: number }>, past = false): void {
    const d = this.data[engine];
    const good = steps.filter(({ step, loss }) => Number.isFinite(step) && Number.isFinite(loss));
    // On the clock (a race) only: every step's loss passes here, so nothing is kept that no chart draws.
    const now = this.x === 'seconds' && !past ? this.seconds() : null;
    good.forEach(({ step, loss }, i) => {
      const smoothed = d.ema.push(loss);
      d.train.push(step, [loss, smoothed]);
      if (now !== null) d.trainClock.push(d.lastSeconds + ((now - d.lastSeconds) * (i + 1)) / good.length, [loss, smoothed]);
    });
    if (now !== null && good.length > 0) d.lastSeconds = now;
    this.invalidate();
  }

  /** Adds one test-set evaluation; skipped unless the step and the loss or accuracy are finite. */
  addEval(engine: LossEngine, point: EvalPoint): void {
    // A regression's test chart is its RMSE (left) and R² (right): the figures the status names.
    this.regression = point.testRMSE !== undefined;
    const below = this.regression ? 'RMSE and R²' : point.testAccuracy === undefined ? 'loss' : 'loss and accuracy';
    this.card.setCaption(`Thin lines: loss of each training batch; thick: its moving average. Below: ${below} on the test set.`);
    const loss = point.testRMSE ?? point.testLoss;
    const accuracy = point.testR2 ?? point.testAccuracy ?? Number.NaN;
    if (!Number.isFinite(point.step) || !(Number.isFinite(loss) || Number.isFinite(accuracy))) return;
    this.data[engine].evals.push(point.step, [loss, accuracy]);
    if (this.x === 'seconds') this.data[engine].evalsClock.push(this.seconds(), [loss, accuracy]);
    this.invalidate();
  }

  /**
   * A race (true): the charts run against wall-clock seconds since the first steps, since each engine
   * is at its own step; the card says who reached RACE_TARGET test accuracy first. Else by step. Set
   * it before the run's points come (the clock keeps only points added while it is on).
   */
  setClock(on: boolean): void {
    const x: XAxis = on ? 'seconds' : 'step';
    if (this.x === x) return;
    this.x = x;
    this.invalidate();
  }

  /** What the charts run against now. */
  get xAxis(): XAxis {
    return this.x;
  }

  /** In a race with accuracies: who reached RACE_TARGET first and when ("neither yet"); else null. */
  get raceResult(): string | null {
    if (this.x !== 'seconds') return null;
    const reached = ENGINES.filter((e) => this.data[e].evalsClock.hasValues(TEST_ACCURACY)).map((engine) => {
      const store = this.data[engine].evalsClock;
      const accuracy = store.columns[TEST_ACCURACY] ?? [];
      const at = accuracy.findIndex((a) => a >= RACE_TARGET);
      return { engine, seconds: at < 0 ? null : store.x[at]! };
    });
    if (reached.length < 2) return null;
    // A regression's column holds R²: the same target, named as what it is.
    const percent = this.regression ? `a test R² of ${RACE_TARGET}` : `${RACE_TARGET * 100}% test accuracy`;
    const done = reached.filter((r) => r.seconds !== null).sort((a, b) => a.seconds! - b.seconds!);
    if (done.length === 0) return `Neither engine has reached ${percent} yet.`;
    const [first] = done;
    const others = reached
      .filter((r) => r !== first)
      .map((r) => `${ENGINE_STYLE[r.engine].label}: ${r.seconds === null ? 'not yet' : `${r.seconds.toFixed(1)} s`}`);
    return `Reached ${percent} first: ${ENGINE_STYLE[first!.engine].label}, in ${first!.seconds!.toFixed(1)} s (${others.join('; ')}).`;
  }

  private seconds(): number {
    this.clockStart ??= performance.now();
    return (performance.now() - this.clockStart) / 1000;
  }

  /** Switches the loss axes between linear and logarithmic (losses ≤ 0 are then left out). */
  setLogScale(on: boolean): void {
    if (this.log === on) return;
    this.log = on;
    this.invalidate();
  }

  /** Draws a dashed horizontal line at `value` (e.g. the PCA bound) named `label`; null removes it. */
  setReference(value: number | null, label: string): void {
    this.reference = value !== null && Number.isFinite(value) ? { value, label } : null;
    this.invalidate();
  }

  /** Forgets every curve (the reference line and the scale stay). */
  clear(): void {
    for (const engine of ENGINES) {
      const d = this.data[engine];
      d.train.clear();
      d.evals.clear();
      d.trainClock.clear();
      d.evalsClock.clear();
      d.lastSeconds = 0;
      d.ema.reset();
    }
    this.clockStart = null;
    this.invalidate();
  }

  /** The |GPU − CPU| chart's data as drawn: each common step and its difference (null: exactly 0, left out); null while hidden. */
  get engineDifference(): { steps: readonly number[]; values: ReadonlyArray<number | null> } | null {
    return this.difference.data;
  }

  /** Draws pending changes now instead of on the next coalesced frame. */
  flush(): void {
    this.cancelPending();
    this.lastDrawMs = performance.now();
    if (!this.dirty) return;
    this.dirty = false;
    this.drawTraining();
    this.drawEvals();
    const race = this.raceResult;
    this.raceLine.hidden = race === null;
    this.raceLine.textContent = race ?? '';
  }

  /** Stops pending redraws and removes the charts and the card. */
  destroy(): void {
    this.cancelPending();
    this.trainChart?.destroy();
    this.evalChart?.destroy();
    this.difference.destroy();
    this.trainChart = null;
    this.evalChart = null;
    this.card.remove();
  }

  /** Marks the charts stale and schedules one redraw, no sooner than MIN_REDRAW_MS after the last. */
  private invalidate(): void {
    this.dirty = true;
    if (this.timer !== null || this.frame !== 0) return;
    const wait = Math.max(0, this.lastDrawMs + MIN_REDRAW_MS - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.flush();
      });
    }, wait);
  }

  private cancelPending(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.timer = null;
    this.frame = 0;
  }

  private drawTraining(): void {
    const engines = ENGINES.filter((e) => this.data[e].train.length > 0);
    const curves: Curve[] = [];
    for (const engine of engines) {
      const store = this.x === 'seconds' ? this.data[engine].trainClock : this.data[engine].train;
      store.ensureSorted();
      const raw = store.columns[RAW] ?? [];
      const smooth = store.columns[SMOOTH] ?? [];
      curves.push({ x: store.x, y: raw, positiveOnly: this.log }, { x: store.x, y: smooth, positiveOnly: this.log });
    }
    const ref = this.reference;
    const { x, columns } = alignCurves(curves);
    if (ref) {
      const y = ref.value > 0 || !this.log ? ref.value : null;
      columns.push(x.map(() => y));
    }
    const data: uPlot.AlignedData = [x, ...columns];
    const raw = (engine: LossEngine) => (engines.includes(engine) ? { x: this.data[engine].train.x, y: this.data[engine].train.columns[RAW] ?? [] } : null);
    const partner = engines.includes('cpu') ? 'cpu' : 'reference';
    // How far apart the engines are is a question of steps, whatever the charts run against.
    let [first, last] = [Infinity, -Infinity];
    for (const e of engines) {
      const store = this.data[e].train;
      store.ensureSorted();
      if (store.length > 0) [first, last] = [Math.min(first, store.x[0]!), Math.max(last, store.x[store.length - 1]!)];
    }
    this.difference.update(raw('gpu'), raw(partner), first <= last ? [first, last] : [0, 1], partner, this.x === 'seconds');
    const layout = `${engines.join()}|${this.log}|${ref?.label ?? ''}|${ref !== null}|${this.x}`;
    if (!this.trainChart || layout !== this.trainLayout) {
      this.trainChart?.destroy();
      this.trainChart = new uPlot(trainingOptions(this.width, HEIGHT, engines, this.log, ref ? ref.label : null, this.x), data, this.holders[0]);
      this.trainLayout = layout;
    } else {
      this.trainChart.setData(data);
    }
  }

  private drawEvals(): void {
    const engines = ENGINES.filter((e) => this.data[e].evals.length > 0).map((engine) => ({
      engine,
      accuracy: this.data[engine].evals.hasValues(TEST_ACCURACY),
    }));
    const curves: Curve[] = [];
    for (const { engine, accuracy } of engines) {
      const store = this.x === 'seconds' ? this.data[engine].evalsClock : this.data[engine].evals;
      store.ensureSorted();
      curves.push({ x: store.x, y: store.columns[TEST_LOSS] ?? [], positiveOnly: this.log });
      if (accuracy) curves.push({ x: store.x, y: store.columns[TEST_ACCURACY] ?? [] });
    }
    const { x, columns } = alignCurves(curves);
    const data: uPlot.AlignedData = [x, ...columns];
    const layout = `${engines.map((e) => `${e.engine}:${e.accuracy}`).join()}|${this.log}|${this.x}|${this.regression}`;
    if (!this.evalChart || layout !== this.evalLayout) {
      this.evalChart?.destroy();
      this.evalChart = new uPlot(evalOptions(this.width, HEIGHT, engines, this.log, this.x, this.regression), data, this.holders[1]);
      this.evalLayout = layout;
    } else {
      this.evalChart.setData(data);
    }
  }
}
