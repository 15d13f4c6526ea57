// Rows of a weight matrix shown as images: for the MLP's first layer and the autoencoder's W,
// each row holds one unit's weights over the 28×28 input pixels.
import { createCanvas, drawLabelStrip, paintSignedTile, PixelBuffer, type SizedCanvas } from './canvas';
import { ViewCard } from './card';

const SIZE = 360; // canvas side, CSS pixels
const GAP = 1; // image pixels between tiles

/** Options for WeightImagesView.update. */
export interface WeightImagesOptions {
  /** Tile side; a row must have side*side values (default 28). */
  side?: number;
  /** At most this many rows are drawn (default 64). */
  maxTiles?: number;
}

/** A grid of tiles, one per weight-matrix row, blue negative, white zero, red positive. */
export class WeightImagesView {
  private readonly card: ViewCard;
  private readonly surface: SizedCanvas;
  private readonly message: HTMLDivElement;
  private readonly tiles = new PixelBuffer();
  private last: { W: Float32Array; rows: number; cols: number; opts: WeightImagesOptions } | null = null;
  private unit: number | null = null;

  /** Builds the card and its 360×360 canvas inside `container`; title and caption may be replaced. */
  constructor(container: HTMLElement, text: { title?: string; caption?: string } = {}) {
    this.card = new ViewCard(
      container,
      'weight-images',
      text.title ?? 'First-layer weights',
      text.caption ?? "Each tile is one hidden unit's 784 weights, red positive, blue negative, scaled per tile.",
    );
    const stage = document.createElement('div');
    stage.className = 'view-stage';
    this.card.body.append(stage);
    this.surface = createCanvas(stage, SIZE, SIZE);
    this.message = document.createElement('div');
    this.message.className = 'view-message';
    this.message.hidden = true;
    stage.append(this.message);
    this.clear();
  }

  /** Draws the first rows of W ([rows, cols], row-major) as side×side tiles. */
  update(W: Float32Array, rows: number, cols: number, opts: WeightImagesOptions = {}): void {
    this.last = { W, rows, cols, opts };
    if (this.unit === null) this.draw(W, rows, cols, opts);
  }

  /** Draws row `unit` alone, large, named `label` (a unit hovered in the network diagram); null: all tiles again. */
  showUnit(unit: number | null, label = ''): void {
    this.unit = unit;
    const last = this.last;
    if (!last) return;
    if (unit === null) {
      this.card.root.removeAttribute('data-showing');
      this.draw(last.W, last.rows, last.cols, last.opts);
      return;
    }
    const side = Math.floor(last.opts.side ?? 28);
    if (side * side !== last.cols || unit >= last.rows) return;
    this.card.root.dataset.showing = label;
    this.clear();
    const image = this.tiles.begin(side, side);
    paintSignedTile(image, 0, 0, last.W, unit * last.cols, side);
    this.tiles.blitPixels(this.surface.ctx, 0, 0, SIZE, SIZE);
    drawLabelStrip(this.surface.ctx, label, SIZE);
  }

  private draw(W: Float32Array, rows: number, cols: number, opts: WeightImagesOptions): void {
    const side = Math.floor(opts.side ?? 28);
    const maxTiles = Math.floor(opts.maxTiles ?? 64);
    this.clear();
    if (side <= 0 || cols !== side * side) {
      this.showMessage(`rows are not images (${cols} values each, not ${side}×${side})`);
      return;
    }
    const count = Math.max(0, Math.min(Math.floor(rows), maxTiles, Math.floor(W.length / cols)));
    if (count === 0) {
      this.showMessage('no weights yet');
      return;
    }
    this.message.hidden = true;
    const perRow = Math.ceil(Math.sqrt(count));
    const gridRows = Math.ceil(count / perRow);
    const step = side + GAP;
    const image = this.tiles.begin(perRow * step - GAP, gridRows * step - GAP);
    for (let t = 0; t < count; t++) {
      paintSignedTile(image, (t % perRow) * step, Math.floor(t / perRow) * step, W, t * cols, side);
    }
    // Whole-number magnification keeps every weight the same size on screen, where that does not waste much room.
    const fit = SIZE / Math.max(image.width, image.height);
    const zoom = fit >= 3 ? Math.floor(fit) : fit;
    const w = image.width * zoom;
    const h = image.height * zoom;
    this.tiles.blitPixels(this.surface.ctx, (SIZE - w) / 2, (SIZE - h) / 2, w, h);
  }

  /** Removes the card. */
  destroy(): void {
    this.card.remove();
  }

  private showMessage(text: string): void {
    this.message.textContent = text;
    this.message.hidden = false;
  }

  private clear(): void {
    const { ctx } = this.surface;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, SIZE, SIZE);
  }
}
