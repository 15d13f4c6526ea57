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
  private readonly canvases: [HTMLCanvasElement, HTMLCanvasElement];
  private readonly labels: [HTMLSpanElement, HTMLSpanElement];
  private readonly table: HTMLTableElement;

  constructor(container: HTMLElement) {
    this.card = new ViewCard(container, 'activation-stats', 'Hidden-layer statistics',
      'On the current batch: histograms of the pre-activations V and of f′(V), the activation’s derivative; how many units sit below zero (for swish, on its decreasing branch; for ReLU, dead for the whole batch); gradient norms and update-to-weight ratios.');
    const row = document.createElement('div');
    row.className = 'math-stats';
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
    const [c1, l1, f1] = figure();
    const [c2, l2, f2] = figure();
    this.canvases = [c1, c2];
    this.labels = [l1, l2];
    this.table = document.createElement('table');
    this.table.className = 'math-table';
    row.append(f1, f2, this.table);
    this.card.body.append(row);
  }

  update(s: ActivationStats): void {
    drawHistogram(this.canvases[0], s.vHistogram, '#0072b2', 0);
    drawHistogram(this.canvases[1], s.fPrimeHistogram, '#009e73', null);
    this.labels[0].textContent = `V from ${s.vHistogram.lo.toFixed(2)} to ${s.vHistogram.hi.toFixed(2)} (line at 0)`;
    this.labels[1].textContent = `${s.activation}′(V) from ${s.fPrimeHistogram.lo.toFixed(2)} to ${s.fPrimeHistogram.hi.toFixed(2)}`;
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const rows = [
      `<tr><td>v &lt; 0${s.activation === 'swish' ? ' (swish(v) &lt; 0)' : ''}</td><td colspan="2">${pct(s.negative)}</td></tr>`,
      ...(s.decreasing === null ? [] : [`<tr><td>v &lt; −1.28 (swish decreasing)</td><td colspan="2">${pct(s.decreasing)}</td></tr>`]),
      ...(s.dead === null ? [] : [`<tr><td>dead units (relu′ = 0 on the whole batch)</td><td colspan="2">${pct(s.dead)}</td></tr>`]),
      '<tr><th>tensor</th><th>‖grad‖</th><th>‖Δ‖/‖W‖ per step</th></tr>',
      ...Object.entries(s.gradNorms).map(([name, g]) =>
        `<tr><td>${name}</td><td>${g.toExponential(2)}</td><td>${s.updateRatios?.[name]?.toExponential(2) ?? '—'}</td></tr>`),
    ];
    this.table.innerHTML = rows.join('');
  }

  destroy(): void {
    this.card.remove();
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
