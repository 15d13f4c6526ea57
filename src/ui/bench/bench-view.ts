// The benchmark view: ms per SGD step and steps per second of this project's GPU step and of the
// float32 CPU engine (in a Web Worker) on the current model as it is (see bench-target.ts), the
// speed-up, where each engine's step goes (stacked bars of its passes and the GPU's fixed cost),
// what a submit, a dispatch and a readback cost, and a sweep over batch × hidden sizes of the
// MNIST-shaped MLP plotted as time per step and speed-up, and a comparison with TensorFlow.js and
// jax-js (bench-compare.ts; their libraries are loaded only then).
// Sizes whose estimated step time is too long are skipped with a label; every run can be cancelled.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { benchImpl, formatPaths, runBench } from '../../bench/run';
import { BENCH_C, BENCH_D, describeBench, threadsText, type BenchResult, type BenchSize, type Impl } from '../../bench/types';
import { overheadTimes, phaseTimes, type Overheads } from '../../bench/gpu';
import { cpuBar, gpuBar, type StepBar } from '../../bench/step-bars';
import { CpuWorker } from '../../bench/cpu-worker-client';
import type { GpuContext } from '../../gpu/device';
import { untilAborted } from '../../base/until-aborted';
import { macsPerStep, speedVerdict, type Verdict } from '../../bench/verdict';
import { alignCurves, type Curve } from '../plots/align';
import { softwareAdapter } from '../../kernels/matmul';
import type { BenchTarget } from './bench-target';
import { COMPARE_SIZES, compareImpls, compareTables, notTimed, type CompareRow } from './bench-compare';
import { button, el, fmtMs as fmt, fmtRate, table } from './dom';
import { stepBarsFigure } from './step-bars-view';
import { ViewCard } from '../views/card';
import './bench.css';

