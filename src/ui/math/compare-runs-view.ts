// One plot with the smoothed loss of the correct-derivative run and of the wrong-derivative run
// (the last of each with otherwise equal settings), so the cost of the mistake can be seen.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ViewCard } from '../views/card';
import { alignCurves } from '../plots/align';
import type { RunCurves } from './run-curves';

const WIDTH = 460;
const HEIGHT = 200;
const STYLE = {
  correct: { label: "correct swish′", stroke: '#0072b2' },
  wrong: { label: "wrong swish′ σ(2 − σ)", stroke: '#d55e00' },
} as const;

export class CompareRunsView {
  private readonly card: ViewCard;
  private readonly holder: HTMLDivElement;
  private chart: uPlot | null = null;
  private layout = '';

  constructor(container: HTMLElement, private readonly runs: RunCurves) {
    this.card = new ViewCard(container, 'compare-runs', 'Correct against wrong derivative',
      'Smoothed training loss of the last run with each swish′ and otherwise the same settings. Flip "wrong swish′" in the panel to add the other curve.');
    this.holder = document.createElement('div');
    this.holder.className = 'view-chart';
    this.holder.style.width = `${WIDTH}px`;
    this.card.body.append(this.holder);
    this.draw();
  }

  /** Redraws from the kept curves. */
  draw(): void {
    const kinds = (['correct', 'wrong'] as const).filter((k) => (this.runs.curves[k]?.steps.length ?? 0) > 0);
    const { x, columns } = alignCurves(kinds.map((k) => ({ x: this.runs.curves[k]!.steps, y: this.runs.curves[k]!.losses })));
    const data: uPlot.AlignedData = [x, ...columns];
    const layout = kinds.join();
    if (!this.chart || layout !== this.layout) {
      this.chart?.destroy();
      this.chart = new uPlot({
        width: WIDTH,
        height: HEIGHT,
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false } },
        series: [{ label: 'step' }, ...kinds.map((k) => ({ ...STYLE[k], width: 2, spanGaps: true, points: { show: false } }))],
      }, data, this.holder);
      this.layout = layout;
    } else {
      this.chart.setData(data);
    }
  }

  destroy(): void {
    this.chart?.destroy();
    this.card.remove();
  }
}
