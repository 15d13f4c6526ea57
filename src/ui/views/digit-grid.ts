// Test digits with the network's guesses: each image with "pred k" under it, and the mistakes
// framed in red with the true class, so one can see which digits the network confuses.
import { createCanvas, paintGreyTile, PixelBuffer, type SizedCanvas } from './canvas';
import { ViewCard } from './card';
import { MISSING_RGB } from './colours';

const SIDE = 28; // MNIST image side
const PIXELS = SIDE * SIDE;
const SCALE = 2;
const MAX_DIGITS = 32;

interface DigitCell {
  root: HTMLDivElement;
  surface: SizedCanvas;
  predicted: HTMLSpanElement;
  truth: HTMLSpanElement;
}

/** Up to 32 digits at 2× scale with their predicted class; errors get a red frame and the true class. */
export class DigitGridView {
  private readonly card: ViewCard;
  private readonly cells: DigitCell[] = [];
  private readonly pixels = new PixelBuffer();

  /** Builds the card and its 32 (initially empty) digit cells inside `container`. */
  constructor(container: HTMLElement) {
    this.card = new ViewCard(
      container,
      'digit-grid',
      'Test digits',
      'The test images it gets wrong first (framed in red, with the true class), then ones it gets right.',
    );
    const grid = document.createElement('div');
    grid.className = 'view-digit-cells';
    this.card.body.append(grid);
    for (let i = 0; i < MAX_DIGITS; i++) {
      const root = document.createElement('div');
      root.className = 'view-digit';
      const surface = createCanvas(root, SIDE * SCALE, SIDE * SCALE);
      const predicted = document.createElement('span');
      const truth = document.createElement('span');
      truth.className = 'view-digit-truth';
      root.append(predicted, truth);
      grid.append(root);
      this.cells.push({ root, surface, predicted, truth });
    }
    this.update(new Float32Array(0), new Uint32Array(0), new Uint32Array(0));
  }

  /** Draws images [k, 784] (values in [0, 1], 1 = ink) with labels and predictions [k]; k is capped at 32. */
  update(images: Float32Array, labels: Uint32Array, predictions: Uint32Array): void {
    const k = Math.min(MAX_DIGITS, Math.floor(images.length / PIXELS));
    this.cells.forEach((cell, i) => {
      cell.root.classList.toggle('view-digit-empty', i >= k);
      if (i >= k) {
        cell.root.classList.remove('view-digit-error');
        cell.predicted.textContent = '\u00a0';
        cell.truth.textContent = '\u00a0';
        return;
      }
      const image = this.pixels.begin(SIDE, SIDE);
      paintGreyTile(image, 0, 0, images, i * PIXELS, SIDE, MISSING_RGB);
      this.pixels.blitPixels(cell.surface.ctx, 0, 0, cell.surface.width, cell.surface.height);
      const label = labels[i];
      const prediction = predictions[i];
      const wrong = label !== undefined && prediction !== undefined && label !== prediction;
      cell.root.classList.toggle('view-digit-error', wrong);
      cell.predicted.textContent = prediction === undefined ? 'pred ?' : `pred ${prediction}`;
      cell.truth.textContent = wrong ? `true ${label}` : '\u00a0';
    });
  }

  /** Removes the card. */
  destroy(): void {
    this.card.remove();
  }
}