/** The sweep's axes (the 32…4096 and 64…4096). */
export const SWEEP_BATCHES = [32, 128, 512, 2048, 4096];
export const SWEEP_HIDDENS = [64, 256, 1024, 4096];
/** A size is skipped when its estimated step takes longer than this (from the last measured rate). */
const MAX_ESTIMATED_MS = 3000;
const PROTOCOL = { warmup: 1, warmupMs: 200, rounds: 3, targetRoundMs: 100, maxStepsPerRound: 16 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

export interface BenchViewOptions {
  /** The page's GPU, or null (then only the CPU engine is timed). */
  gpu: () => GpuContext | null;
  /** What "time the current model" times. */
  current: () => BenchTarget;
  /** Sweep axes; the defaults above unless given (the tests use tiny ones). */
  batches?: number[];
  hiddens?: number[];
  /** The comparison's sizes of the MNIST-shaped MLP; COMPARE_SIZES unless given. */
  compareSizes?: BenchSize[];
  /** How long a peer may take (to load, validate and be timed) before its row says so and the next one starts; PEER_TIME_LIMIT_MS unless given. */
  peerTimeLimitMs?: number;
  /**
   * Called as a measurement starts: the page pauses its training, which shares the GPU and the cores
   * (timed beside it, both sides would be slow); returns whether it paused anything.
   */
  pauseTraining?: () => boolean;
}

/**
 * A peer that hangs (a library waiting on a device that never answers) must not stall the rest;
 * on SwiftShader each peer takes well under a minute at the comparison's size.
 */
export const PEER_TIME_LIMIT_MS = 180_000;

/** One cell of the sweep: measured, or skipped with the reason. */
export interface SweepCell extends BenchSize {
  impl: Impl;
  msPerStep: number | null;
  note?: string;
}

/** Flops of one step: 6 per weight and row (2 forward, 4 backward), two per multiply-add. */
const flops = (s: BenchSize) => 2 * macsPerStep(s);

export class BenchView {
  /** Every sweep cell so far (read by the tests). */
  readonly cells: SweepCell[] = [];
  /** Every row of the comparison so far (read by the tests). */
  readonly compared: CompareRow[] = [];
  /** 'idle', 'running', 'done', 'cancelled' or 'failed: …', also the card's data-state (read by the tests). */
  private stateText = 'idle';
  private readonly card: ViewCard;
  private readonly adapterLine: HTMLParagraphElement;
  private readonly summary: HTMLDivElement;
  private readonly progress: HTMLProgressElement;
  private readonly progressText: HTMLSpanElement;
  private readonly runButton: HTMLButtonElement;
  private readonly sweepButton: HTMLButtonElement;
  private readonly compareButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly charts: HTMLDivElement;
  private readonly cpu = new CpuWorker();
  private abort: AbortController | null = null;
  /** destroy() was called: a measurement that ends later draws nothing. */
  private destroyed = false;
  /** A comparison measurement that a cancel left running (a peer stops only when it ends), till it ends. */
  private inFlight: Promise<void> | null = null;
  private plots: uPlot[] = [];

  constructor(
    container: HTMLElement,
    private readonly opts: BenchViewOptions,
  ) {
    // No title: the section's <summary> is the heading.
    this.card = new ViewCard(
      container,
      'bench',
      '',
      "One SGD step on a fixed random batch: this project's WebGPU step (no readback) against the float32 CPU engine in a " +
        `Web Worker, for the current model (all its layers, its activation, its data's inputs and classes) and, in the sweep, ` +
        `for the ${BENCH_D}-H-${BENCH_C} swish MLP; the comparison times TensorFlow.js and jax-js on the same step, each checked against our losses first. ` +
        'Median of 3 rounds after a warm-up. Training and benchmarks share the GPU and the cores, so a measurement pauses the training.',
    );
    const b = this.card.body;
    this.adapterLine = el('p', 'bench-adapter');
    const buttons = el('div', 'bench-buttons');
    this.runButton = button('time the current model', () => void this.runCurrent());
    this.sweepButton = button('sweep batch × hidden', () => void this.runSweep());
    this.compareButton = button('compare with TensorFlow.js and jax-js', () => void this.runCompare());
    this.cancelButton = button('cancel', () => this.cancel());
    this.cancelButton.disabled = true;
    this.progress = document.createElement('progress');
    this.progress.value = 0;
    this.progressText = el('span', 'bench-progress-text');
    buttons.append(this.runButton, this.sweepButton, this.compareButton, this.cancelButton, this.progress, this.progressText);
    this.summary = el('div', 'bench-summary');
    this.charts = el('div', 'bench-charts');
    b.append(this.adapterLine, buttons, this.summary, this.charts);
    this.showAdapter();
  }

  get state(): string {
    return this.stateText;
  }

  private set state(value: string) {
    this.stateText = value;
    this.card.root.dataset.state = value;
  }

  /** What the last "time the current model" found, in a sentence; null before one, or without a GPU. */
  verdict: Verdict | null = null;
  /** And where each engine's step went (the CPU's alone without a GPU); null before one. */
  bars: StepBar[] | null = null;

  /** Times the current model on the GPU and the CPU, and each one's passes (the bars); the model is named first. */
  async runCurrent(): Promise<void> {
    const { size, note } = this.opts.current();
    this.verdict = null;
    this.bars = null;
    await this.guard(async (signal) => {
      this.summary.replaceChildren(el('p', 'bench-model', `Timed: ${describeBench(size)}`));
      if (note) this.summary.append(el('p', 'bench-note', note));
      const ctx = this.opts.gpu();
      const impls: Impl[] = ctx ? ['gpu', 'cpu'] : ['cpu'];
      const steps = impls.length + 1 + (ctx ? 1 : 0); // the steps, the CPU's passes, the GPU's passes
      const results = await this.measure(ctx, [size], impls, signal, steps);
      const gpu = results.find((r) => r.impl === 'gpu');
      const cpu = results.find((r) => r.impl === 'cpu');
      const rows = [['', 'ms / step', 'steps / s']];
      const name = (r: BenchResult) =>
        r.impl === 'gpu' ? 'GPU (WebGPU)' : r.threads !== undefined ? `CPU (float32, ${threadsText(r.threads)})` : 'CPU (float32)';
      for (const r of [gpu, cpu]) if (r) rows.push([name(r), fmt(r.msPerStep), fmtRate(r.msPerStep)]);
      this.summary.append(table(rows));
      if (gpu && cpu && ctx) {
        // In words, the faster engine named (src/bench/verdict.ts: the CLI's bench --compare says the same).
        this.verdict = speedVerdict(gpu.msPerStep, cpu.msPerStep, cpu.threads, softwareAdapter(ctx.adapterInfo));
        this.summary.append(el('p', 'bench-speedup', this.verdict.sentence));
      }
      if (gpu?.matmulPaths) {
        const how = gpu.tuning ? 'each timed on this GPU when the model was built' : 'one rule: this adapter runs one';
        this.summary.append(el('p', 'bench-paths', `Matmul entry points (${how}): ${formatPaths(gpu)}`));
      }
      // Where a step's time goes: each engine's passes, and the GPU's fixed cost (src/bench/step-bars.ts).
      this.tick(impls.length, steps, 'CPU per-pass times');
      signal.throwIfAborted();
      const cpuPasses = await untilAborted(this.cpu.passes(size, PROTOCOL), signal);
      const bars: StepBar[] = [];
      let overheads: Overheads | null = null;
      let how = 'CPU passes by the clock';
      if (ctx) {
        this.tick(steps - 1, steps, 'GPU per-pass times and overheads');
        signal.throwIfAborted();
        const passes = await phaseTimes(ctx, size);
        signal.throwIfAborted();
        overheads = await overheadTimes(ctx);
        bars.push(gpuBar({ passes, submitMs: overheads.submitMs }));
        how =
          passes.source === 'timestamp-query'
            ? 'GPU passes by timestamp queries, its fixed cost an empty step submitted and waited for'
            : 'no timestamp queries: GPU passes by the clock, less an empty step submitted and waited for, which is its fixed cost';
      }
      bars.push(cpuBar(cpuPasses, cpu ? name(cpu) : 'CPU (float32)'));
      this.bars = bars;
      this.summary.append(stepBarsFigure(bars, how));
      if (overheads) {
        const o = overheads;
        this.summary.append(
          el('p', '', 'What the GPU costs before any arithmetic (wall-clock), ms'),
          table([
            ['submit + wait', 'per dispatch', 'readback of 16 bytes'],
            [fmt(o.submitMs), o.dispatchMs.toFixed(4), fmt(o.readbackMs)],
          ]),
        );
      }
    });
  }

  /** Times every size of the sweep, skipping those estimated to take too long, and plots them. */
  async runSweep(): Promise<void> {
    const batches = this.opts.batches ?? SWEEP_BATCHES;
    const hiddens = this.opts.hiddens ?? SWEEP_HIDDENS;
    this.cells.length = 0;
    await this.guard(async (signal) => {
      const ctx = this.opts.gpu();
      const impls: Impl[] = ctx ? ['gpu', 'cpu'] : ['cpu'];
      const sizes = hiddens.flatMap((hidden) => batches.map((batch) => ({ batch, hidden })));
      sizes.sort((a, b) => flops(a) - flops(b)); // small first: each measurement predicts the next
      const total = sizes.length * impls.length;
      const rate: Partial<Record<Impl, number>> = {}; // ms per flop, from the last measurement
      for (const size of sizes) {
        for (const impl of impls) {
          signal.throwIfAborted();
          const estimate = rate[impl] !== undefined ? rate[impl]! * flops(size) : 0;
          if (estimate > MAX_ESTIMATED_MS) {
            this.cells.push({ ...size, impl, msPerStep: null, note: `skipped: about ${(estimate / 1000).toFixed(1)} s per step estimated` });
          } else {
            const [r] = await this.measure(ctx, [size], [impl], signal, 0);
            rate[impl] = r!.msPerStep / flops(size);
            this.cells.push({ ...size, impl, msPerStep: r!.msPerStep });
          }
          this.tick(this.cells.length, total, `${impl} ${size.batch}×${size.hidden}`);
        }
      }
      this.plotSweep(batches, hiddens);
    });
  }

  /**
   * Times this project's engines and the peers (those that can run here) at the comparison's sizes,
   * one after another, showing the table as it fills; a peer that fails its validation or cannot
   * load is shown as not timed, with the reason.
   */
  async runCompare(): Promise<void> {
    const sizes = this.opts.compareSizes ?? COMPARE_SIZES;
    await this.guard(async (signal) => {
      this.compared.length = 0; // inside: a call while one runs is refused, not given its rows
      const ctx = this.opts.gpu();
      const impls = compareImpls(ctx !== null);
      const total = sizes.length * impls.length;
      const show = () => {
        this.summary.replaceChildren(...compareTables(this.compared, sizes));
        if (!ctx) this.summary.append(el('p', 'bench-note', 'No WebGPU adapter: only the CPU implementations are timed.'));
      };
      for (const size of sizes) {
        for (const impl of impls) {
          signal.throwIfAborted();
          this.tick(this.compared.length, total, `validating and timing ${impl} at ${size.batch}×${size.hidden}…`);
          try {
            const work = benchImpl(ctx, impl, size, PROTOCOL, (s, p) => this.cpu.bench(s, p));
            const settled: Promise<void> = work.then(
              () => undefined,
              () => undefined,
            );
            this.inFlight = settled;
            void settled.then(() => {
              if (this.inFlight === settled) this.inFlight = null;
            });
            const ours = impl === 'gpu' || impl === 'cpu';
            const limited = ours ? work : withinTime(work, this.opts.peerTimeLimitMs ?? PEER_TIME_LIMIT_MS);
            this.compared.push({ ...size, impl, result: await untilAborted(limited, signal) });
          } catch (error) {
            if (signal.aborted || (error as Error).name === 'AbortError') throw error;
            this.compared.push(notTimed(impl, size, error));
          }
          show();
        }
      }
      this.tick(total, total, '');
    });
  }

  cancel(): void {
    this.abort?.abort();
    this.cpu.terminate();
  }

  /** Cancels what runs and removes the card; a second call does nothing more. */
  destroy(): void {
    this.destroyed = true;
    this.cancel();
    for (const p of this.plots) p.destroy();
    this.plots = [];
    this.card.remove();
  }

  private async measure(ctx: GpuContext | null, sizes: BenchSize[], impls: Impl[], signal: AbortSignal, extra: number): Promise<BenchResult[]> {
    if (!ctx) {
      const out: BenchResult[] = [];
      for (const s of sizes) out.push(await this.cpu.bench(s, PROTOCOL));
      return out;
    }
    const report = await runBench(ctx, {
      sizes,
      impls,
      protocol: PROTOCOL,
      signal,
      cpu: (s, p) => this.cpu.bench(s, p),
      onProgress: (done, total, last) => {
        if (extra > 0) this.tick(done, total + extra - impls.length, last ? `${last.impl} ${fmt(last.msPerStep)} ms/step` : '');
      },
    });
    return report.results;
  }

  private async guard(work: (signal: AbortSignal) => Promise<void>): Promise<void> {
    if (this.state === 'running') return;
    this.abort = new AbortController();
    this.state = 'running';
    this.setBusy(true);
    try {
      if (this.inFlight) {
        this.progressText.textContent = 'waiting for the cancelled measurement to end…';
        await untilAborted(this.inFlight, this.abort.signal); // no run beside a cancelled peer's
      }
      const paused = this.opts.pauseTraining?.() ?? false;
      await work(this.abort.signal);
      this.state = 'done';
      this.progressText.textContent = paused ? 'done (training was paused for it: press play to go on)' : 'done';
    } catch (error) {
      const cancelled = this.abort.signal.aborted || (error as Error).name === 'AbortError';
      this.state = cancelled ? 'cancelled' : `failed: ${(error as Error).message}`;
      this.progressText.textContent = this.state;
      if (cancelled && this.cells.length > 0) this.plotSweep(this.opts.batches ?? SWEEP_BATCHES, this.opts.hiddens ?? SWEEP_HIDDENS);
    } finally {
      this.setBusy(false);
      this.abort = null;
    }
  }

  private setBusy(busy: boolean): void {
    this.runButton.disabled = busy;
    this.sweepButton.disabled = busy;
    this.compareButton.disabled = busy;
    this.cancelButton.disabled = !busy;
    if (busy) this.progress.removeAttribute('value');
  }

  private tick(done: number, total: number, what: string): void {
    this.progress.max = Math.max(1, total);
    this.progress.value = done;
    this.progressText.textContent = `${done}/${total} ${what}`;
  }

  private showAdapter(): void {
    const ctx = this.opts.gpu();
    if (!ctx) {
      this.adapterLine.textContent = 'No WebGPU adapter: only the float32 CPU engine can be timed (and, in the comparison, the CPU peers).';
      return;
    }
    const l = ctx.device.limits;
    this.adapterLine.textContent =
      `Adapter: ${ctx.adapterName} · timestamp queries ${ctx.hasTimestamps ? 'yes' : 'no (per-pass times are wall-clock)'} · ` +
      `${l.maxComputeInvocationsPerWorkgroup} invocations per workgroup · ${l.maxComputeWorkgroupStorageSize / 1024} KiB workgroup storage · ` +
      `${(l.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB per storage binding`;
  }

  /**
   * Two log-log charts: ms per step against batch size, one colour per hidden size (GPU solid, CPU
   * dashed, and so in the legend); and the crossover, the GPU's speed-up against the work per step
   * (multiply-adds), with the line at 1×, the regions named and the current network marked.
   */
  private plotSweep(batches: number[], hiddens: number[]): void {
    if (this.destroyed) return; // its card is gone: charts drawn now would never be destroyed
    for (const p of this.plots) p.destroy();
    this.plots = [];
    this.charts.replaceChildren();
    const ms = (impl: Impl, batch: number, hidden: number) =>
      this.cells.find((c) => c.impl === impl && c.batch === batch && c.hidden === hidden)?.msPerStep ?? null;
    const width = Math.max(320, Math.min(720, this.card.body.clientWidth || 640));
    // A legend marker dashed where its line is: GPU and CPU of one width share a colour.
    const legend: uPlot.Legend = { markers: { width: 3, dash: (u, i) => (u.series[i]?.dash ? 'dashed' : 'solid') } };
    const logLog: uPlot.Scales = { x: { time: false, distr: 3, log: 2 }, y: { distr: 3 } };
    const timeSeries: uPlot.Series[] = [{ label: 'batch' }];
    const timeData: Array<Array<number | null>> = [batches];
    const speedCurves: Curve[] = [];
    const speedSeries: uPlot.Series[] = [{ label: 'multiply-adds / step' }];
    hiddens.forEach((h, i) => {
      const stroke = COLOURS[i % COLOURS.length]!;
      timeSeries.push({ label: `GPU H=${h}`, stroke, width: 2, spanGaps: true }, { label: `CPU H=${h}`, stroke, dash: [6, 4], width: 1.5, spanGaps: true });
      timeData.push(
        batches.map((b) => ms('gpu', b, h)),
        batches.map((b) => ms('cpu', b, h)),
      );
      // Measured points only: a size not timed on both engines is left out (and listed below).
      const points = batches.flatMap((b) => {
        const [g, c] = [ms('gpu', b, h), ms('cpu', b, h)];
        return g && c ? [{ x: macsPerStep({ batch: b, hidden: h }), y: c / g }] : [];
      });
      speedCurves.push({ x: points.map((p) => p.x), y: points.map((p) => p.y) });
      speedSeries.push({ label: `H=${h}`, stroke, width: 2, spanGaps: true, points: { show: true, size: 6 } });
    });
    const current = this.opts.current().size;
    const here = macsPerStep(current);
    const speed = alignCurves([...speedCurves, { x: [here], y: [1] }]);
    const parity = speed.x.map(() => 1);
    speedSeries.push({ label: '1× (same speed)', stroke: '#555', dash: [4, 4], width: 1, points: { show: false } });
    const make = (
      title: string,
      x: string,
      y: string,
      scales: uPlot.Scales,
      series: uPlot.Series[],
      data: Array<Array<number | null>>,
      hooks: uPlot.Hooks.Arrays = {},
    ) => {
      const holder = el('div', 'bench-chart');
      this.charts.append(holder);
      const axes: uPlot.Axis[] = [{ label: x }, { label: y }];
      this.plots.push(new uPlot({ title, width, height: 240, scales, axes, series, legend, hooks }, data as uPlot.AlignedData, holder));
    };
    make('time per step (ms, log scale)', 'batch size', 'ms / step', logLog, timeSeries, timeData);
    make(
      'GPU speed-up by work per step: the crossover',
      'multiply-adds per training step (log scale)',
      'speed-up (CPU ÷ GPU time)',
      // The line at 1× always inside, with room on both sides for the regions' names.
      {
        x: { time: false, distr: 3, log: 10 },
        y: { distr: 3, log: 10, range: (_u, lo, hi) => uPlot.rangeLog(Math.min(lo ?? 1, 0.5), Math.max(hi ?? 1, 2), 10, true) },
      },
      speedSeries,
      [speed.x, ...speed.columns.slice(0, speedCurves.length), parity],
      { draw: [(u) => nameRegions(u, here, describeBench(current))] },
    );
    const skipped = this.cells.filter((c) => c.note);
    if (skipped.length > 0) {
      const list = el('ul', 'bench-skipped');
      for (const c of skipped) list.append(el('li', '', `${c.impl} ${c.batch}×${c.hidden}: ${c.note}`));
      this.charts.append(list);
    }
  }
}

/** `work`, or a rejection once `ms` have passed without its result. */
function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no result within ${ms / 1000} s (it may still be running)`)), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** The crossover chart's words: "GPU faster" above the line at 1×, "CPU faster" below, and the current network's work per step. */
function nameRegions(u: uPlot, here: number, network: string): void {
  const { ctx, bbox } = u;
  const y1 = u.valToPos(1, 'y', true);
  const x = u.valToPos(here, 'x', true);
  ctx.save();
  ctx.textAlign = 'left'; // uPlot leaves the axes' alignment set
  ctx.textBaseline = 'alphabetic';
  ctx.font = `${Math.round(12 * devicePixelRatio)}px sans-serif`;
  ctx.fillStyle = '#555';
  const left = bbox.left + 6 * devicePixelRatio;
  if (y1 > bbox.top && y1 < bbox.top + bbox.height) {
    ctx.fillText('GPU faster ↑', left, y1 - 6 * devicePixelRatio);
    ctx.fillText('CPU faster ↓', left, y1 + 16 * devicePixelRatio);
  }
  if (x >= bbox.left && x <= bbox.left + bbox.width) {
    ctx.strokeStyle = '#0072b2';
    ctx.setLineDash([2 * devicePixelRatio, 3 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    ctx.fillStyle = '#0072b2';
    const text = `this network: ${network}`;
    const w = ctx.measureText(text).width;
    const gap = 4 * devicePixelRatio;
    // Right of the line where it fits, else left of it.
    ctx.fillText(text, x + gap + w <= bbox.left + bbox.width ? x + gap : Math.max(bbox.left, x - gap - w), bbox.top + 14 * devicePixelRatio);
  }
  ctx.restore();
}
