// A pad to draw a digit on, as MNIST would see it (white ink on black), with the network's
// class probabilities as bars beside it; the caller runs the model in onDraw.
import { createCanvas, type SizedCanvas } from './canvas';
import { ViewCard } from './card';
import { downsampleDigit } from './digit-preprocess';

export { downsampleDigit } from './digit-preprocess';

const PAD = 280; // canvas side in pixels, 10× MNIST
const SIDE = 28;
const STROKE = 22;
const CLASSES = 10;

interface Bar {
  row: HTMLDivElement;
  fill: HTMLDivElement;
  value: HTMLSpanElement;
}

/** A 280×280 drawing pad, a clear button and ten probability bars. */
export class DrawDigitView {
  /** Called with 784 values in [0, 1] (MNIST-centred) at most once per animation frame while the drawing changes. */
  onDraw: ((pixels: Float32Array) => void) | null = null;

  private readonly card: ViewCard;
  private readonly pad: SizedCanvas;
  private readonly bars: Bar[] = [];
  private last: { x: number; y: number } | null = null;
  private frame = 0;

  /** Builds the card, the pad and the bars inside `container`. */
  constructor(container: HTMLElement) {
    this.card = new ViewCard(container, 'draw-digit', 'Draw a digit', 'Draw with the mouse or a finger; the network sees it centred and shrunk to 28×28.');
    const left = document.createElement('div');
    left.className = 'view-draw-pad';
    this.card.body.append(left);
    this.pad = createCanvas(left, PAD, PAD, { hiDpi: false, willReadFrequently: true, className: 'view-canvas view-draw-canvas' });
    const clear = document.createElement('button');
    clear.type = 'button';
    clear.className = 'view-button';
    clear.textContent = 'clear';
    clear.addEventListener('click', () => this.clear());
    left.append(clear);
    this.card.body.append(this.buildBars());
    this.listen(this.pad.canvas);
    this.clear();
  }

  /** Shows class probabilities (missing or non-finite entries as 0) and highlights the most likely class. */
  setProbabilities(p: ArrayLike<number>): void {
    let best = -1;
    let bestP = 0;
    this.bars.forEach((bar, k) => {
      const raw = k < p.length ? Number(p[k]) : 0;
      const v = Number.isFinite(raw) ? Math.max(0, Math.min(1, raw)) : 0;
      bar.fill.style.width = `${(v * 100).toFixed(1)}%`;
      bar.value.textContent = `${Math.round(v * 100)}%`;
      if (v > bestP) {
        bestP = v;
        best = k;
      }
    });
    this.bars.forEach((bar, k) => bar.row.classList.toggle('view-bar-top', k === best));
  }

  /** Replaces the drawing with a 28×28 image (784 values in [0, 1], 1 = ink) and reports it like a stroke would. */
  drawPixels(pixels: ArrayLike<number>): void {
    const { ctx } = this.pad;
    const cell = PAD / SIDE;
    ctx.fillStyle = '#000000';
    ctx.fillRect(0, 0, PAD, PAD);
    for (let i = 0; i < SIDE * SIDE; i++) {
      const v = i < pixels.length ? Number(pixels[i]) : 0;
      if (!(Number.isFinite(v) && v > 0)) continue;
      const g = Math.round(255 * Math.min(1, v));
      ctx.fillStyle = `rgb(${g}, ${g}, ${g})`;
      ctx.fillRect((i % SIDE) * cell, Math.floor(i / SIDE) * cell, cell, cell);
    }
    this.scheduleReport();
  }

  /** The current drawing as 784 MNIST-centred values in [0, 1]. */
  pixels(): Float32Array {
    const image = this.pad.ctx.getImageData(0, 0, PAD, PAD);
    return downsampleDigit(image.data, PAD, PAD);
  }

  /** Clears the pad and the bars. */
  clear(): void {
    const { ctx } = this.pad;
    ctx.fillStyle = '#000000';
    ctx.fillRect(0, 0, PAD, PAD);
    this.last = null;
    this.setProbabilities([]);
  }

  /** Removes the card and stops pending reports. */
  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.onDraw = null;
    this.card.remove();
  }

  private buildBars(): HTMLElement {
    const chart = document.createElement('div');
    chart.className = 'view-bars';
    for (let k = 0; k < CLASSES; k++) {
      const row = document.createElement('div');
      row.className = 'view-bar';
      const label = document.createElement('span');
      label.className = 'view-bar-label';
      label.textContent = String(k);
      const track = document.createElement('div');
      track.className = 'view-bar-track';
      const fill = document.createElement('div');
      fill.className = 'view-bar-fill';
      track.append(fill);
      const value = document.createElement('span');
      value.className = 'view-bar-value';
      row.append(label, track, value);
      chart.append(row);
      this.bars.push({ row, fill, value });
    }
    return chart;
  }

  private listen(canvas: HTMLCanvasElement): void {
    const position = (e: PointerEvent) => {
      const rect = canvas.getBoundingClientRect();
      return {
        x: ((e.clientX - rect.left) * PAD) / Math.max(1, rect.width),
        y: ((e.clientY - rect.top) * PAD) / Math.max(1, rect.height),
      };
    };
    canvas.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      try {
        canvas.setPointerCapture(e.pointerId);
      } catch {
        // Synthetic events have no active pointer to capture; drawing works without it.
      }
      const p = position(e);
      this.last = p;
      this.stroke(p, p);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.last) return;
      const p = position(e);
      this.stroke(this.last, p);
      this.last = p;
    });
    const end = () => {
      this.last = null;
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('lostpointercapture', end);
  }

  private stroke(from: { x: number; y: number }, to: { x: number; y: number }): void {
    const { ctx } = this.pad;
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = STROKE;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    if (from.x === to.x && from.y === to.y) {
      ctx.fillStyle = '#ffffff';
      ctx.arc(to.x, to.y, STROKE / 2, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      ctx.moveTo(from.x, from.y);
      ctx.lineTo(to.x, to.y);
      ctx.stroke();
    }
    this.scheduleReport();
  }

  private scheduleReport(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.onDraw) this.onDraw(this.pixels());
    });
  }
}
