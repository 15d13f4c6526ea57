// Picks and feeds the views that fit the model and the data: the network diagram, and the decision
// boundary for 2-D sets, on the first screen; weights, confusion matrix, digits and a drawing pad
// for MNIST; reconstructions and the rows of W for the autoencoder. The diagram's unit maps and the
// decision boundary come from one batched forward pass of the engine over the plane's grid.
import { gatherRows, labelsAsTargets, rowsAsFloats, type DataSplit } from '../data/dataset';
import { expandFeatures, FEATURES, PLAIN_FEATURES, type Feature, type Plane } from '../data/features';
import type { ModelSpec } from '../models/build';
import { problemOf } from '../reference/mlp';
import type { LayerOutputs } from '../train/engine';
import { mlpOutputs, mlpProbabilities, reconstruct, softmaxRows } from '../train/predict';
import { argmaxRows } from '../train/predict';
import { autoencoderFrame, mlpFrame, type DiagramInput } from './diagram-frame';
import { ConfusionMatrixView } from './views/confusion-matrix';
import { DecisionBoundaryView, gridPoints, type Bounds } from './views/decision-boundary';
import { DigitGridView } from './views/digit-grid';
import { digitRows } from './views/digit-order';
import { DrawDigitView } from './views/draw-digit';
import { NetworkDiagramView, type DiagramFrame } from './views/network-diagram';
import { MAX_PLANE_POINTS, ReconstructionView } from './views/reconstructions';
import { maxAbs } from './views/colours';
import { WeightImagesView } from './views/weight-images';

const GRID = 64; // grid points per side of the plane: the decision boundary's and the unit maps'
const COARSE_GRID = 32; // for networks of more than WIDE hidden units, whose maps are read back whole
const WIDE = 1024;
const DIGITS = 24; // test digits shown with their predictions
const PAIRS = 8; // autoencoder originals shown beside their reconstructions

/** What the views need from the run beyond its parameters. */
export interface ModelViewsHooks {
  /** The leading engine's batched forward pass (every layer's output) over rows of X. */
  forward(X: Float32Array, rows: number): Promise<LayerOutputs | null>;
  /** The last step's gradient of one tensor element, for a clicked link. */
  gradient(tensor: string, index: number): Promise<number | null>;
  /** New hidden widths from the diagram's buttons. */
  reshape(hidden: number[]): void;
  /** A weight typed in the diagram's link editor: the run trains from it at its next step. */
  setWeight(tensor: string, index: number, value: number): void;
  /** An input feature switched on or off in the diagram (a rebuild); absent where the inputs are not a 2-D set's features. */
  switchFeature?(feature: Feature): void;
  /** The MLP's hidden activation's name. */
  activation: string;
}

export class ModelViews {
  private readonly destroyers: Array<() => void> = [];
  /** The grid's cells as the network's inputs (the plane's features of each cell centre). */
  private boundary: { view: DecisionBoundaryView; bounds: Bounds; grid: number; inputs: Float32Array; plane: Plane } | null = null;
  private readonly diagram: NetworkDiagramView;
  private frame: DiagramFrame | null = null;
  private hovered: { column: number; unit: number } | null = null;
  /** Test rows the last evaluation got wrong: the digit grid shows them first. */
  private wrongRows: number[] = [];
  /** The test row the diagram shows on MNIST: the next one at each refresh. */
  private sample = 0;
  private weights: WeightImagesView | null = null;
  private confusion: ConfusionMatrixView | null = null;
  private digits: DigitGridView | null = null;
  private draw: DrawDigitView | null = null;
  private recon: ReconstructionView | null = null;
  private params: Record<string, Float32Array> | null = null;
  private readonly plane: Plane | null;
  /** The grid's cells as the network's inputs, and as every feature the diagram offers ([grid², 7]; a 2-D set's). */
  private grid: { grid: number; bounds: Bounds; inputs: Float32Array; every?: Float32Array } | null = null;

