// The side-by-side view of the two engines in the loss card: a note under the training chart that
// says whether the GPU's and the reference's curves coincide, and a small log-scale chart of
// |loss_GPU − loss_CPU| per step. Both are hidden unless both engines have reported.
import uPlot from 'uplot';
import { differenceCaption, differenceNote, differenceTitle, engineDifference, type EngineDifference, type Partner, type StepCurve } from './engine-difference';
import { differenceOptions } from './loss-chart-options';
import './difference-chart.css';

const HEIGHT = 170; // room for a label at every decade over two or three decades

/** The note and the difference chart; LossPlot places `note` and `root` in its card. */
export class DifferenceChart {
  /** The line under the training chart. */
  readonly note: HTMLParagraphElement;
  /** The difference chart with its caption. */
  readonly root: HTMLDivElement;
  private readonly caption: HTMLParagraphElement;
  private readonly holder: HTMLDivElement;
  private chart: uPlot | null = null;
  private steps: [number, number] = [0, 1];
  private partner: Partner = 'reference';
  private drawn: uPlot.AlignedData | null = null;

  constructor(private readonly width: number) {
    this.note = document.createElement('p');
    this.note.className = 'loss-note';
    this.root = document.createElement('div');
    this.root.className = 'loss-difference';
    this.caption = document.createElement('p');
    this.caption.className = 'loss-difference-caption';
    this.holder = document.createElement('div');
    this.holder.style.width = `${width}px`;
    this.root.append(this.holder, this.caption);
    this.show(false);
  }

  /** The data drawn: common steps and their differences (null where left out); null while hidden. */
  get data(): { steps: readonly number[]; values: ReadonlyArray<number | null> } | null {
    if (!this.drawn) return null;
    return { steps: this.drawn[0] as number[], values: this.drawn[1] as Array<number | null> };
  }

  /**
   * Redraws from the two engines' sorted raw training losses (null: that engine has none), over
   * `steps`, the training chart's x range.
   */
  update(gpu: StepCurve | null, other: StepCurve | null, steps: [number, number], partner: Partner = 'reference', byClock = false): void {
    const diff = gpu && other ? engineDifference(gpu, other) : null;
    const note = diff ? differenceNote(diff, partner, byClock) : null;
    if (partner !== this.partner) {
      this.chart?.destroy();
      this.chart = null;
      this.partner = partner;
    }
    this.show(note !== null);
    if (!diff || note === null) {
      this.drawn = null;
      return;
    }
    this.note.textContent = note;
    this.caption.textContent = differenceCaption(diff);
    this.steps = steps[1] > steps[0] ? steps : [steps[0], steps[0] + 1];
    this.draw(diff);
  }

  /** Removes the chart (the elements stay with the card). */
  destroy(): void {
    this.chart?.destroy();
    this.chart = null;
  }

  private draw(diff: EngineDifference): void {
    // Exact zeros are gaps: log 0 is −∞ (the caption says how many).
    const data: uPlot.AlignedData = [diff.steps, diff.values.map((v) => (v > 0 ? v : null))];
    this.drawn = data;
    if (this.chart) {
      this.chart.setData(data);
      return;
    }
    this.chart = new uPlot(
      differenceOptions(this.width, HEIGHT, () => this.steps, differenceTitle(this.partner)),
      data,
      this.holder,
    );
  }

  private show(on: boolean): void {
    this.note.hidden = !on;
    this.root.hidden = !on;
  }
}
