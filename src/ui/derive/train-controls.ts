// The derive card's "Train with my derivation": rebuilds the page's run with the student's backward
// pass (the assignment's model, the rest of the settings as they are, so that its loss sits beside
// the correct run's in "Correct against mistaken runs"), or back to the built-in one. Refuses in
// words, with the button disabled, where the text does not lower to GPU steps or the engine is not
// the GPU.
import type { Assignment } from '../../derive/index';
import type { PageSettings } from '../settings';
import { append, appendButton } from './dom';
import { trainSettings, whyNotTrainable } from './train-settings';

/** What the controls need of the page. */
export interface TrainHost {
  /** Whether the page has a GPU device: a derivation trains on the GPU engine. */
  hasGpu(): boolean;
  settings(): Readonly<PageSettings>;
  /** The derivation the page's run trains with now, or null for the built-in backward pass. */
  inUse(): string | null;
  /**
   * Rebuilds the run with `changes` to the settings and `text` as its backward pass (null: the
   * built-in one); resolves with null when the run trains with it, else why not in words.
   */
  train(text: string | null, changes: Partial<PageSettings>): Promise<string | null>;
}

/** The card's part the controls read: the assignment, the text, and why the text has no GPU steps. */
export interface TrainSource {
  assignment: Assignment;
  text: string;
  /** Why the text does not lower to GPU steps (an error, a missing gradient), or null. */
  notLowered: string | null;
}

export class TrainControls {
  private readonly trainButton: HTMLButtonElement;
  private readonly builtInButton: HTMLButtonElement;
  private readonly note: HTMLParagraphElement;
  /** A train request is under way. */
  private training = false;
  /** Why the last train request did not take, until the next one (or another assignment). */
  private refused: string | null = null;

  constructor(
    parent: HTMLElement,
    private readonly host: TrainHost,
    private readonly source: () => TrainSource,
  ) {
    const bar = append(parent, 'div', 'derive-train');
    this.trainButton = appendButton(bar, 'Train with my derivation', () => void this.request(true));
    this.trainButton.classList.add('derive-train-button');
    this.builtInButton = appendButton(bar, 'Back to the built-in backward pass', () => void this.request(false));
    appendButton(bar, 'see the comparison', () => document.querySelector('.view-compare-runs')?.scrollIntoView({ behavior: 'smooth', block: 'center' }));
    this.note = append(parent, 'p', 'derive-train-note');
    this.note.setAttribute('aria-live', 'polite'); // not role=status: the page's one status is its status line
  }

  /** Another assignment: an earlier refusal no longer applies. */
  forgetRefusal(): void {
    this.refused = null;
  }

  /** Shows what the run trains with now, and whether the text can train. */
  update(): void {
    const { assignment, text, notLowered } = this.source();
    const inUse = this.host.inUse();
    const cannot = whyNotTrainable(assignment, this.host.settings(), this.host.hasGpu()) ?? notLowered;
    this.trainButton.disabled = this.training || cannot !== null;
    this.builtInButton.disabled = this.training || inUse === null;
    this.builtInButton.hidden = inUse === null;
    const note = this.note;
    note.dataset.kind = 'info';
    if (this.training) note.textContent = 'Building the run…';
    else if (this.refused) {
      note.dataset.kind = 'refused';
      note.textContent = `Not trained with your derivation: ${this.refused}.`;
    } else if (inUse !== null) {
      const edited = inUse !== text ? ' (as it was when you pressed the button: press it again for your edits since)' : '';
      note.textContent = `The run trains with your derivation${edited}. Its loss is "my derivation" in Correct against mistaken runs, beside "correct": the built-in backward pass on the same settings, once that has trained.`;
    } else if (cannot !== null) {
      note.dataset.kind = 'refused';
      note.textContent = `Cannot train with it: ${cannot}.`;
    } else
      note.textContent = `Trains the page's run with your backward pass in place of the built-in one: ${describeModel(assignment)}, on the GPU, from the same seed and batches as the correct run.`;
  }

  private async request(mine: boolean): Promise<void> {
    this.training = true;
    this.refused = null;
    this.update();
    try {
      const { assignment, text } = this.source();
      if (mine) this.refused = await this.host.train(text, trainSettings(assignment, this.host.settings()));
      else await this.host.train(null, {});
    } finally {
      this.training = false;
      this.update();
    }
  }
}

/** "an MLP with 2 tanh hidden layers". */
function describeModel(a: Assignment): string {
  if (a.sizes.model === 'autoencoder') return 'the tied-weight autoencoder';
  const depth = a.sizes.hidden.length;
  return `an MLP with ${depth === 1 ? 'one' : depth} ${a.activation} hidden layer${depth === 1 ? '' : 's'}`;
}
