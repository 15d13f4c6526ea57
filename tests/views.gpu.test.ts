// The views in a real browser: each draws something visible from generated data, shrugs off
// empty and NaN input, and leaves nothing behind after destroy(). No GPU is involved.
import { afterEach, describe, expect, it } from 'vitest';
import { alignCurves } from '../src/ui/plots/align';
import { Ema } from '../src/ui/plots/ema';
import { LossPlot } from '../src/ui/plots/loss-plot';
import { SeriesStore } from '../src/ui/plots/series-store';
import { CLASS_COLOURS } from '../src/ui/views/colours';
import { ConfusionMatrixView } from '../src/ui/views/confusion-matrix';
import { classRgb } from '../src/ui/views/colours';
import { DecisionBoundaryView, gridPoints } from '../src/ui/views/decision-boundary';
import { DigitGridView } from '../src/ui/views/digit-grid';
import { downsampleDigit, DrawDigitView } from '../src/ui/views/draw-digit';
import { ReconstructionView } from '../src/ui/views/reconstructions';
import { WeightImagesView } from '../src/ui/views/weight-images';
import { Rng } from '../src/base/rng';

const hosts: HTMLElement[] = [];

/** A fresh container in the page. */
function host(): HTMLElement {
  const div = document.createElement('div');
  div.style.width = '700px';
  document.body.append(div);
  hosts.push(div);
  return div;
}

afterEach(() => {
  for (const h of hosts.splice(0)) h.remove();
});

/** Pixels that are painted (alpha > 0) and differ from the given background colour. */
function inkedPixels(canvas: HTMLCanvasElement, background: [number, number, number] = [255, 255, 255]): number {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2-D context');
  const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3]! > 0 && (d[i] !== background[0] || d[i + 1] !== background[1] || d[i + 2] !== background[2])) n++;
  }
  return n;
}

function canvases(el: HTMLElement): HTMLCanvasElement[] {
  return Array.from(el.querySelectorAll('canvas'));
}

