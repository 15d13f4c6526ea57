// Inputs beside what the autoencoder makes of them: originals on the top row, reconstructions
// below, 784-value vectors as 28×28 images, other sizes as small bar strips; 2-value vectors as
// points on their plane instead, each input joined to its reconstruction.
import { createCanvas, paintGreyTile, PixelBuffer, type SizedCanvas } from './canvas';
import { ViewCard } from './card';
import { CLASS_COLOURS, maxAbs, MISSING_RGB } from './colours';

const SIDE = 28;
const TILE = 56; // CSS pixels per image (2×)
const PITCH = 62; // tile plus gap
const MAX_PAIRS = 10;
const ROW_GAP = 8;
const WIDTH = MAX_PAIRS * PITCH - (PITCH - TILE);
const HEIGHT = 2 * TILE + ROW_GAP;
const ORIGINAL_COLOUR = CLASS_COLOURS[0] ?? '#0072b2';
const RECONSTRUCTION_COLOUR = CLASS_COLOURS[1] ?? '#e69f00';
const PAIRS_CAPTION = 'Top row: inputs; bottom row: what the autoencoder rebuilds from their codes.';
/** The plane's side, CSS pixels, and the margin kept free around the points. */
const PLANE = 340;
const PLANE_MARGIN = 14;
/** At most this many points are drawn on the plane (a redraw stays a few ms). */
export const MAX_PLANE_POINTS = 2000;

/** The largest |v| over the first `length` finite values of both arrays. */
function maxAbsOfBoth(a: Float32Array, b: Float32Array, length: number): number {
  return Math.max(maxAbs(a, 0, Math.min(length, a.length)), maxAbs(b, 0, Math.min(length, b.length)));
}

/** Up to ten original/reconstruction pairs, original above; for n = 2, every given point on the plane. */
export class ReconstructionView {
  private readonly card: ViewCard;
  private readonly surface: SizedCanvas;
  private readonly pixels = new PixelBuffer();
  /** Made on the first 2-D update; while it shows, the pairs' canvas is hidden. */
  private plane: SizedCanvas | null = null;

  /** Builds the card and its fixed-size canvas inside `container`. */
  constructor(container: HTMLElement) {
    this.card = new ViewCard(container, 'reconstructions', 'Reconstructions', PAIRS_CAPTION);
    this.surface = createCanvas(this.card.body, WIDTH, HEIGHT);
    this.clear();
  }

  /**
   * Draws k pairs of n-value vectors ([k, n] each, row-major): at most ten as images or bars, or
   * for n = 2 up to MAX_PLANE_POINTS as points on the plane.
   */
  update(originals: Float32Array, reconstructions: Float32Array, k: number, n: number): void {
    const width = Math.floor(n);
    this.showPlane(width === 2);
    if (width === 2) {
      this.drawPlane(originals, reconstructions, k);
      return;
    }
    this.clear();
    if (width <= 0) return;
    const pairs = Math.max(0, Math.min(Math.floor(k), MAX_PAIRS, Math.floor(originals.length / width), Math.floor(reconstructions.length / width)));
    if (width === SIDE * SIDE) {
      for (let i = 0; i < pairs; i++) {
        this.drawImage(originals, i * width, i * PITCH, 0);
        this.drawImage(reconstructions, i * width, i * PITCH, TILE + ROW_GAP);
      }
      return;
    }
    const scale = maxAbsOfBoth(originals, reconstructions, pairs * width);
    for (let i = 0; i < pairs; i++) {
      this.drawBars(originals, i * width, width, scale, i * PITCH, 0, ORIGINAL_COLOUR);
      this.drawBars(reconstructions, i * width, width, scale, i * PITCH, TILE + ROW_GAP, RECONSTRUCTION_COLOUR);
    }
  }

  /** Removes the card. */
  destroy(): void {
    this.card.remove();
  }

