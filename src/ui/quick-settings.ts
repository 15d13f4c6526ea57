// The settings people change most while a run plays, beside play as Playground has them: the
// learning rate, the activation, the regularisation and its rate. They edit the same PageSettings
// as the panel, read each value with the link's reader (so a value is refused here exactly as in a
// link), and say in a line under the bar when one is refused: nothing is clamped in silence.
import { ACTIVATIONS } from '../reference/activations';
import { type PageSettings, RANGES, readSettings } from './settings';

/** The regularisation as Playground offers it: one kind at a time, with one rate. */
type Regularisation = 'none' | 'l1' | 'l2';
/** The rate a regularisation starts from when it is chosen with no rate of its own yet. */
const DEFAULT_RATE = 0.001;
const ACTIVATION_NAMES: Record<string, string> = { swish: 'swish', relu: 'ReLU', tanh: 'tanh', sigmoid: 'sigmoid', gelu: 'GELU', linear: 'linear' };

export interface QuickSettingsActions {
  changed(key: keyof PageSettings): void;
}

export class QuickSettings {
  readonly element: HTMLDivElement;
  private readonly lr: HTMLInputElement;
  private readonly activation: HTMLSelectElement;
  private readonly regularisation: HTMLSelectElement;
  private readonly rate: HTMLInputElement;
  private readonly problem: HTMLParagraphElement;
  private readonly fields: Record<'lr' | 'activation' | 'regularisation' | 'rate', HTMLElement>;
  private hidden = new Set<string>();

  constructor(
    private readonly settings: PageSettings,
    private readonly actions: QuickSettingsActions,
  ) {
    const bar = (this.element = document.createElement('div'));
    bar.className = 'quick-settings';
    bar.setAttribute('role', 'group');
    bar.setAttribute('aria-label', 'quick settings');
    this.lr = numberField('learning rate', 'The step size of every update, from 0.00001 to 10 (Enter applies it)');
    this.activation = select('activation', 'The hidden layers’ activation (the model is rebuilt)');
    for (const a of ACTIVATIONS) this.activation.append(new Option(ACTIVATION_NAMES[a] ?? a, a));
    this.regularisation = select('regularisation', 'A penalty on the weights: L1 (|w|) or L2 (weight decay, w²)');
    this.regularisation.append(new Option('none', 'none'), new Option('L1', 'l1'), new Option('L2', 'l2'));
    this.rate = numberField('regularisation rate', 'The penalty’s weight, from 0 to 1 (Enter applies it)');
    this.problem = document.createElement('p');
    this.problem.className = 'quick-problem';
    this.problem.setAttribute('role', 'status');
    this.problem.hidden = true;
    this.fields = {
      lr: labelled('rate', this.lr),
      activation: labelled('activation', this.activation),
      regularisation: labelled('regularisation', this.regularisation),
      rate: labelled('reg. rate', this.rate),
    };
    bar.append(...Object.values(this.fields), this.problem);

    onCommit(this.lr, () => this.commitNumber('lr', 'learning rate', this.lr.value));
    this.activation.addEventListener('change', () => this.set('activation', this.activation.value as PageSettings['activation']));
    this.regularisation.addEventListener('change', () => this.chooseRegularisation(this.regularisation.value as Regularisation));
    // The rate field is disabled while the regularisation is none: it edits the kind chosen.
    onCommit(this.rate, () => {
      const kind = currentRegularisation(this.settings);
      if (kind !== 'none') this.commitNumber(kind === 'l1' ? 'l1' : 'weightDecay', 'regularisation rate', this.rate.value);
    });
    this.refresh();
  }

  /** Re-reads every field from the settings (after a change from the panel, a link or a file). */
  refresh(): void {
    const s = this.settings;
    if (document.activeElement !== this.lr) this.lr.value = String(s.lr);
    this.activation.value = s.activation;
    const kind = currentRegularisation(s);
    this.regularisation.value = kind;
    if (document.activeElement !== this.rate) this.rate.value = kind === 'none' ? '0' : String(kind === 'l1' ? s.l1 : s.weightDecay);
    this.rate.disabled = kind === 'none';
  }