function randomArray(rng: Rng, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

/** Three interleaved spiral arms: [N, 2] points and their classes. */
function spiralSet(rng: Rng, perClass: number): { points: Float32Array; labels: Uint32Array } {
  const N = 3 * perClass;
  const points = new Float32Array(2 * N);
  const labels = new Uint32Array(N);
  for (let i = 0; i < N; i++) {
    const c = i % 3;
    const r = (Math.floor(i / 3) + 1) / perClass;
    const t = 4 * r + (2 * Math.PI * c) / 3 + rng.normal() * 0.15;
    points[2 * i] = r * Math.cos(t);
    points[2 * i + 1] = r * Math.sin(t);
    labels[i] = c;
  }
  return { points, labels };
}

/** Centre of mass (x, y) of a 28×28 image, in pixel indices. */
function centreOfMass(img: Float32Array): [number, number] {
  let [m, mx, my] = [0, 0, 0];
  for (let i = 0; i < 784; i++) {
    m += img[i]!;
    mx += img[i]! * (i % 28);
    my += img[i]! * Math.floor(i / 28);
  }
  return [mx / m, my / m];
}

/** An opaque black w×h RGBA image with a white axis-aligned rectangle. */
function blob(w: number, h: number, x0: number, y0: number, bw: number, bh: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba[4 * i + 3] = 255;
  for (let y = y0; y < y0 + bh; y++) {
    for (let x = x0; x < x0 + bw; x++) rgba.fill(255, (y * w + x) * 4, (y * w + x) * 4 + 3);
  }
  return rgba;
}

describe('colours', () => {
  it('has ten distinct class colours', () => {
    expect(new Set(CLASS_COLOURS).size).toBe(10);
  });
});

describe('DecisionBoundaryView', () => {
  it('puts cell centres in the order of the probabilities: rows from the top, x left to right', () => {
    const g = gridPoints(4, { xmin: -2, xmax: 2, ymin: 0, ymax: 8 });
    expect(g.length).toBe(32);
    expect([g[0], g[1]]).toEqual([-1.5, 7]);
    expect([g[6], g[7]]).toEqual([1.5, 7]);
    expect([g[30], g[31]]).toEqual([1.5, 1]);
  });

  it('draws a heatmap and points, survives empty and NaN data, and is removed by destroy', () => {
    const el = host();
    const view = new DecisionBoundaryView(el);
    const rng = new Rng(1);
    const { points, labels } = spiralSet(rng, 100);
    const grid = 30;
    const bounds = { xmin: -1.2, xmax: 1.2, ymin: -1.2, ymax: 1.2 };
    const centres = gridPoints(grid, bounds);
    const probs = new Float32Array(grid * grid * 3);
    for (let i = 0; i < grid * grid; i++) {
      const angle = Math.atan2(centres[2 * i + 1]!, centres[2 * i]!);
      const logits = [Math.cos(angle), Math.cos(angle - 2.1), Math.cos(angle + 2.1)].map((v) => Math.exp(3 * v));
      const sum = logits.reduce((a, b) => a + b, 0);
      logits.forEach((v, k) => (probs[i * 3 + k] = v / sum));
    }
    view.update({ grid, probs, classes: 3, bounds, points, labels });
    const [canvas] = canvases(el);
    expect(canvas).toBeDefined();
    expect(inkedPixels(canvas!)).toBeGreaterThan(0.9 * canvas!.width * canvas!.height);

    probs[5] = Number.NaN;
    points[0] = Number.NaN;
    expect(() => view.update({ grid, probs, classes: 3, bounds, points, labels })).not.toThrow();
    expect(() =>
      view.update({ grid: 0, probs: new Float32Array(0), classes: 3, bounds, points: new Float32Array(0), labels: new Uint32Array(0) }),
    ).not.toThrow();
    expect(() => view.update({ grid, probs, classes: 3, bounds: { xmin: 0, xmax: 0, ymin: Number.NaN, ymax: 1 }, points, labels })).not.toThrow();
    expect(el.textContent).toContain('Decision boundary');
    view.destroy();
    expect(el.childElementCount).toBe(0);
  });

  it('fills the training points with their class colour and draws the test points as rings', () => {
    const el = host();
    const view = new DecisionBoundaryView(el);
    const bounds = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
    // One cell, no preference: the plane is one pale colour.
    view.update({
      grid: 1,
      probs: Float32Array.of(0.5, 0.5),
      classes: 2,
      bounds,
      points: Float32Array.of(-0.5, 0),
      labels: Uint32Array.of(1),
      testPoints: Float32Array.of(0.5, 0),
      testLabels: Uint32Array.of(1),
    });
    const [canvas] = canvases(el);
    const ctx = canvas!.getContext('2d')!;
    const scale = canvas!.width / 360;
    const pixel = (x: number, y: number) => Array.from(ctx.getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data.slice(0, 3));
    const plane = pixel(20, 20);
    expect(pixel(90, 180)).toEqual([...classRgb(1)].map(Math.round)); // the training point, filled
    expect(pixel(270, 180)).toEqual(plane); // the test point's centre shows the plane
    expect(pixel(270 + 3.5, 180)).not.toEqual(plane); // its ring
    view.destroy();
  });
});

describe('WeightImagesView', () => {
  it('draws one tile per row, says so when rows are not images, and is removed by destroy', () => {
    const el = host();
    const view = new WeightImagesView(el);
    const rng = new Rng(2);
    const W = randomArray(rng, 40 * 784, 0.05);
    view.update(W, 40, 784);
    const [canvas] = canvases(el);
    expect(inkedPixels(canvas!)).toBeGreaterThan(1000);
    const message = el.querySelector<HTMLElement>('.view-message')!;
    expect(message.hidden).toBe(true);

    view.update(randomArray(rng, 32 * 3), 32, 3);
    expect(message.hidden).toBe(false);
    expect(message.textContent).toContain('rows are not images');

    W[3] = Number.NaN;
    W.fill(Number.NaN, 784, 2 * 784);
    expect(() => view.update(W, 40, 784, { maxTiles: 100 })).not.toThrow();
    expect(message.hidden).toBe(true);
    expect(() => view.update(new Float32Array(0), 0, 784)).not.toThrow();
    expect(() => view.update(W, 100, 784)).not.toThrow(); // fewer rows present than claimed
    view.destroy();
    expect(el.childElementCount).toBe(0);
  });

  it('takes its title and caption from the caller', () => {
    const el = host();
    const view = new WeightImagesView(el, { title: 'Rows of W', caption: 'one row of W per tile' });
    expect(el.textContent).toContain('Rows of W');
    expect(el.textContent).toContain('one row of W per tile');
    view.destroy();
  });
});

describe('ConfusionMatrixView', () => {
  it('draws the counts and puts the accuracy in the caption', () => {
    const el = host();
    const view = new ConfusionMatrixView(el);
    const rng = new Rng(3);
    const C = 10;
    const counts = Array.from({ length: C }, (_, t) => Array.from({ length: C }, (_, p) => (t === p ? 80 + rng.int(20) : rng.int(5))));
    view.update(counts);
    const [canvas] = canvases(el);
    expect(inkedPixels(canvas!)).toBeGreaterThan(1000);
    let correct = 0;
    let total = 0;
    counts.forEach((row, t) =>
      row.forEach((v, p) => {
        total += v;
        if (t === p) correct += v;
      }),
    );
    expect(el.querySelector('.view-caption')!.textContent).toContain(`${((100 * correct) / total).toFixed(1)}%`);

    counts[0]![1] = Number.NaN;
    expect(() => view.update(counts)).not.toThrow();
    expect(() => view.update([])).not.toThrow();
    expect(() => view.update([[1, 2], [3]])).not.toThrow();
    expect(() =>
      view.update([
        [0, 0],
        [0, 0],
      ]),
    ).not.toThrow();
    view.destroy();
    expect(el.childElementCount).toBe(0);
  });
});

describe('DigitGridView', () => {
  it('draws digits with their predictions and marks the errors', () => {
    const el = host();
    const view = new DigitGridView(el);
    const rng = new Rng(4);
    const k = 12;
    const images = Float32Array.from({ length: k * 784 }, () => (rng.next() < 0.2 ? rng.next() : 0));
    const labels = Uint32Array.from({ length: k }, () => rng.int(10));
    const predictions = labels.map((l, i) => (i % 4 === 0 ? (l + 1) % 10 : l));
    view.update(images, labels, predictions);
    const cells = Array.from(el.querySelectorAll<HTMLElement>('.view-digit'));
    expect(cells.length).toBe(32);
    expect(inkedPixels(cells[0]!.querySelector('canvas')!)).toBeGreaterThan(0);
    expect(el.querySelectorAll('.view-digit-error').length).toBe(3);
    expect(cells[0]!.textContent).toContain(`pred ${predictions[0]}`);
    expect(cells[0]!.textContent).toContain(`true ${labels[0]}`);
    expect(cells[1]!.textContent).not.toContain('true');
    expect(el.querySelectorAll('.view-digit-empty').length).toBe(32 - k);

    images[10] = Number.NaN;
    expect(() => view.update(images, labels, predictions)).not.toThrow();
    expect(() => view.update(new Float32Array(0), new Uint32Array(0), new Uint32Array(0))).not.toThrow();
    expect(() => view.update(images, new Uint32Array(0), new Uint32Array(0))).not.toThrow();
    view.destroy();
    expect(el.childElementCount).toBe(0);
  });
});

describe('DrawDigitView', () => {
  it('centres a centred square blob in the middle of the 28×28 field', () => {
    const out = downsampleDigit(blob(280, 280, 100, 100, 80, 80), 280, 280);
    expect(out.length).toBe(784);
    expect(out.every((v) => v >= 0 && v <= 1)).toBe(true);
    const [cx, cy] = centreOfMass(out);
    expect(Math.abs(cx - 13.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy - 13.5)).toBeLessThanOrEqual(0.5);
    // Scaled to fill the 20×20 box: rows and columns 4..23 are ink, the border is empty.
    expect(out[14 * 28 + 14]).toBeCloseTo(1, 5);
    expect(out[14 * 28 + 2]).toBe(0);
    expect(out[2 * 28 + 14]).toBe(0);
  });

  it('moves a blob drawn in a corner to the centre', () => {
    const corner = downsampleDigit(blob(280, 280, 5, 10, 40, 60), 280, 280);
    const [cx, cy] = centreOfMass(corner);
    expect(Math.abs(cx - 13.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy - 13.5)).toBeLessThanOrEqual(0.5);
    expect(corner.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(downsampleDigit(blob(280, 280, 0, 0, 0, 0), 280, 280).every((v) => v === 0)).toBe(true);
    expect(downsampleDigit(new Uint8ClampedArray(0), 280, 280).length).toBe(784);
  });

  it('draws pixels, reports them through onDraw, shows probabilities and is removed by destroy', async () => {
    const el = host();
    const view = new DrawDigitView(el);
    const [pad] = canvases(el);
    expect(pad!.width).toBe(280);
    const digit = new Float32Array(784);
    for (let y = 6; y < 22; y++) for (let x = 12; x < 16; x++) digit[y * 28 + x] = 1; // a "1"
    const reported = new Promise<Float32Array>((resolve) => {
      view.onDraw = resolve;
    });
    view.drawPixels(digit);
    expect(inkedPixels(pad!, [0, 0, 0])).toBe(16 * 4 * 100);
    const pixels = await reported;
    expect(pixels.length).toBe(784);
    const [cx, cy] = centreOfMass(pixels);
    expect(Math.abs(cx - 13.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy - 13.5)).toBeLessThanOrEqual(0.5);

    const p = [0.01, 0.9, 0.02, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01];
    view.setProbabilities(p);
    const top = el.querySelectorAll('.view-bar-top');
    expect(top.length).toBe(1);
    expect(top[0]!.textContent).toContain('90%');
    expect(() => view.setProbabilities([Number.NaN, 2, -1])).not.toThrow();
    expect(() => view.setProbabilities([])).not.toThrow();
    expect(el.querySelectorAll('.view-bar-top').length).toBe(0);
    expect(() => view.drawPixels(new Float32Array([Number.NaN, 0.5]))).not.toThrow();

    view.clear();
    const stroked = new Promise<Float32Array>((resolve) => {
      view.onDraw = resolve;
    });
    const rect = pad!.getBoundingClientRect();
    const at = (type: string, x: number, y: number) =>
      pad!.dispatchEvent(new PointerEvent(type, { clientX: rect.left + x, clientY: rect.top + y, pointerId: 1, bubbles: true }));
    at('pointerdown', 40, 40);
    at('pointermove', 60, 120);
    at('pointermove', 80, 200);
    at('pointerup', 80, 200);
    at('pointermove', 250, 250); // after the pointer is up: not drawn
    expect(inkedPixels(pad!, [0, 0, 0])).toBeGreaterThan(2000);
    const strokePixels = await stroked;
    expect(strokePixels.some((v) => v > 0.5)).toBe(true);
    expect(pad!.getContext('2d')!.getImageData(250, 250, 1, 1).data[0]).toBe(0);

    el.querySelector<HTMLButtonElement>('button')!.click();
    expect(inkedPixels(pad!, [0, 0, 0])).toBe(0);
    view.destroy();
    expect(el.childElementCount).toBe(0);
  });
});

describe('ReconstructionView', () => {
  it('draws image pairs for 784-value rows and bar strips otherwise', () => {
    const el = host();
    const view = new ReconstructionView(el);
    const rng = new Rng(5);
    const [canvas] = canvases(el);
    const k = 6;
    const originals = Float32Array.from({ length: k * 784 }, () => rng.next());
    const recon = Float32Array.from(originals, (v) => v + rng.normal() * 0.1);
    view.update(originals, recon, k, 784);
    expect(inkedPixels(canvas!)).toBeGreaterThan(k * 2 * 56 * 56 * 0.5);

    view.update(randomArray(rng, k * 5), randomArray(rng, k * 5), k, 5);
    const bars = inkedPixels(canvas!);
    expect(bars).toBeGreaterThan(0);

    recon[0] = Number.NaN;
    expect(() => view.update(originals, recon, k, 784)).not.toThrow();
    expect(() => view.update(new Float32Array(0), new Float32Array(0), 0, 784)).not.toThrow();
    expect(() => view.update(new Float32Array([Number.NaN, 1]), new Float32Array([1, Number.NaN]), 1, 2)).not.toThrow();
    expect(() => view.update(originals, recon, 99, 0)).not.toThrow();
    view.destroy();
    expect(el.childElementCount).toBe(0);
  });
});

describe('loss plot parts', () => {
  it('thins past the cap to an even density over the whole curve, keeping the newest point', () => {
    const store = new SeriesStore(1, 100);
    for (let i = 0; i < 1000; i++) store.push(i, [i * 2]);
    expect(store.length).toBeLessThanOrEqual(100);
    expect(store.x.at(-1)).toBe(999);
    expect(store.columns[0]!.at(-1)).toBe(1998);
    expect(store.x.every((x, i) => i === 0 || x > store.x[i - 1]!)).toBe(true);
    // A long curve keeps its first tenth as densely as its last (it used to thin the old part away).
    const long = new SeriesStore(1, 1000);
    for (let i = 0; i < 100_000; i++) long.push(i, [i]);
    const first = long.x.filter((x) => x < 10_000).length;
    const last = long.x.filter((x) => x >= 90_000).length;
    expect(first).toBeGreaterThan(40);
    expect(Math.abs(first - last)).toBeLessThanOrEqual(2);
    expect(long.columns[0]!.every((y, i) => y === long.x[i])).toBe(true);
  });

  it('keeps the same steps of two curves of different lengths (a race: the CPU far ahead of the GPU)', () => {
    const gpu = new SeriesStore(1, 5000);
    const cpu = new SeriesStore(1, 5000);
    for (let i = 0; i < 3000; i++) gpu.push(i, [i]);
    for (let i = 0; i < 70_000; i++) cpu.push(i, [i]);
    const common = gpu.x.filter((x) => cpu.x.includes(x));
    expect(common.length).toBeGreaterThanOrEqual(3000 / 16);
    expect(cpu.x.filter((x) => x < 3000).length).toBe(common.length);
  });

  it('by arrival, keeps every stride-th point pushed whatever its x, and the newest', () => {
    const store = new SeriesStore(1, 10, 'arrival');
    const xs = Array.from({ length: 95 }, (_, i) => i * 7 + (i % 3)); // irregular steps
    for (const x of xs) store.push(x, [x]);
    expect(store.length).toBeLessThanOrEqual(10);
    expect(store.x.at(-1)).toBe(xs.at(-1));
    expect(store.x.slice(0, -1)).toEqual(xs.filter((_, i) => i % 16 === 0));
  });

  it('aligns curves sampled at different steps, with nulls for gaps and non-positive values on log axes', () => {
    const { x, columns } = alignCurves([
      { x: [0, 2, 4], y: [1, Number.NaN, 3] },
      { x: [1, 2], y: [0, 5], positiveOnly: true },
    ]);
    expect(x).toEqual([0, 1, 2, 4]);
    expect(columns).toEqual([
      [1, null, null, 3],
      [null, null, 5, null],
    ]);
  });

  it('smooths without bias towards zero at the start', () => {
    const ema = new Ema(0.05);
    expect(ema.push(2)).toBeCloseTo(2, 12);
    expect(ema.push(2)).toBeCloseTo(2, 12);
  });
});

describe('LossPlot', () => {
  it('draws training and test curves for both engines, on a log scale with a reference line', async () => {
    const el = host();
    const plot = new LossPlot(el);
    const rng = new Rng(6);
    for (const engine of ['gpu', 'reference'] as const) {
      const steps = Array.from({ length: 300 }, (_, step) => ({ step, loss: 2 * Math.exp(-step / 80) + 0.1 + 0.05 * rng.next() }));
      steps[7] = { step: 7, loss: Number.NaN };
      steps[9] = { step: Number.POSITIVE_INFINITY, loss: 1 };
      plot.addSteps(engine, steps.slice(0, 150));
      plot.addSteps(engine, steps.slice(150));
      for (let step = 0; step < 300; step += 50) {
        plot.addEval(engine, { step, testLoss: 2 * Math.exp(-step / 80) + 0.12, testAccuracy: 1 - Math.exp(-step / 60) * 0.9 });
      }
    }
    plot.addEval('gpu', { step: 300, testLoss: Number.NaN });
    plot.setLogScale(true);
    plot.setReference(0.1, 'PCA bound');
    await new Promise((resolve) => setTimeout(resolve, 400)); // the coalesced redraw
    const charts = Array.from(el.querySelectorAll<HTMLElement>('.uplot'));
    expect(charts.length).toBe(3); // training, test set, and |GPU − CPU| with both engines
    for (const chart of charts) {
      const canvas = chart.querySelector('canvas');
      expect(canvas).not.toBeNull();
      expect(inkedPixels(canvas!)).toBeGreaterThan(500);
    }
    const legend = charts[0]!.querySelector('.u-legend')!.textContent ?? '';
    expect(legend).toContain('GPU');
    expect(legend).toContain('CPU');
    expect(legend).toContain('PCA bound');
    expect(charts[1]!.textContent).toContain('GPU accuracy');
    expect(el.querySelector('.loss-note')!.textContent).toMatch(/^The GPU's and the CPU reference's curves differ by up to/);
    expect(plot.engineDifference!.steps.length).toBe(298); // the steps both have with finite losses

    plot.setLogScale(false);
    plot.setReference(null, '');
    plot.clear();
    plot.addSteps('gpu', [{ step: 0, loss: Number.NaN }]);
    plot.addEval('reference', { step: 0, testLoss: 1 }); // no accuracy: the autoencoder
    expect(() => plot.flush()).not.toThrow();
    expect(el.querySelectorAll('.uplot')[1]!.textContent).not.toContain('accuracy');
    expect(plot.engineDifference).toBeNull(); // one engine: no difference chart
    expect(el.querySelector<HTMLElement>('.loss-difference')!.hidden).toBe(true);
    plot.destroy();
    expect(el.childElementCount).toBe(0);
  });

  it('leaves exact zeros out of the |GPU − CPU| log axis and says so', () => {
    const el = host();
    const plot = new LossPlot(el);
    const steps = Array.from({ length: 20 }, (_, step) => ({ step, loss: 1 / (1 + step) }));
    plot.addSteps('gpu', steps);
    plot.addSteps(
      'reference',
      steps.map((m) => (m.step % 2 ? { ...m, loss: m.loss + 1e-7 } : m)),
    );
    expect(() => plot.flush()).not.toThrow();
    const { values } = plot.engineDifference!;
    expect(values.filter((v) => v === null).length).toBe(10);
    expect(values.filter((v) => v !== null).every((v) => v! > 0)).toBe(true);
    expect(el.querySelector('.loss-difference')!.textContent).toContain('Left out: 10 steps where the two agree exactly');
    expect(el.querySelector('.loss-note')!.textContent).toMatch(/coincide: they differ by at most 1\.00e-7 /);
    plot.clear();
    plot.addSteps('gpu', steps);
    plot.addSteps('reference', steps); // every step 0: nothing to draw on a log axis, and no error
    expect(() => plot.flush()).not.toThrow();
    expect(plot.engineDifference!.values.every((v) => v === null)).toBe(true);
    plot.destroy();
  });
});
