// Inputs beside what the autoencoder makes of them: originals on the top row, reconstructions
// below; 784-value vectors as 28×28 images, other sizes as small bar strips.
import { createCanvas, paintGreyTile, PixelBuffer, type SizedCanvas } from './canvas';
import { ViewCard } from './card';
import { CLASS_COLOURS, MISSING_RGB } from './colours';

const SIDE = 28;
const TILE = 56; // CSS pixels per image (2×)
const PITCH = 62; // tile plus gap
const MAX_PAIRS = 10;
const ROW_GAP = 8;
const WIDTH = MAX_PAIRS * PITCH - (PITCH - TILE);
const HEIGHT = 2 * TILE + ROW_GAP;
const ORIGINAL_COLOUR = CLASS_COLOURS[0] ?? '#0072b2';
const RECONSTRUCTION_COLOUR = CLASS_COLOURS[1] ?? '#e69f00';

/** The largest |v| over the first `length` finite values of both arrays. */
function maxAbs(a: Float32Array, b: Float32Array, length: number): number {
  let m = 0;
  for (let i = 0; i < length; i++) {
    const x = Math.abs(a[i] ?? 0);
    const y = Math.abs(b[i] ?? 0);
    if (Number.isFinite(x) && x > m) m = x;
    if (Number.isFinite(y) && y > m) m = y;
  }
  return m;
}

/** Up to ten original/reconstruction pairs, original above. */
export class ReconstructionView {
  private readonly card: ViewCard;
  private readonly surface: SizedCanvas;
  private readonly pixels = new PixelBuffer();

  /** Builds the card and its fixed-size canvas inside `container`. */
  constructor(container: HTMLElement) {
    this.card = new ViewCard(container, 'reconstructions', 'Reconstructions',
      'Top row: inputs; bottom row: what the autoencoder rebuilds from their codes.');
    this.surface = createCanvas(this.card.body, WIDTH, HEIGHT);
    this.clear();
  }

  /** Draws k pairs of n-value vectors ([k, n] each, row-major); at most ten are shown. */
  update(originals: Float32Array, reconstructions: Float32Array, k: number, n: number): void {
    this.clear();
    const width = Math.floor(n);
    if (width <= 0) return;
    const pairs = Math.max(0, Math.min(Math.floor(k), MAX_PAIRS,
      Math.floor(originals.length / width), Math.floor(reconstructions.length / width)));
    if (width === SIDE * SIDE) {
      for (let i = 0; i < pairs; i++) {
        this.drawImage(originals, i * width, i * PITCH, 0);
        this.drawImage(reconstructions, i * width, i * PITCH, TILE + ROW_GAP);
      }
      return;
    }
    const scale = maxAbs(originals, reconstructions, pairs * width);
    for (let i = 0; i < pairs; i++) {
      this.drawBars(originals, i * width, width, scale, i * PITCH, 0, ORIGINAL_COLOUR);
      this.drawBars(reconstructions, i * width, width, scale, i * PITCH, TILE + ROW_GAP, RECONSTRUCTION_COLOUR);
    }
  }

  /** Removes the card. */
  destroy(): void {
    this.card.remove();
  }

  private clear(): void {
    const { ctx } = this.surface;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
  }

  private drawImage(values: Float32Array, offset: number, x: number, y: number): void {
    const image = this.pixels.begin(SIDE, SIDE);
    paintGreyTile(image, 0, 0, values, offset, SIDE, MISSING_RGB);
    this.pixels.blitPixels(this.surface.ctx, x, y, TILE, TILE);
  }

  /** One vector as bars around a zero line in a TILE×TILE box; all boxes share `scale`. */
  private drawBars(values: Float32Array, offset: number, n: number, scale: number, x: number, y: number, colour: string): void {
    const { ctx } = this.surface;
    ctx.fillStyle = '#f0f2f5';
    ctx.fillRect(x, y, TILE, TILE);
    const mid = y + TILE / 2;
    ctx.fillStyle = '#aab0b8';
    ctx.fillRect(x, mid - 0.5, TILE, 1);
    if (scale <= 0) return;
    const barWidth = TILE / n;
    ctx.fillStyle = colour;
    for (let j = 0; j < n; j++) {
      const v = values[offset + j] ?? Number.NaN;
      if (!Number.isFinite(v)) continue;
      const h = (v / scale) * (TILE / 2 - 2);
      ctx.fillRect(x + j * barWidth + barWidth * 0.1, h >= 0 ? mid - h : mid, Math.max(0.5, barWidth * 0.8), Math.abs(h));
    }
  }
}
