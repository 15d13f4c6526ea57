// The classifier's view of the plane: each grid cell coloured by its most likely class, paler
// where the network is unsure (or in full colour, "discretize output"), with the training points
// drawn on top and the test points as rings ("show test data"), as Playground's output; for a
// regression, each cell coloured by its predicted value and each point by its target, on one diverging ramp.
import { createCanvas, drawLabelStrip, PixelBuffer, setPixel, type SizedCanvas } from './canvas';
import { ViewCard } from './card';
import { classColour, classRgb, divergingRgb, maxAbs, mixRgb, MISSING_RGB, unitRgb, type Rgb } from './colours';

const SIZE = 300; // canvas side, CSS pixels
const WHITE: Rgb = [255, 255, 255];

/** The plane's extent in data coordinates. */
export interface Bounds {
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
}

/** What DecisionBoundaryView.update draws. */
export interface DecisionBoundaryData {
  /** Cells per side. */
  grid: number;
  /** [grid*grid, C] class probabilities; row r = y index from the top, column = x index. */
  probs: Float32Array;
  /** C, the number of classes. */
  classes: number;
  bounds: Bounds;
  /** [N, 2] point coordinates. */
  points: Float32Array;
  /** [N] point classes. */
  labels: Uint32Array;
  /** The test set's [M, 2] points and classes, drawn hollow. */
  testPoints?: Float32Array;
  testLabels?: Uint32Array;
  /**
   * A regression's picture in place of the classes': each cell's predicted value [grid²] and each
   * point's target (test points' after the training points'), coloured on one ramp from −scale to +scale.
   */
  regression?: { values: Float32Array; targets: Float32Array; testTargets?: Float32Array; scale: number };
}