  /** Shows what applies to the model (no activation for the autoencoder), less what a teacher's link hides. */
  showRelevant(s: PageSettings): void {
    this.refresh();
    const show = (field: keyof typeof this.fields, on: boolean) => {
      this.fields[field].hidden = !on;
    };
    show('lr', !this.hidden.has('lr'));
    show('activation', s.model === 'mlp' && !this.hidden.has('activation'));
    const reg = !this.hidden.has('l1') && !this.hidden.has('weightDecay');
    show('regularisation', reg);
    show('rate', reg);
  }

  /** Controls a teacher's link hides (`hide=lr`): hidden here as in the panel. */
  hideControls(keys: ReadonlyArray<keyof PageSettings>): void {
    this.hidden = new Set(keys);
    this.showRelevant(this.settings);
  }

  /** The line under the bar: why a value was refused, or nothing. */
  get problemText(): string | null {
    return this.problem.hidden ? null : this.problem.textContent;
  }

  /** A typed number, read as a link reads it: applied, or refused with the reason and the run's value kept. */
  private commitNumber(key: 'lr' | 'l1' | 'weightDecay', name: string, text: string): void {
    const read = readSettings([[key, text.trim()]]);
    if (read.problems.length > 0) {
      this.say(`The ${name} must be a number from ${rangeText(key)}, not “${text.trim()}”: it stays ${this.settings[key]}.`);
      this.refresh();
      return;
    }
    this.say(null);
    this.set(key, read.settings[key]);
  }

  /** One kind of regularisation at a time: choosing one moves the rate to it, "none" sets both to 0. */
  private chooseRegularisation(kind: Regularisation): void {
    const s = this.settings;
    const previous = Math.max(s.l1, s.weightDecay);
    const rate = kind === 'none' ? 0 : previous > 0 ? previous : DEFAULT_RATE;
    this.say(null);
    this.set('l1', kind === 'l1' ? rate : 0);
    this.set('weightDecay', kind === 'l2' ? rate : 0);
  }

  private set<K extends keyof PageSettings>(key: K, value: PageSettings[K]): void {
    if (this.settings[key] !== value) {
      this.settings[key] = value;
      this.actions.changed(key);
    }
    this.refresh();
  }

  private say(text: string | null): void {
    this.problem.hidden = text === null;
    this.problem.textContent = text ?? '';
  }
}

/** "0.00001 to 10": a setting's range, written as the link's reader writes it. */
function rangeText(key: keyof PageSettings): string {
  const { min, max } = RANGES[key]!;
  return `${min} to ${max}`;
}

/** The kind shown: L2 where weight decay is set (a link may set both: L2 wins the menu, L1 still applies). */
function currentRegularisation(s: PageSettings): Regularisation {
  return s.weightDecay > 0 ? 'l2' : s.l1 > 0 ? 'l1' : 'none';
}

function numberField(name: string, title: string): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'text'; // read by the link's reader, not the browser's: "500" reaches it and is refused in words
  input.inputMode = 'decimal';
  input.spellcheck = false;
  input.setAttribute('aria-label', name);
  input.title = title;
  return input;
}

function select(name: string, title: string): HTMLSelectElement {
  const s = document.createElement('select');
  s.setAttribute('aria-label', name);
  s.title = title;
  return s;
}

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  const label = document.createElement('label');
  label.className = 'quick-field';
  const span = document.createElement('span');
  span.textContent = text;
  span.setAttribute('aria-hidden', 'true'); // the control carries its own accessible name
  label.append(span, control);
  return label;
}

/** Enter or leaving the field applies it; Escape puts the run's value back. */
function onCommit(input: HTMLInputElement, commit: () => void): void {
  input.addEventListener('change', commit);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') input.blur();
    if (e.key === 'Escape') {
      input.value = input.defaultValue;
      input.blur();
    }
  });
  input.addEventListener('focus', () => {
    input.defaultValue = input.value;
  });
}
