// Picks and feeds the views that fit the model and the data: the decision boundary for 2-D sets;
// weights, confusion matrix, digits and a drawing pad for MNIST; reconstructions and the rows of W
// for the autoencoder.
import type { DataSplit } from '../data/dataset';
import { expandFeatures, PLAIN_FEATURES, type Plane } from '../data/features';
import type { ModelSpec } from '../models/build';
import { mlpProbabilities, reconstruct } from '../train/predict';
import { argmaxRows } from '../train/predict';
import { ConfusionMatrixView } from './views/confusion-matrix';
import { DecisionBoundaryView, gridPoints, type Bounds } from './views/decision-boundary';
import { DigitGridView } from './views/digit-grid';
import { DrawDigitView } from './views/draw-digit';
import { ReconstructionView } from './views/reconstructions';
import { WeightImagesView } from './views/weight-images';

const GRID = 60; // decision-boundary cells per side
const DIGITS = 24; // test digits shown with their predictions
const PAIRS = 8; // autoencoder originals shown beside their reconstructions

export class ModelViews {
  private readonly destroyers: Array<() => void> = [];
  /** The grid's cells as the network's inputs (the plane's features of each cell centre). */
  private boundary: { view: DecisionBoundaryView; bounds: Bounds; inputs: Float32Array; plane: Plane } | null = null;
  private weights: WeightImagesView | null = null;
  private confusion: ConfusionMatrixView | null = null;
  private digits: DigitGridView | null = null;
  private draw: DrawDigitView | null = null;
  private recon: ReconstructionView | null = null;
  private params: Record<string, Float32Array> | null = null;

  constructor(
    container: HTMLElement,
    private readonly spec: ModelSpec,
    private readonly data: DataSplit,
  ) {
    const { train } = data;
    const images = train.D === 784;
    // A 2-D set's plane, or a user's file of two features drawn as one.
    const plane: Plane | null = data.plane ?? (train.D === 2 ? { features: PLAIN_FEATURES, train: train.X, ...(data.test ? { test: data.test.X } : {}) } : null);
    if (spec.kind === 'mlp' && plane) {
      const view = new DecisionBoundaryView(container);
      const bounds = dataBounds(plane.train, train.N);
      this.boundary = { view, bounds, inputs: expandFeatures(gridPoints(GRID, bounds), GRID * GRID, plane.features), plane };
      this.destroyers.push(() => view.destroy());
    }
    if (images) {
      this.weights = new WeightImagesView(container, spec.kind === 'mlp'
        ? { title: 'First-layer weights', caption: "Each tile is one hidden unit's 784 weights: red positive, blue negative." }
        : { title: 'Rows of W', caption: 'Each tile is one row of W; trained, they span the top principal components.' });
      this.destroyers.push(() => this.weights?.destroy());
    }
    if (spec.kind === 'mlp' && images) {
      this.confusion = new ConfusionMatrixView(container);
      this.digits = new DigitGridView(container);
      this.draw = new DrawDigitView(container);
      this.draw.onDraw = (pixels) => this.classifyDrawing(pixels);
      this.destroyers.push(() => this.confusion?.destroy(), () => this.digits?.destroy(), () => this.draw?.destroy());
    }
    if (spec.kind === 'autoencoder') {
      this.recon = new ReconstructionView(container);
      this.destroyers.push(() => this.recon?.destroy());
    }
  }

  /** Redraws every view that depends on the parameters. */
  showParams(params: Record<string, Float32Array>): void {
    this.params = params;
    const { spec, data } = this;
    if (spec.kind === 'mlp') {
      const { shape } = spec;
      if (this.boundary) {
        const { view, bounds, inputs, plane } = this.boundary;
        const probs = mlpProbabilities(shape, params, inputs, GRID * GRID);
        view.update({
          grid: GRID, probs, classes: shape.C, bounds, points: plane.train, labels: data.train.labels,
          ...(plane.test && data.test ? { testPoints: plane.test, testLabels: data.test.labels } : {}),
        });
      }
      this.weights?.update(params.W1!, shape.hidden[0]!, shape.D); // the first layer's, at any depth
      const test = data.test;
      if (this.digits && test) {
        const k = Math.min(DIGITS, test.N);
        const X = test.X.subarray(0, k * test.D);
        const probs = mlpProbabilities(shape, params, X, k);
        this.digits.update(X, test.labels.subarray(0, k), argmaxRows(probs, k, shape.C));
      }
    } else {
      const { m, n } = spec.shape;
      this.weights?.update(params.W!, m, n);
      const source = data.test ?? data.train;
      const k = Math.min(PAIRS, source.N);
      const X = source.X.subarray(0, k * n);
      this.recon?.update(X, reconstruct(params.W!, m, n, X, k), k, n);
    }
  }

  /** Fills the confusion matrix from the predicted class of each test row. */
  showConfusion(predicted: Uint32Array, rows: number): void {
    const test = this.data.test;
    if (!this.confusion || !test || this.spec.kind !== 'mlp') return;
    const C = this.spec.shape.C;
    const counts = Array.from({ length: C }, () => new Array<number>(C).fill(0));
    for (let i = 0; i < rows; i++) counts[test.labels[i]!]![predicted[i]!]! += 1;
    this.confusion.update(counts);
  }

  private classifyDrawing(pixels: Float32Array): void {
    if (!this.params || this.spec.kind !== 'mlp') return;
    this.draw?.setProbabilities(mlpProbabilities(this.spec.shape, this.params, pixels, 1));
  }

  destroy(): void {
    for (const d of this.destroyers) d();
  }
}

/** The data's extent with a margin, square so that the heatmap is not stretched. */
function dataBounds(X: Float32Array, N: number): Bounds {
  let [xmin, xmax, ymin, ymax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < N; i++) {
    xmin = Math.min(xmin, X[2 * i]!);
    xmax = Math.max(xmax, X[2 * i]!);
    ymin = Math.min(ymin, X[2 * i + 1]!);
    ymax = Math.max(ymax, X[2 * i + 1]!);
  }
  const half = Math.max(xmax - xmin, ymax - ymin) * 0.55 || 1;
  const [cx, cy] = [(xmin + xmax) / 2, (ymin + ymax) / 2];
  return { xmin: cx - half, xmax: cx + half, ymin: cy - half, ymax: cy + half };
}