  /** `stage` is the first screen (diagram and main output), `container` the cards below it. */
  constructor(
    stage: HTMLElement,
    container: HTMLElement,
    private readonly spec: ModelSpec,
    private readonly data: DataSplit,
    private readonly hooks: ModelViewsHooks,
  ) {
    const { train } = data;
    const images = train.D === 784;
    // A 2-D set's plane, or a user's file of two features drawn as one.
    const plane: Plane | null =
      data.plane ??
      (train.D === 2
        ? { features: PLAIN_FEATURES, train: rowsAsFloats(train, 0, train.N), ...(data.test ? { test: rowsAsFloats(data.test, 0, data.test.N) } : {}) }
        : null);
    this.plane = plane;
    const hidden = spec.kind === 'mlp' ? [...spec.shape.hidden] : [];
    // A 2-D set's features can be switched from the diagram's inputs; a file's columns cannot.
    const switchFeature = data.plane ? hooks.switchFeature : undefined;
    this.diagram = new NetworkDiagramView(stage, hidden, {
      onHover: (column, unit) => this.hover(column, unit),
      gradient: (tensor, index) => hooks.gradient(tensor, index),
      onEditWeight: (tensor, index, value) => hooks.setWeight(tensor, index, value),
      ...(spec.kind === 'mlp' ? { onReshape: (h: number[]) => hooks.reshape(h) } : {}),
      ...(switchFeature ? { onSwitchInput: (unit: number) => switchFeature(FEATURES[unit]!) } : {}),
    });
    if (!plane && !images)
      this.diagram.setCaption('Every unit drawn as its activation for the current sample; links wide where |w| is large, red positive, blue negative.');
    if (images)
      this.diagram.setCaption(
        'The current test digit, each hidden unit (first layer: its weight image, framed by its activation) and the outputs; links red positive, blue negative.',
      );
    this.destroyers.push(() => this.diagram.destroy());
    if (plane) {
      const bounds = dataBounds(plane.train, train.N);
      const widest = hidden.reduce((a, b) => a + b, 0);
      const grid = widest > WIDE ? COARSE_GRID : GRID;
      const points = gridPoints(grid, bounds);
      this.grid = { grid, bounds, inputs: expandFeatures(points, grid * grid, plane.features) };
      if (switchFeature) this.grid.every = expandFeatures(points, grid * grid, FEATURES);
    }
    if (spec.kind === 'mlp' && plane && this.grid) {
      const regression = problemOf(spec.shape) === 'regression';
      const view = new DecisionBoundaryView(stage, regression);
      this.boundary = { view, ...this.grid, plane };
      this.destroyers.push(() => view.destroy());
    }
    if (images) {
      this.weights = new WeightImagesView(
        stage,
        spec.kind === 'mlp'
          ? { title: 'First-layer weights', caption: "Each tile is one hidden unit's 784 weights: red positive, blue negative." }
          : { title: 'Rows of W', caption: 'Each tile is one row of W; trained, they span the top principal components.' },
      );
      this.destroyers.push(() => this.weights?.destroy());
    }
    // The confusion matrix, the digits and the pad show classes: a regression on images has none.
    if (spec.kind === 'mlp' && images && problemOf(spec.shape) === 'classification') {
      this.confusion = new ConfusionMatrixView(container);
      this.digits = new DigitGridView(container);
      this.draw = new DrawDigitView(container);
      this.draw.onDraw = (pixels) => this.classifyDrawing(pixels);
      this.destroyers.push(
        () => this.confusion?.destroy(),
        () => this.digits?.destroy(),
        () => this.draw?.destroy(),
      );
    }
    if (spec.kind === 'autoencoder') {
      // On a plane the reconstructions are the main output (points beside their projections): first screen.
      this.recon = new ReconstructionView(plane ? stage : container);
      this.destroyers.push(() => this.recon?.destroy());
    }
    // The static frames of index.html that no card of this model took (the boundary's, beside MNIST's weights).
    for (const frame of stage.querySelectorAll(':scope > .view-frame')) frame.remove();
  }

