// A derivation line's tensor as a heatmap: one cell per entry on the page's diverging ramp (blue
// negative, white zero, red positive), and a black cross on each entry that differs from the true
// value, so that the wrong entries show without telling red from green.
import type { Tensor } from '../../derive/index';
import { divergingRgb, MISSING_RGB } from '../views/colours';
import { createCanvas } from '../views/canvas';

/** The largest side a heatmap takes, and the cell sizes it keeps to (CSS pixels). */
const MAX_SIDE = 220;
const MAX_CELL = 26;
const MIN_CELL = 3;

/**
 * Draws `t` into a new canvas in `parent`, coloured by v / `scale` (one scale for a line's tensor and
 * its true one, so the two compare), crossing the entries where `mask` is 1.
 */
export function drawHeatmap(parent: HTMLElement, t: Tensor, scale: number, mask: Uint8Array | null, label: string): HTMLCanvasElement {
  const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor(MAX_SIDE / Math.max(t.rows, t.cols))));
  const { canvas, ctx } = createCanvas(parent, t.cols * cell, t.rows * cell, { className: 'derive-heatmap' });
  for (let i = 0; i < t.rows; i++) {
    for (let j = 0; j < t.cols; j++) {
      const v = t.data[i * t.cols + j]!;
      const [r, g, b] = Number.isFinite(v) ? divergingRgb(scale > 0 ? v / scale : 0) : MISSING_RGB;
      ctx.fillStyle = `rgb(${r | 0}, ${g | 0}, ${b | 0})`;
      ctx.fillRect(j * cell, i * cell, cell, cell);
    }
  }
  if (cell >= 6) {
    ctx.strokeStyle = 'rgba(28, 30, 33, 0.12)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = 1; i < t.rows; i++) {
      ctx.moveTo(0, i * cell + 0.5);
      ctx.lineTo(t.cols * cell, i * cell + 0.5);
    }
    for (let j = 1; j < t.cols; j++) {
      ctx.moveTo(j * cell + 0.5, 0);
      ctx.lineTo(j * cell + 0.5, t.rows * cell);
    }
    ctx.stroke();
  }
  let wrong = 0;
  if (mask) {
    ctx.strokeStyle = '#1c1e21';
    ctx.lineWidth = cell >= 10 ? 2 : 1;
    const inset = Math.max(1, cell * 0.22);
    for (let i = 0; i < t.rows; i++) {
      for (let j = 0; j < t.cols; j++) {
        if (!mask[i * t.cols + j]) continue;
        wrong++;
        const x = j * cell;
        const y = i * cell;
        ctx.beginPath();
        ctx.moveTo(x + inset, y + inset);
        ctx.lineTo(x + cell - inset, y + cell - inset);
        ctx.moveTo(x + cell - inset, y + inset);
        ctx.lineTo(x + inset, y + cell - inset);
        ctx.stroke();
      }
    }
  }
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${label}: ${t.rows} × ${t.cols}${mask ? `, ${wrong} of ${t.data.length} entries differ from the true value` : ''}`);
  return canvas;
}

/** The largest |v| of the finite entries of some tensors: one colour scale for all of them. */
export function commonScale(...tensors: Array<Tensor | null>): number {
  let m = 0;
  for (const t of tensors) if (t) for (const v of t.data) if (Number.isFinite(v) && Math.abs(v) > m) m = Math.abs(v);
  return m;
}