  private showPlane(show: boolean): void {
    if (show && !this.plane) this.plane = createCanvas(this.card.body, PLANE, PLANE, { className: 'view-canvas view-plane' });
    if (!this.plane) return;
    if (!show && this.plane.canvas.style.display !== 'none') this.card.setCaption(PAIRS_CAPTION);
    // style, not the hidden attribute: .view-canvas sets display: block, which would win over it.
    this.plane.canvas.style.display = show ? '' : 'none';
    this.surface.canvas.style.display = show ? 'none' : '';
  }

  /**
   * Inputs as dots, reconstructions as rings, a thin line from each to the other, on equal axes
   * through the origin: the tied linear autoencoder has no bias, so with code size 1 every
   * reconstruction lies on the line through 0 along W's row, the principal direction once trained.
   */
  private drawPlane(originals: Float32Array, reconstructions: Float32Array, k: number): void {
    const { ctx } = this.plane!;
    const count = Math.max(0, Math.min(Math.floor(k), MAX_PLANE_POINTS, Math.floor(originals.length / 2), Math.floor(reconstructions.length / 2)));
    this.card.setCaption(
      `${count} ${count === 1 ? 'point' : 'points'} on the plane: dots are the inputs x, rings their reconstructions WᵀW x, ` +
        'joined by a grey line (its length is the error). With code size 1 the rings lie on one line through the origin, ' +
        "along W's row: trained, the principal direction of the data.",
    );
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, PLANE, PLANE);
    // Equal scales on both axes, so that directions and distances are drawn true.
    const reach = Math.max(maxAbsOfBoth(originals, reconstructions, 2 * count), 1e-12);
    const scale = (PLANE / 2 - PLANE_MARGIN) / reach;
    const finite = (i: number, v: Float32Array) => Number.isFinite(v[2 * i]!) && Number.isFinite(v[2 * i + 1]!);
    const px = (v: Float32Array, i: number) => PLANE / 2 + v[2 * i]! * scale;
    const py = (v: Float32Array, i: number) => PLANE / 2 - v[2 * i + 1]! * scale;
    ctx.strokeStyle = '#d0d4da';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, PLANE / 2);
    ctx.lineTo(PLANE, PLANE / 2);
    ctx.moveTo(PLANE / 2, 0);
    ctx.lineTo(PLANE / 2, PLANE);
    ctx.stroke();
    ctx.strokeStyle = 'rgba(100, 110, 120, 0.45)';
    ctx.beginPath();
    for (let i = 0; i < count; i++) {
      if (!finite(i, originals) || !finite(i, reconstructions)) continue;
      ctx.moveTo(px(originals, i), py(originals, i));
      ctx.lineTo(px(reconstructions, i), py(reconstructions, i));
    }
    ctx.stroke();
    ctx.fillStyle = ORIGINAL_COLOUR;
    ctx.beginPath();
    for (let i = 0; i < count; i++) {
      if (!finite(i, originals)) continue;
      ctx.moveTo(px(originals, i) + 2.5, py(originals, i));
      ctx.arc(px(originals, i), py(originals, i), 2.5, 0, 2 * Math.PI);
    }
    ctx.fill();
    ctx.strokeStyle = RECONSTRUCTION_COLOUR;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let i = 0; i < count; i++) {
      if (!finite(i, reconstructions)) continue;
      ctx.moveTo(px(reconstructions, i) + 3.5, py(reconstructions, i));
      ctx.arc(px(reconstructions, i), py(reconstructions, i), 3.5, 0, 2 * Math.PI);
    }
    ctx.stroke();
    this.drawLegend(ctx);
  }

  private drawLegend(ctx: CanvasRenderingContext2D): void {
    ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.fillRect(4, 4, 128, 36);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = ORIGINAL_COLOUR;
    ctx.beginPath();
    ctx.arc(14, 14, 2.5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.strokeStyle = RECONSTRUCTION_COLOUR;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.arc(14, 30, 3.5, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.fillStyle = '#333333';
    ctx.fillText('input x', 24, 14);
    ctx.fillText('reconstruction', 24, 30);
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
