// One plot with the smoothed loss of the correct run, of each mistaken run of the gallery and of the
// run with the student's own derivation (the last of each with otherwise equal settings: same seed,
// same batches), so each mistake's cost can be seen, and whether a derivation trains like the correct
// one. The card waits hidden until there are two runs to compare: an empty chart says nothing.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ViewCard } from '../views/card';
import { alignCurves } from '../plots/align';
import { mistakeLabel, MISTAKES } from '../../reference/mistakes';
import type { CurveKey, RunCurves } from './run-curves';

const WIDTH = 460;
const HEIGHT = 200;
/** The Okabe–Ito colours, told apart with colour blindness; the correct run is blue, a hidden one black. */
const STROKES: Record<CurveKey, string> = {
  none: '#0072b2',
  'swish-prime': '#d55e00',
  'w2-layout': '#009e73',
  'no-batch-mean': '#cc79a7',
  'no-one-hot': '#e69f00',
  'bias-one-row': '#56b4e9',
  'ae-one-term': '#d55e00',
  'update-sign': '#000000',
  exercise: '#000000',
  derivation: '#000000',
};
/** Dashes tell apart the curves drawn in black. */
const DASHES: Partial<Record<CurveKey, number[]>> = { 'update-sign': [6, 4], derivation: [2, 3] };
const LABELS: Partial<Record<CurveKey, string>> = { none: 'correct', exercise: 'this run (mistake hidden)', derivation: 'my derivation' };
const style = (key: CurveKey) => ({
  label: LABELS[key] ?? mistakeLabel(key as Exclude<CurveKey, 'exercise' | 'derivation'>),
  stroke: STROKES[key],
  ...(DASHES[key] ? { dash: DASHES[key] } : {}),
});
const ORDER: readonly CurveKey[] = [...MISTAKES, 'exercise', 'derivation'];

export class CompareRunsView {
  private readonly card: ViewCard;
  private readonly holder: HTMLDivElement;
  private chart: uPlot | null = null;
  private layout = '';

  constructor(
    container: HTMLElement,
    private readonly runs: RunCurves,
  ) {
    this.card = new ViewCard(
      container,
      'compare-runs',
      'Correct against mistaken runs',
      'Smoothed training loss of the last correct run, of the last run with each mistake of the gallery and of the last with your derivation, otherwise the same settings (same seed, same batches).',
    );
    this.holder = document.createElement('div');
    this.holder.className = 'view-chart';
    this.holder.style.width = `${WIDTH}px`;
    this.card.body.append(this.holder);
    this.draw();
  }

  /** Redraws from the kept curves; with fewer than two, hides the card. */
  draw(): void {
    const kinds = ORDER.filter((k) => (this.runs.curves[k]?.steps.length ?? 0) > 0);
    const comparing = kinds.length >= 2;
    this.card.root.hidden = !comparing;
    if (!comparing) {
      this.chart?.destroy();
      this.chart = null;
      this.layout = '';
      return;
    }
    const { x, columns } = alignCurves(kinds.map((k) => ({ x: this.runs.curves[k]!.steps, y: this.runs.curves[k]!.losses })));
    const data: uPlot.AlignedData = [x, ...columns];
    const layout = kinds.join();
    if (!this.chart || layout !== this.layout) {
      this.chart?.destroy();
      this.chart = new uPlot(
        {
          width: WIDTH,
          height: HEIGHT,
          legend: { live: false },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: false } },
          series: [{ label: 'step' }, ...kinds.map((k) => ({ ...style(k), width: 2, spanGaps: true, points: { show: false } }))],
        },
        data,
        this.holder,
      );
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
