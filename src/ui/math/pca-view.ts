// The autoencoder-is-PCA view: principal angles between W's rows and the top-m eigenvectors,
// ‖W Wᵀ − I‖ and the gap to the PCA bound over training, and the components beside W's rows;
// until the data's spectrum is known, how far its computation has got.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import '../views.css';
import './math.css';
import { watchSpectrumProgress } from '../../train/pca-subspace';
import { ViewCard } from '../views/card';
import { WeightImagesView } from '../views/weight-images';
import type { PcaPoint } from './pca-metrics';

const WIDTH = 460;
const HEIGHT = 200;
/** Largest n drawn as a heatmap table when the rows are not images. */
const MAX_TABLE_COLUMNS = 64;

export class PcaView {
  private readonly card: ViewCard;
  private readonly holder: HTMLDivElement;
  private readonly info: HTMLParagraphElement;
  private readonly matrices: HTMLDivElement;
  private readonly components: WeightImagesView | null;
  private chart: uPlot | null = null;
  private readonly unwatch: () => void;
  /** Set once a step's numbers replace the progress line. */
  private drawn = false;

  constructor(
    container: HTMLElement,
    private readonly m: number,
    private readonly n: number,
  ) {
    this.card = new ViewCard(
      container,
      'pca',
      'The autoencoder finds the principal subspace',
      `Largest principal angle between the row space of W and the top ${m} eigenvectors of XᵀX/N (float64, in the background), ` +
        '‖W Wᵀ − I‖_F and recent loss minus the PCA bound. All three go to zero. The log axis shows the gap where the loss is ' +
        'above the bound, and bound − loss, dashed, where the mean of the recent batches fell below it (a batch can be easier than the whole set).',
    );
    this.info = document.createElement('p');
    this.info.className = 'math-row';
    this.info.textContent = 'computing the PCA bound…';
    this.unwatch = watchSpectrumProgress(({ n: features, done, error, skipped }) => {
      if (features !== n || this.drawn) return;
      this.info.textContent =
        error !== undefined
          ? skipped
            ? `no PCA bound: ${error}.`
            : `the PCA bound could not be computed: ${error}`
          : done < 1
            ? `computing the PCA bound… ${Math.floor(done * 100)}%`
            : 'PCA bound and eigenvectors ready: the angles follow from the next step.';
    });
    this.holder = document.createElement('div');
    this.holder.className = 'view-chart';
    this.holder.style.width = `${WIDTH}px`;
    this.matrices = document.createElement('div');
    this.matrices.className = 'math-pca-images';
    this.card.body.append(this.info, this.holder, this.matrices);
    this.components =
      n === 784
        ? new WeightImagesView(container, {
            title: 'Top principal components',
            caption: `The top ${m} eigenvectors of XᵀX/N, to set beside the rows of W: trained, W's rows span the same space (in some rotation).`,
          })
        : null;
  }

  /** The eigenvectors, once computed (rows [m, n]). */
  showComponents(top: Float64Array): void {
    if (this.components) this.components.update(Float32Array.from(top), this.m, this.n);
    else if (this.n <= MAX_TABLE_COLUMNS) this.matrices.replaceChildren(heatmap('top eigenvectors', top, this.m, this.n));
  }

  update(history: readonly PcaPoint[], W: ArrayLike<number>, top: Float64Array | null): void {
    const last = history.at(-1);
    if (last) {
      this.drawn = true;
      this.info.textContent =
        `step ${last.step}: principal angles ${last.anglesDeg.map((a) => `${a.toFixed(1)}°`).join(', ')} · ` +
        `‖W Wᵀ − I‖_F ${last.orthoError.toFixed(4)}${last.gap !== null ? ` · loss − bound ${last.gap.toExponential(2)}` : ''}`;
    }
    if (top && !this.components && this.n <= MAX_TABLE_COLUMNS) {
      this.matrices.replaceChildren(heatmap('top eigenvectors', top, this.m, this.n), heatmap('rows of W', W, this.m, this.n));
    }
    const data: uPlot.AlignedData = [
      history.map((p) => p.step),
      history.map((p) => p.largestAngleDeg),
      history.map((p) => p.orthoError),
      // A log axis has no place for gap ≤ 0: the sign picks the series, the size is drawn.
      history.map((p) => (p.gap !== null && p.gap > 0 ? p.gap : null)),
      history.map((p) => (p.gap !== null && p.gap < 0 ? -p.gap : null)),
    ];
    if (!this.chart) {
      this.chart = new uPlot(
        {
          width: WIDTH,
          height: HEIGHT,
          legend: { live: false },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: false }, deg: { range: [0, 90] }, y: { distr: 3, log: 10 } },
          axes: [{}, { scale: 'deg', label: 'degrees' }, { scale: 'y', side: 1, grid: { show: false } }],
          series: [
            { label: 'step' },
            { label: 'largest angle (°)', scale: 'deg', stroke: '#0072b2', width: 2, points: { show: false } },
            { label: '‖WWᵀ − I‖_F', scale: 'y', stroke: '#009e73', width: 1.5, points: { show: false } },
            // Points as uPlot chooses (shown while sparse): a lone step of one sign between the other's has no line.
            { label: 'loss − bound', scale: 'y', stroke: '#d55e00', width: 1.5 },
            { label: 'bound − loss (loss below the bound)', scale: 'y', stroke: '#d55e00', width: 1, dash: [4, 3] },
          ],
        },
        data,
        this.holder,
      );
    } else {
      this.chart.setData(data);
    }
  }

  destroy(): void {
    this.unwatch();
    this.chart?.destroy();
    this.components?.destroy();
    this.card.remove();
  }
}

/** Rows of a small matrix as coloured cells: red positive, blue negative, scaled by the largest entry. */
function heatmap(title: string, M: ArrayLike<number>, rows: number, cols: number): HTMLElement {
  const figure = document.createElement('div');
  figure.className = 'math-figure';
  const caption = document.createElement('span');
  caption.textContent = title;
  const table = document.createElement('table');
  table.className = 'math-table';
  let max = 0;
  for (let i = 0; i < rows * cols; i++) max = Math.max(max, Math.abs(M[i]!));
  for (let i = 0; i < rows; i++) {
    const tr = table.insertRow();
    for (let j = 0; j < cols; j++) {
      const value = M[i * cols + j]! / (max || 1);
      const td = tr.insertCell();
      td.style.cssText = `width: 12px; height: 12px; padding: 0; background: ${value >= 0 ? `rgba(213, 94, 0, ${value})` : `rgba(0, 114, 178, ${-value})`}`;
      td.title = M[i * cols + j]!.toFixed(4);
    }
  }
  figure.append(caption, table);
  return figure;
}
