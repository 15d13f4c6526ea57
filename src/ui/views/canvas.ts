// Canvas helpers for the views: fixed-size canvases sharp on high-density screens, and
// pixel images (ImageData) scaled up without smoothing.
import { maxAbs, unitRgb } from './colours';

/** A canvas of a fixed CSS size and its 2-D context, scaled so drawing uses CSS pixels. */
export interface SizedCanvas {
  canvas: HTMLCanvasElement;
  ctx: CanvasRenderingContext2D;
  /** CSS width in pixels. */
  width: number;
  /** CSS height in pixels. */
  height: number;
}

function context2d(canvas: HTMLCanvasElement, willReadFrequently: boolean): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently });
  if (!ctx) throw new Error('this browser gives no 2-D canvas context');
  return ctx;
}

/**
 * Appends a `width`×`height` (CSS pixels) canvas to `parent`. With `hiDpi` the backing store
 * follows devicePixelRatio and the context is scaled to CSS pixels.
 */
export function createCanvas(
  parent: HTMLElement,
  width: number,
  height: number,
  opts: { className?: string; hiDpi?: boolean; willReadFrequently?: boolean } = {},
): SizedCanvas {
  const canvas = document.createElement('canvas');
  canvas.className = opts.className ?? 'view-canvas';
  if (opts.hiDpi === false) canvas.dataset.hiDpi = 'false';
  const ctx = context2d(canvas, opts.willReadFrequently ?? false);
  const surface = { canvas, ctx, width, height };
  resizeCanvas(surface, width, height);
  parent.append(canvas);
  return surface;
}

/** Gives a canvas of createCanvas a new CSS size (its pixels are cleared), keeping its density. */
export function resizeCanvas(surface: SizedCanvas, width: number, height: number): void {
  const { canvas, ctx } = surface;
  const ratio = canvas.dataset.hiDpi === 'false' ? 1 : Math.max(1, Math.round(window.devicePixelRatio || 1));
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0); // resizing the canvas resets its context's state
  surface.width = width;
  surface.height = height;
}

/** An off-screen canvas holding a pixel image, drawn scaled with `blitPixels`. */
export class PixelBuffer {
  private readonly canvas = document.createElement('canvas');
  private readonly ctx = context2d(this.canvas, false);
  private image: ImageData | null = null;

  /** An opaque-white ImageData of the given size to paint into (reused between calls). */
  begin(width: number, height: number): ImageData {
    const w = Math.max(1, Math.floor(width));
    const h = Math.max(1, Math.floor(height));
    if (!this.image || this.image.width !== w || this.image.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.image = this.ctx.createImageData(w, h);
    }
    this.image.data.fill(255);
    return this.image;
  }

  /**
   * Draws the painted image into `target` at (x, y) scaled to w×h: pixels kept square-edged (an
   * image's pixels), or with `smooth` interpolated (a function sampled on a grid).
   */
  blitPixels(target: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, smooth = false): void {
    if (!this.image) return;
    this.ctx.putImageData(this.image, 0, 0);
    target.imageSmoothingEnabled = smooth;
    if (smooth) target.imageSmoothingQuality = 'high';
    target.drawImage(this.canvas, x, y, w, h);
  }
}

/** Writes one RGB pixel (opaque) at (x, y) of `image`. */
export function setPixel(image: ImageData, x: number, y: number, r: number, g: number, b: number): void {
  const i = (y * image.width + x) * 4;
  const d = image.data;
  d[i] = r;
  d[i + 1] = g;
  d[i + 2] = b;
  d[i + 3] = 255;
}

/** Grey level for an image value in [0, 1]: 1 is ink (dark), 0 is paper (white). */
export function inkGrey(v: number): number {
  return 255 * (1 - Math.max(0, Math.min(1, v)));
}

/**
 * Paints a side×side greyscale tile of `values[offset ..]` into `image` at (x0, y0); non-finite
 * values get the missing colour.
 */
export function paintGreyTile(
  image: ImageData,
  x0: number,
  y0: number,
  values: ArrayLike<number>,
  offset: number,
  side: number,
  missing: readonly [number, number, number],
): void {
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = values[offset + y * side + x] ?? Number.NaN;
      if (Number.isFinite(v)) {
        const g = inkGrey(v);
        setPixel(image, x0 + x, y0 + y, g, g, g);
      } else {
        setPixel(image, x0 + x, y0 + y, missing[0], missing[1], missing[2]);
      }
    }
  }
}

/**
 * Paints a side×side tile of signed `values[offset ..]` (a unit's weights) into `image` at (x0, y0):
 * blue negative, white zero, red positive, scaled by the tile's own largest |v|.
 */
export function paintSignedTile(image: ImageData, x0: number, y0: number, values: ArrayLike<number>, offset: number, side: number): void {
  const scale = maxAbs(values, offset, offset + side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const rgb = unitRgb(values[offset + y * side + x] ?? Number.NaN, scale);
      setPixel(image, x0 + x, y0 + y, rgb[0], rgb[1], rgb[2]);
    }
  }
}

/** A name across the top of a view's canvas, on a white strip (what a hovered unit's map shows). */
export function drawLabelStrip(ctx: CanvasRenderingContext2D, text: string, width: number): void {
  ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
  ctx.fillRect(0, 0, width, 22);
  ctx.fillStyle = '#1c1e21';
  ctx.font = '600 12px system-ui, sans-serif';
  ctx.textAlign = 'left';
  ctx.fillText(text, 6, 15, width - 12);
}