  /** Redraws every view that depends on the parameters, after `step` steps. */
  async showParams(params: Record<string, Float32Array>, step: number): Promise<void> {
    this.params = params;
    const { spec, data } = this;
    const input = this.diagramInput();
    if (spec.kind === 'mlp') {
      const { shape } = spec;
      const rows = input.kind === 'plane' ? input.grid * input.grid : 1;
      const layers = await this.hooks.forward(input.X, rows);
      if (layers && !hiddenByLink('diagram')) {
        this.frame = mlpFrame(shape, params, step, input, layers, this.hooks.activation);
        this.diagram.update(this.frame);
        if (this.hovered) this.hover(this.hovered.column, this.hovered.unit);
      }
      if (this.boundary) {
        const { view, bounds, grid, inputs, plane } = this.boundary;
        const rows = grid * grid;
        const tests = plane.test && data.test ? { testPoints: plane.test, testLabels: data.test.labels } : {};
        const common = { grid, bounds, points: plane.train, labels: data.train.labels, ...tests };
        if (problemOf(shape) === 'regression') {
          // Cells and points on one ramp: ± the largest |target| of the training set, so that a perfect fit shows no edge.
          const targets = labelsAsTargets(data.train.labels);
          const values = layers ? layers.output : Float32Array.from(mlpOutputs(shape, params, inputs, rows));
          const testTargets = data.test ? labelsAsTargets(data.test.labels) : undefined;
          view.update({
            ...common,
            probs: new Float32Array(0),
            classes: 1,
            regression: { values, targets, scale: maxAbs(targets), ...(testTargets ? { testTargets } : {}) },
          });
        } else {
          const probs = layers ? softmaxRows(layers.output, rows, shape.C) : mlpProbabilities(shape, params, inputs, rows);
          view.update({ ...common, probs, classes: shape.C });
        }
      }
      this.weights?.update(params.W1!, shape.hidden[0]!, shape.D); // the first layer's, at any depth
      const test = data.test;
      if (this.digits && test) {
        // The last evaluation's mistakes first (they teach most), then the first rows it got right.
        const rows = digitRows(this.wrongRows, test.N, DIGITS);
        const X = gatherRows(test, rows);
        const probs = mlpProbabilities(shape, params, X, rows.length);
        this.digits.update(
          X,
          Uint32Array.from(rows, (row) => test.labels[row]!),
          argmaxRows(probs, rows.length, shape.C),
        );
      }
    } else {
      const { m, n } = spec.shape;
      if (!hiddenByLink('diagram')) {
        this.frame = autoencoderFrame(m, n, params.W!, step, input);
        this.diagram.update(this.frame);
        if (this.hovered) this.hover(this.hovered.column, this.hovered.unit);
      }
      this.weights?.update(params.W!, m, n);
      const source = n === 2 ? data.train : (data.test ?? data.train);
      const k = Math.min(n === 2 ? MAX_PLANE_POINTS : PAIRS, source.N);
      const X = rowsAsFloats(source, 0, k);
      this.recon?.update(X, reconstruct(params.W!, m, n, X, k), k, n);
    }
  }

  /** Fills the confusion matrix from the predicted class of each test row. */
  showConfusion(predicted: Uint32Array, rows: number): void {
    const test = this.data.test;
    if (!this.confusion || !test || this.spec.kind !== 'mlp') return;
    const C = this.spec.shape.C;
    const counts = Array.from({ length: C }, () => new Array<number>(C).fill(0));
    const wrong: number[] = [];
    for (let i = 0; i < rows; i++) {
      counts[test.labels[i]!]![predicted[i]!]! += 1;
      if (predicted[i] !== test.labels[i]) wrong.push(i);
    }
    this.confusion.update(counts);
    this.wrongRows = wrong;
  }

  /** The plane's grid, or the next test sample (a training sample without a test set). */
  private diagramInput(): DiagramInput {
    if (this.plane && this.grid) {
      const { grid, inputs, every } = this.grid;
      return { kind: 'plane', grid, features: this.plane.features, X: inputs, ...(every ? { every } : {}) };
    }
    const set = this.data.test ?? this.data.train;
    const D = set.D;
    const row = this.sample++ % set.N;
    const X = rowsAsFloats(set, row, 1);
    const side = Math.round(Math.sqrt(D));
    return side * side === D && side >= 8 ? { kind: 'image', side, X } : { kind: 'sample', X };
  }

  /** A unit under the pointer: its map drawn large on the decision boundary (2-D sets). */
  private hover(column: number, unit: number | null): void {
    this.hovered = unit === null ? null : { column, unit };
    const view = this.boundary?.view;
    const picture = this.frame?.columns[column]?.picture;
    if (this.weights && (unit === null || picture?.kind === 'images')) {
      const col = this.frame?.columns[column];
      this.weights.showUnit(unit, col && unit !== null ? `${col.heading}: unit ${unit + 1}` : '');
    }
    if (!view) return;
    if (unit === null || !picture || picture.kind !== 'map') {
      view.showUnit(null);
      return;
    }
    const units = this.frame!.columns[column]!.units;
    const g = picture.grid;
    const values = new Float32Array(g * g);
    for (let i = 0; i < g * g; i++) values[i] = picture.values[i * units + unit]!;
    const col = this.frame!.columns[column]!;
    view.showUnit({ grid: g, values, ...(picture.classes ? { classIndex: unit } : {}), label: `${col.heading}: ${col.names[unit] ?? `unit ${unit + 1}`}` });
  }

  private classifyDrawing(pixels: Float32Array): void {
    if (!this.params || this.spec.kind !== 'mlp') return;
    this.draw?.setProbabilities(mlpProbabilities(this.spec.shape, this.params, pixels, 1));
  }

  destroy(): void {
    for (const d of this.destroyers) d();
  }
}

/** A section a teacher's link hides (teacher.ts) is not drawn either. */
function hiddenByLink(section: string): boolean {
  return (document.body.dataset.hide ?? '').split(' ').includes(section);
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