/** A value on the regression's ramp, as CSS. */
function valueColour(v: number, scale: number): string {
  const [r, g, b] = Number.isFinite(v) ? divergingRgb(scale > 0 ? v / scale : 0) : MISSING_RGB;
  return `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
}

/** [grid*grid, 2] cell-centre coordinates in the order of `probs`: rows from the top (ymax), x left to right. */
export function gridPoints(grid: number, bounds: Bounds): Float32Array {
  const g = Math.max(0, Math.floor(grid));
  const out = new Float32Array(g * g * 2);
  const dx = (bounds.xmax - bounds.xmin) / g;
  const dy = (bounds.ymax - bounds.ymin) / g;
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      const i = (r * g + c) * 2;
      out[i] = bounds.xmin + (c + 0.5) * dx;
      out[i + 1] = bounds.ymax - (r + 0.5) * dy;
    }
  }
  return out;
}

/** Argmax class of one cell and its confidence mapped to [0, 1] (1/C → 0, 1 → 1); null if not finite. */
function cellClass(probs: Float32Array, offset: number, classes: number): { cls: number; strength: number } | null {
  let best = -1;
  let bestP = -Infinity;
  for (let k = 0; k < classes; k++) {
    const p = probs[offset + k] ?? Number.NaN;
    if (!Number.isFinite(p)) return null;
    if (p > bestP) {
      bestP = p;
      best = k;
    }
  }
  if (best < 0) return null;
  const chance = 1 / classes;
  const strength = classes > 1 ? (bestP - chance) / (1 - chance) : 1;
  return { cls: best, strength: Math.max(0, Math.min(1, strength)) };
}

/** One unit's values over the same grid, drawn in place of the boundary while it is hovered in the diagram. */
export interface UnitMap {
  grid: number;
  /** [grid²] values, rows from the top. */
  values: Float32Array;
  /** A class's probability (drawn in its colour, 0 to 1) rather than a signed activation. */
  classIndex?: number;
  label: string;
}

/** The two switches beside the boundary, as Playground has them under its output. */
export interface BoundaryOptions {
  /** Each cell in its class's full colour, without the paler shades of doubt. */
  discretize: boolean;
  /** The test points drawn, as rings. */
  showTest: boolean;
}

/** The switches as last set: kept for the page's life, so that a rebuild's new view starts with them. */
const chosen: BoundaryOptions = { discretize: false, showTest: true };

/** A heatmap of class probabilities over a 2-D plane with the data points on top. */
export class DecisionBoundaryView {
  private readonly card: ViewCard;
  private readonly surface: SizedCanvas;
  private readonly cells = new PixelBuffer();
  private last: DecisionBoundaryData | null = null;
  private unit: UnitMap | null = null;

  /** Builds the card and its 360×360 canvas inside `container`; a regression's card shows values, not classes. */
  constructor(container: HTMLElement, regression = false) {
    this.card = regression
      ? new ViewCard(
          container,
          'decision-boundary',
          'Predicted value',
          'The output over the plane, red above 0, blue below; dots: targets of the points. Hover a unit for its map.',
        )
      : new ViewCard(
          container,
          'decision-boundary',
          'Decision boundary',
          'The predicted class, paler where unsure; dots: training points. Hover a unit for its map.',
        );
    this.card.root.setAttribute('aria-label', 'decision boundary');
    this.card.root.setAttribute('role', 'figure');
    this.surface = createCanvas(this.card.body, SIZE, SIZE);
    const options = document.createElement('div');
    options.className = 'boundary-options';
    options.append(this.switch('showTest', 'show test data (rings)'), this.switch('discretize', 'discretize output'));
    this.card.body.append(options);
    this.clear();
  }

  /** A checkbox for one of the options: a change redraws what shows. */
  private switch(key: keyof BoundaryOptions, text: string): HTMLLabelElement {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = chosen[key];
    box.addEventListener('change', () => {
      chosen[key] = box.checked;
      if (this.unit) this.showUnit(this.unit);
      else if (this.last) this.draw(this.last);
    });
    label.append(box, ` ${text}`);
    return label;
  }

  /** Redraws the heatmap and the points; data that is short, empty or not finite is skipped. */
  update(data: DecisionBoundaryData): void {
    this.last = data;
    if (this.unit) return; // the hovered unit's map stays until the pointer leaves
    this.draw(data);
  }

  /** Draws one unit's map large, with the points on top (null: back to the boundary). */
  showUnit(map: UnitMap | null): void {
    this.unit = map;
    if (!map) {
      if (this.last) this.draw(this.last);
      this.card.root.removeAttribute('data-showing');
      return;
    }
    this.card.root.dataset.showing = map.label;
    const g = Math.floor(map.grid);
    const scale = maxAbs(map.values);
    const image = this.cells.begin(g, g);
    for (let i = 0; i < g * g; i++) {
      const rgb = unitRgb(map.values[i] ?? Number.NaN, scale, map.classIndex);
      setPixel(image, i % g, Math.floor(i / g), rgb[0], rgb[1], rgb[2]);
    }
    this.clear();
    this.cells.blitPixels(this.surface.ctx, 0, 0, SIZE, SIZE, true);
    if (this.last) this.drawAllPoints(this.last);
    drawLabelStrip(this.surface.ctx, map.label, SIZE);
  }

  private draw(data: DecisionBoundaryData): void {
    this.clear();
    const b = data.bounds;
    const spanX = b.xmax - b.xmin;
    const spanY = b.ymax - b.ymin;
    if (!(Number.isFinite(spanX) && Number.isFinite(spanY) && spanX > 0 && spanY > 0)) return;
    this.drawCells(data);
    this.drawAllPoints(data);
  }

  private drawAllPoints(data: DecisionBoundaryData): void {
    const { ctx } = this.surface;
    const b = data.bounds;
    const spanX = b.xmax - b.xmin;
    const spanY = b.ymax - b.ymin;
    if (!(Number.isFinite(spanX) && Number.isFinite(spanY) && spanX > 0 && spanY > 0)) return;
    const px = (x: number) => ((x - b.xmin) / spanX) * SIZE;
    const py = (y: number) => ((b.ymax - y) / spanY) * SIZE;
    const reg = data.regression;
    if (reg) {
      if (chosen.showTest && data.testPoints && reg.testTargets) this.drawValuePoints(ctx, data.testPoints, reg.testTargets, reg.scale, px, py, true);
      this.drawValuePoints(ctx, data.points, reg.targets, reg.scale, px, py, false);
      return;
    }
    if (chosen.showTest && data.testPoints && data.testLabels) this.drawPoints(ctx, data.testPoints, data.testLabels, px, py, true);
    this.drawPoints(ctx, data.points, data.labels, px, py, false);
  }

  /** A regression's points, each in its target's colour: training points filled, test points as rings. */
  private drawValuePoints(
    ctx: CanvasRenderingContext2D,
    points: Float32Array,
    targets: Float32Array,
    scale: number,
    px: (x: number) => number,
    py: (y: number) => number,
    hollow: boolean,
  ): void {
    const n = Math.min(Math.floor(points.length / 2), targets.length);
    const radius = n > 2000 ? 2 : 3.5;
    for (let i = 0; i < n; i++) {
      const x = px(points[2 * i]!);
      const y = py(points[2 * i + 1]!);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      const colour = valueColour(targets[i]!, scale);
      ctx.strokeStyle = 'rgba(20, 22, 26, 0.85)';
      if (hollow) {
        ctx.lineWidth = 3;
        ctx.stroke();
        ctx.lineWidth = 1.6;
        ctx.strokeStyle = colour;
        ctx.stroke();
      } else {
        ctx.lineWidth = 1;
        ctx.fillStyle = colour;
        ctx.fill();
        ctx.stroke();
      }
    }
  }

  /** Removes the card. */
  destroy(): void {
    this.card.remove();
  }

  private clear(): void {
    const { ctx } = this.surface;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, SIZE, SIZE);
  }

  private drawCells({ grid, probs, classes, regression }: DecisionBoundaryData): void {
    const g = Math.floor(grid);
    if (regression) {
      if (g <= 0 || regression.values.length < g * g) return;
      const image = this.cells.begin(g, g);
      for (let i = 0; i < g * g; i++) {
        const v = regression.values[i]!;
        const rgb = Number.isFinite(v) ? divergingRgb(regression.scale > 0 ? v / regression.scale : 0) : MISSING_RGB;
        setPixel(image, i % g, Math.floor(i / g), rgb[0], rgb[1], rgb[2]);
      }
      this.cells.blitPixels(this.surface.ctx, 0, 0, SIZE, SIZE, true);
      return;
    }
    const C = Math.floor(classes);
    if (g <= 0 || C <= 0 || probs.length < g * g * C) return;
    const image = this.cells.begin(g, g);
    for (let r = 0; r < g; r++) {
      for (let c = 0; c < g; c++) {
        const cell = cellClass(probs, (r * g + c) * C, C);
        const shade = chosen.discretize ? 0.75 : 0.15 + 0.6 * (cell?.strength ?? 0);
        const rgb = cell ? mixRgb(WHITE, classRgb(cell.cls), shade) : MISSING_RGB;
        setPixel(image, c, r, rgb[0], rgb[1], rgb[2]);
      }
    }
    // A smooth boundary, not 64×64 blocks; discretized, the cells' own edges.
    this.cells.blitPixels(this.surface.ctx, 0, 0, SIZE, SIZE, !chosen.discretize);
  }

  /** Training points filled with their class colour; test points (`hollow`) as rings of it. */
  private drawPoints(
    ctx: CanvasRenderingContext2D,
    points: Float32Array,
    labels: Uint32Array,
    px: (x: number) => number,
    py: (y: number) => number,
    hollow: boolean,
  ): void {
    const n = Math.min(Math.floor(points.length / 2), labels.length);
    if (n === 0) return;
    const radius = n > 2000 ? 2 : 3.5;
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const list = byClass.get(labels[i]!) ?? [];
      list.push(i);
      byClass.set(labels[i]!, list);
    }
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(20, 22, 26, 0.85)';
    for (const [cls, members] of byClass) {
      ctx.beginPath();
      for (const i of members) {
        const x = px(points[2 * i]!);
        const y = py(points[2 * i + 1]!);
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        ctx.moveTo(x + radius, y);
        ctx.arc(x, y, radius, 0, 2 * Math.PI);
      }
      if (hollow) {
        // A dark edge under a coloured ring, so that the ring reads on its own class's cells too.
        ctx.lineWidth = 3;
        ctx.strokeStyle = 'rgba(20, 22, 26, 0.85)';
        ctx.stroke();
        ctx.lineWidth = 1.6;
        ctx.strokeStyle = classColour(cls);
        ctx.stroke();
      } else {
        ctx.lineWidth = 1;
        ctx.strokeStyle = 'rgba(20, 22, 26, 0.85)';
        ctx.fillStyle = classColour(cls);
        ctx.fill();
        ctx.stroke();
      }
    }
  }
}
