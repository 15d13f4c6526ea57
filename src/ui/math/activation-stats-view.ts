// Draws the MLP's activation statistics: two histograms and a table of fractions, gradient norms
// and update-to-weight ratios per tensor.
import '../views.css';
import './math.css';
import { ViewCard } from '../views/card';
import type { ActivationStats, Histogram } from './activation-stats';

const W = 220;
const H = 90;

export class ActivationStatsView {
  private readonly card: ViewCard;
  /** One row of two histograms per hidden layer, made when the depth is first seen. */
  private readonly layers: HTMLDivElement;
  private figures: Array<{ canvases: [HTMLCanvasElement, HTMLCanvasElement]; labels: [HTMLSpanElement, HTMLSpanElement] }> = [];
  private readonly table: HTMLTableElement;

  constructor(container: HTMLElement) {
    this.card = new ViewCard(
      container,
      'activation-stats',
      'Hidden-layer statistics',
      'On the current batch, for each hidden layer: histograms of the pre-activations V and of f′(V), the activation’s derivative; how many units sit below zero (for swish, on its decreasing branch; for ReLU, dead for the whole batch). Then gradient norms and update-to-weight ratios per tensor.',
    );
    const row = document.createElement('div');
    row.className = 'math-stats';
    this.layers = document.createElement('div');
    this.layers.className = 'math-layers';
    this.table = document.createElement('table');
    this.table.className = 'math-table';
    row.append(this.layers, this.table);
    this.card.body.append(row);
  }

  update(s: ActivationStats): void {
    if (this.figures.length !== s.layers.length) this.makeFigures(s.layers.length);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const many = s.layers.length > 1;
    const rows: string[] = [];
    s.layers.forEach((layer, i) => {
      const { canvases, labels } = this.figures[i]!;
      const name = many ? `layer ${layer.layer}: ` : '';
      drawHistogram(canvases[0], layer.vHistogram, '#0072b2', 0);
      drawHistogram(canvases[1], layer.fPrimeHistogram, '#009e73', null);
      labels[0].textContent = `${name}V from ${layer.vHistogram.lo.toFixed(2)} to ${layer.vHistogram.hi.toFixed(2)} (line at 0)`;
      labels[1].textContent = `${name}${s.activation}′(V) from ${layer.fPrimeHistogram.lo.toFixed(2)} to ${layer.fPrimeHistogram.hi.toFixed(2)}`;
      const where = many ? ` in layer ${layer.layer}` : '';
      rows.push(
        `<tr><td>v &lt; 0${s.activation === 'swish' ? ' (swish(v) &lt; 0)' : ''}${where}</td><td colspan="2">${pct(layer.negative)}</td></tr>`,
        ...(layer.decreasing === null ? [] : [`<tr><td>v &lt; −1.28 (swish decreasing)${where}</td><td colspan="2">${pct(layer.decreasing)}</td></tr>`]),
        ...(layer.dead === null
          ? []
          : [`<tr data-dead="${layer.layer}"><td>dead units (relu′ = 0 on the whole batch)${where}</td><td colspan="2">${pct(layer.dead)}</td></tr>`]),
      );
    });
    rows.push(
      '<tr><th>tensor</th><th>‖grad‖</th><th>‖Δ‖/‖W‖ per step</th></tr>',
      ...Object.entries(s.gradNorms).map(
        ([name, g]) => `<tr><td>${name}</td><td>${g.toExponential(2)}</td><td>${s.updateRatios?.[name]?.toExponential(2) ?? '—'}</td></tr>`,
      ),
    );
    this.table.innerHTML = rows.join('');
  }

  destroy(): void {
    this.card.remove();
  }

  private makeFigures(count: number): void {
    const figure = (): [HTMLCanvasElement, HTMLSpanElement, HTMLElement] => {
      const el = document.createElement('div');
      el.className = 'math-figure';
      const canvas = document.createElement('canvas');
      canvas.width = W;
      canvas.height = H;
      canvas.className = 'view-canvas';
      const label = document.createElement('span');
      el.append(canvas, label);
      return [canvas, label, el];
    };
    this.layers.replaceChildren();
    this.figures = [];
    for (let i = 0; i < count; i++) {
      const row = document.createElement('div');
      row.className = 'math-stats';
      const [c1, l1, f1] = figure();
      const [c2, l2, f2] = figure();
      row.append(f1, f2);
      this.layers.append(row);
      this.figures.push({ canvases: [c1, c2], labels: [l1, l2] });
    }
  }
}

function drawHistogram(canvas: HTMLCanvasElement, h: Histogram, colour: string, marker: number | null): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, H);
  const max = Math.max(1, ...h.counts);
  const barWidth = W / h.counts.length;
  ctx.fillStyle = colour;
  h.counts.forEach((c, i) => {
    const height = (c / max) * (H - 4);
    ctx.fillRect(i * barWidth + 0.5, H - height, barWidth - 1, height);
  });
  if (marker !== null && marker > h.lo && marker < h.hi) {
    const x = ((marker - h.lo) / (h.hi - h.lo)) * W;
    ctx.strokeStyle = '#a50e0e';
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, H);
    ctx.stroke();
  }
}
