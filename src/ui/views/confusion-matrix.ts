// Where the classifier goes wrong: a C×C table of test counts, true class down, predicted
// class across, shaded by each row's share so small classes read as clearly as large ones.
import { createCanvas, type SizedCanvas } from './canvas';
import { ViewCard } from './card';
import { mixRgb, type Rgb } from './colours';

const SIZE = 360; // canvas side, CSS pixels
const MARGIN = 44; // room for the axis titles and class numbers
const WHITE: Rgb = [255, 255, 255];
const RIGHT: Rgb = [0, 109, 44]; // diagonal: correct
const WRONG: Rgb = [203, 24, 29]; // off-diagonal: errors
const CAPTION = 'Shaded by share of each true class.';

function count(counts: number[][], t: number, p: number): number {
  const v = counts[t]?.[p] ?? 0;
  return Number.isFinite(v) && v > 0 ? v : 0;
}

function css(rgb: Rgb): string {
  return `rgb(${Math.round(rgb[0])}, ${Math.round(rgb[1])}, ${Math.round(rgb[2])})`;
}

/** A confusion matrix with counts in the cells, the diagonal outlined, and accuracy in the caption. */
export class ConfusionMatrixView {
  private readonly card: ViewCard;
  private readonly surface: SizedCanvas;

  /** Builds the card and its 360×360 canvas inside `container`. */
  constructor(container: HTMLElement) {
    this.card = new ViewCard(container, 'confusion-matrix', 'Confusion matrix', `${CAPTION} Accuracy —`);
    this.surface = createCanvas(this.card.body, SIZE, SIZE);
    this.update([]);
  }

  /** Draws counts[true][predicted]; missing, negative or non-finite entries count as 0. */
  update(counts: number[][]): void {
    const C = counts.length;
    const { ctx } = this.surface;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, SIZE, SIZE);
    this.drawAxisTitles(ctx);
    if (C === 0) {
      this.card.setCaption(`${CAPTION} Accuracy —`);
      return;
    }
    const cell = (SIZE - MARGIN) / C;
    let correct = 0;
    let total = 0;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let t = 0; t < C; t++) {
      let rowSum = 0;
      for (let p = 0; p < C; p++) rowSum += count(counts, t, p);
      for (let p = 0; p < C; p++) {
        const v = count(counts, t, p);
        const share = rowSum > 0 ? v / rowSum : 0;
        // A square root lifts the small error shares off white without hiding the large ones.
        const rgb = mixRgb(WHITE, t === p ? RIGHT : WRONG, Math.sqrt(share) * 0.9);
        const x = MARGIN + p * cell;
        const y = MARGIN + t * cell;
        ctx.fillStyle = css(rgb);
        ctx.fillRect(x, y, cell, cell);
        if (cell >= 18 && v > 0) {
          ctx.fillStyle = share > 0.45 ? '#ffffff' : '#1c1e21';
          ctx.font = `${Math.min(13, Math.floor(cell / 3))}px system-ui, sans-serif`;
          ctx.fillText(String(v), x + cell / 2, y + cell / 2);
        }
      }
      correct += count(counts, t, t);
      total += rowSum;
    }
    this.drawGrid(ctx, C, cell);
    const accuracy = total > 0 ? `${((100 * correct) / total).toFixed(1)}% (${correct} / ${total})` : '—';
    this.card.setCaption(`${CAPTION} Accuracy ${accuracy}.`);
  }

  /** Removes the card. */
  destroy(): void {
    this.card.remove();
  }

  private drawAxisTitles(ctx: CanvasRenderingContext2D): void {
    ctx.fillStyle = '#4b4f56';
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('predicted', MARGIN + (SIZE - MARGIN) / 2, 10);
    ctx.save();
    ctx.translate(10, MARGIN + (SIZE - MARGIN) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText('true', 0, 0);
    ctx.restore();
  }

  private drawGrid(ctx: CanvasRenderingContext2D, C: number, cell: number): void {
    ctx.fillStyle = '#4b4f56';
    ctx.font = `${Math.min(12, Math.max(8, Math.floor(cell / 2.5)))}px system-ui, sans-serif`;
    const labelEvery = Math.ceil(10 / cell);
    for (let k = 0; k < C; k += labelEvery) {
      ctx.fillText(String(k), MARGIN + (k + 0.5) * cell, MARGIN - 10);
      ctx.fillText(String(k), MARGIN - 10, MARGIN + (k + 0.5) * cell);
    }
    ctx.strokeStyle = '#d8dce2';
    ctx.lineWidth = 1;
    ctx.strokeRect(MARGIN, MARGIN, SIZE - MARGIN, SIZE - MARGIN);
    ctx.strokeStyle = '#1c1e21';
    ctx.lineWidth = Math.min(2, cell / 8);
    for (let k = 0; k < C; k++) {
      const inset = ctx.lineWidth / 2;
      ctx.strokeRect(MARGIN + k * cell + inset, MARGIN + k * cell + inset, cell - 2 * inset, cell - 2 * inset);
    }
  }
}
