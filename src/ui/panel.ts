// The lil-gui panel: every setting with its range, and the run buttons. It edits the one PageSettings
// object and reports which key changed; the app decides what a change means.
import GUI, { type Controller } from 'lil-gui';
import { FEATURE_LABELS, FEATURES, type Feature } from '../data/features';
import { MISTAKE_INFO, mistakeLabel, MISTAKES, mistakesFor } from '../reference/mistakes';
import { ENGINE_NAMES } from '../train/engine';
import { PROBLEM_DATASETS, type DatasetChoice } from '../train/run-settings';
import { CHOICES, RANGES, readSettings, type PageSettings } from './settings';

export interface PanelActions {
  changed(key: keyof PageSettings): void;
  loadFile(file: File): void;
  saveRun(format: 'json' | 'npz'): void;
  /** New points for the 2-D set (another data seed), the network kept. */
  regenerate(): void;
}

const LABELS: Partial<Record<keyof PageSettings, string>> = {
  model: 'model',
  problem: 'problem (MLP)',
  dataset: 'dataset',
  samples: 'training points (2-D sets)',
  noise: 'noise (2-D sets)',
  hidden: 'hidden layers (MLP): widths',
  testShare: 'test share (2-D sets, your file)',
  activation: 'activation (MLP)',
  code: 'code size (autoencoder)',
  batch: 'batch size',
  lr: 'learning rate',
  optimizer: 'optimizer',
  momentum: 'momentum',
  nesterov: 'Nesterov',
  beta1: 'Adam β1',
  beta2: 'Adam β2',
  weightDecay: 'weight decay (L2)',
  l1: 'L1 regularisation',
  initScale: 'initialisation scale',
  seed: 'seed',
  stepsPerFrame: 'steps per frame (0: auto)',
  engine: 'engine',
  logScale: 'log-scale loss',
  mistake: 'backprop mistake (gallery)',
  checkEvery: 'gradient check every N steps',
};

const OPTION_NAMES: Record<string, Record<string, string>> = {
  model: { MLP: 'mlp', 'linear autoencoder': 'autoencoder' },
  problem: { classification: 'classification', regression: 'regression' },
  activation: { swish: 'swish', ReLU: 'relu', tanh: 'tanh', sigmoid: 'sigmoid', 'GELU (tanh form)': 'gelu', linear: 'linear' },
  dataset: {
    MNIST: 'mnist',
    spiral: 'spiral',
    circles: 'circles',
    XOR: 'xor',
    blobs: 'blobs',
    plane: 'plane',
    'Gaussian mixture': 'gauss-mix',
    'your file': 'file',
  },
  optimizer: { SGD: 'sgd', momentum: 'momentum', Adam: 'adam' },
  mistake: Object.fromEntries(MISTAKES.map((m) => [mistakeLabel(m), m])),
  engine: {
    [ENGINE_NAMES.gpu]: 'gpu',
    [ENGINE_NAMES.cpu]: 'cpu',
    [ENGINE_NAMES.reference]: 'reference',
    'GPU and CPU (race)': 'race',
    'GPU and reference': 'gpu-reference',
  },
};

export class Panel {
  private readonly gui: GUI;
  private readonly controllers = new Map<keyof PageSettings, Controller>();
  /** Under the mistake: what it is and what it teaches, or the exercise's instructions. */
  private readonly mistakeNote: HTMLParagraphElement;
  /** The text behind each list field, by setting. */
  private readonly lists = new Map<keyof PageSettings, { value: string }>();
  private readonly featureBoxes = {} as Record<Feature, boolean>;
  private readonly featureControllers: Controller[] = [];
  private featureFolder: GUI | null = null;
  private hiddenByLink = new Set<keyof PageSettings>();
  /** "regenerate", beside the data set: for the 2-D sets only. */
  private regenerate: Controller | null = null;

  constructor(
    container: HTMLElement,
    private readonly settings: PageSettings,
    actions: PanelActions,
  ) {
    const gui = (this.gui = new GUI({ container, title: 'Settings', width: 300 }));
    const add = (folder: GUI, key: keyof PageSettings) => {
      const range = RANGES[key];
      if (key === 'features') return this.addFeatures(folder, settings, actions);
      if (Array.isArray(settings[key])) return this.addList(folder, settings, key, actions);
      const c = CHOICES[key]
        ? folder.add(settings, key, OPTION_NAMES[key] ?? CHOICES[key])
        : range
          ? folder.add(settings, key, range.min, range.max, range.step)
          : folder.add(settings, key);
      c.name(LABELS[key] ?? key);
      if (range) this.refuseOutOfRange(c, key);
      // Sliders report while dragging; act when the value settles.
      c.onFinishChange(() => actions.changed(key));
      this.controllers.set(key, c);
    };
    // Play, one step and reset are the run bar's (src/ui/run-bar.ts), above the status line.
    const run = gui.addFolder('Run');
    add(run, 'engine');
    add(run, 'stepsPerFrame');
    const model = gui.addFolder('Model');
    for (const key of ['model', 'problem', 'hidden', 'activation', 'code', 'initScale', 'seed'] as const) add(model, key);
    const data = gui.addFolder('Data');
    add(data, 'dataset');
    this.regenerate = data.add({ regenerate: () => actions.regenerate() }, 'regenerate').name('regenerate (new points, same network)');
    for (const key of ['samples', 'noise', 'testShare', 'features'] as const) add(data, key);
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.csv,.npy,.json';
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) actions.loadFile(file);
      input.value = '';
    });
    // The button lets go of the focus: Space then toggles play, rather than open the chooser again.
    const choose = () => {
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
      input.click();
    };
    data.add({ open: choose }, 'open').name('load data (.csv, .npy) or a run…');
    const files = gui.addFolder('Save and resume');
    files.add({ json: () => actions.saveRun('json') }, 'json').name('save run (.json, to resume)');
    files.add({ npz: () => actions.saveRun('npz') }, 'npz').name('save tensors (.npz of .npy)');
    files.add({ open: choose }, 'open').name('resume a saved run (.json)…');
    const opt = gui.addFolder('Optimizer');
    for (const key of ['batch', 'optimizer', 'lr', 'momentum', 'nesterov', 'beta1', 'beta2', 'weightDecay', 'l1'] as const) add(opt, key);
    add(gui.addFolder('Plots'), 'logScale');
    const math = gui.addFolder('The math');
    add(math, 'mistake');
    add(math, 'checkEvery');
    const note = (this.mistakeNote = document.createElement('p'));
    note.className = 'panel-note';
    note.style.cssText = 'margin: 2px 8px 6px; font-size: 11px; line-height: 1.35; opacity: 0.8;';
    this.controllers.get('mistake')!.domElement.after(note);
    // On a small screen the settings start folded (a tap on "Settings" opens them), so that the run
    // controls and the results share the first screen; a window narrowed or widened to the other
    // side folds or unfolds them, as a fresh load at its size would show them.
    const narrow = window.matchMedia?.('(max-width: 800px)');
    if (narrow?.matches) gui.close();
    const follow = (e: MediaQueryListEvent) => (e.matches ? gui.close() : gui.open());
    narrow?.addEventListener('change', follow);
    // There they open as a drawer over the page (style.css): a click beside it or Escape closes it.
    const closeDrawer = (e: Event) => {
      if (!narrow?.matches || gui._closed) return;
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !container.contains(e.target as Node)) gui.close();
    };
    document.addEventListener('pointerdown', closeDrawer);
    document.addEventListener('keydown', closeDrawer);
    this.removeListeners = () => {
      document.removeEventListener('pointerdown', closeDrawer);
      document.removeEventListener('keydown', closeDrawer);
      narrow?.removeEventListener('change', follow);
    };
  }

  private readonly removeListeners: () => void;

  /** Opens the settings, or closes them when open (the run bar's settings button, on a narrow screen). */
  toggle(): void {
    this.gui.openAnimated(this.gui._closed);
  }

  /** Re-reads every controller from the settings object (after a reset or a clamp). */
  refresh(): void {
    for (const [key, text] of this.lists) text.value = String(this.settings[key]);
    for (const f of FEATURES) this.featureBoxes[f] = this.settings.features.includes(f);
    for (const c of [...this.controllers.values(), ...this.featureControllers]) c.updateDisplay();
  }

  /**
   * The 2-D sets' input features as one checkbox each, as Playground shows them; the list keeps
   * FEATURES' order, and the last one cannot be unticked.
   */
  private addFeatures(folder: GUI, settings: PageSettings, actions: PanelActions): void {
    const sub = folder.addFolder('input features (2-D sets)');
    for (const f of FEATURES) this.featureBoxes[f] = settings.features.includes(f);
    for (const f of FEATURES) {
      const c = sub.add(this.featureBoxes, f).name(FEATURE_LABELS[f]);
      c.onChange(() => {
        const chosen = FEATURES.filter((g) => this.featureBoxes[g]);
        if (chosen.length === 0) {
          this.featureBoxes[f] = true;
          c.updateDisplay();
          return;
        }
        settings.features = chosen;
        actions.changed('features');
      });
      this.featureControllers.push(c);
    }
    this.featureFolder = sub;
  }

  /**
   * A list setting ("32,16") as a text field, read by the same reader as the link: a bad entry is
   * refused with the reason under the field and the last good value comes back.
   */
  private addList(folder: GUI, settings: PageSettings, key: keyof PageSettings, actions: PanelActions): void {
    const text = { value: String(settings[key]) };
    this.lists.set(key, text);
    const c = folder.add(text, 'value').name(LABELS[key] ?? key);
    const problem = noteUnder(c);
    c.domElement.title = 'one width per hidden layer, input side first: "32" or "32,16" (1 to 4 layers)';
    c.onFinishChange(() => {
      const read = readSettings([[key, text.value]]);
      problem.hidden = read.problems.length === 0;
      problem.textContent = read.problems.join('; ');
      if (read.problems.length > 0) {
        text.value = String(settings[key]);
        c.updateDisplay();
        return;
      }
      const value = read.settings[key];
      text.value = String(value);
      c.updateDisplay();
      if (String(value) === String(settings[key])) return;
      Object.assign(settings, { [key]: value });
      actions.changed(key);
    });
    this.controllers.set(key, c);
  }

  /**
   * lil-gui clamps a typed number to its slider's range in silence (500 for the rate became 10): a
   * value out of range is refused instead, with the link reader's reason under the field, and the
   * run's value comes back. Listens before lil-gui's own blur, which then shows the value kept.
   */
  private refuseOutOfRange(c: Controller, key: keyof PageSettings): void {
    const input = c.domElement.querySelector('input');
    if (!input) return;
    const problem = noteUnder(c);
    let before = this.settings[key];
    input.addEventListener('focus', () => {
      before = this.settings[key];
    });
    input.addEventListener(
      'blur',
      () => {
        const text = input.value.trim();
        const read = readSettings([[key, text]]);
        const refused = text !== '' && read.problems.length > 0;
        problem.hidden = !refused;
        if (!refused) return;
        problem.textContent = `${read.problems[0]}: it stays ${before}.`;
        Object.assign(this.settings, { [key]: before });
      },
      { capture: true },
    );
  }

  /**
   * Controls a teacher's link hides (`hide=lr,optimizer`): they stay hidden whatever the model, and
   * a folder left with no control to show (The math, under `hide=math`) goes with them.
   */
  hideControls(keys: ReadonlyArray<keyof PageSettings>): void {
    const before = this.hiddenByLink;
    this.hiddenByLink = new Set(keys);
    for (const key of before) if (!this.hiddenByLink.has(key)) this.controllers.get(key)?.show(true);
    for (const key of this.hiddenByLink) this.controllers.get(key)?.show(false);
    if (this.hiddenByLink.has('features')) this.featureFolder?.show(false);
    const hidden = new Set([...this.hiddenByLink].map((key) => this.controllers.get(key)));
    for (const folder of this.gui.folders) folder.show(!(folder.controllers.length > 0 && folder.controllers.every((c) => hidden.has(c))));
  }

  /** Shows only the controls that matter for the current model and optimizer. */
  showRelevant(s: PageSettings): void {
    const show = (key: keyof PageSettings, on: boolean) => this.controllers.get(key)?.show(on && !this.hiddenByLink.has(key));
    show('problem', s.model === 'mlp');
    this.showDatasets(s);
    show('hidden', s.model === 'mlp');
    show('activation', s.model === 'mlp');
    show('code', s.model === 'autoencoder');
    show('samples', s.dataset !== 'mnist' && s.dataset !== 'file');
    show('noise', s.dataset !== 'mnist' && s.dataset !== 'file');
    show('testShare', s.dataset !== 'mnist');
    this.regenerate?.show(s.dataset !== 'mnist' && s.dataset !== 'file' && !this.hiddenByLink.has('dataset'));
    this.featureFolder?.show(s.dataset !== 'mnist' && s.dataset !== 'file' && !this.hiddenByLink.has('features'));
    show('momentum', s.optimizer === 'momentum');
    show('nesterov', s.optimizer === 'momentum');
    show('beta1', s.optimizer === 'adam');
    show('beta2', s.optimizer === 'adam');
    this.showMistakes(s);
  }

  /** The data sets offered are those of the MLP's problem (a regression: plane, the Gaussian mixture, a file); the autoencoder takes any. */
  private showDatasets(s: PageSettings): void {
    const c = this.controllers.get('dataset');
    if (!c) return;
    const names = OPTION_NAMES.dataset!;
    const fits = new Set(s.model === 'mlp' ? PROBLEM_DATASETS[s.problem] : CHOICES.dataset);
    for (const option of c.domElement.querySelectorAll('option')) option.hidden = !fits.has(names[option.textContent ?? ''] as DatasetChoice);
  }

  /**
   * The gallery offers the mistakes this model can make; the note says what the chosen one is. In
   * the exercise the choice is hidden: the note says what to do instead.
   */
  private showMistakes(s: PageSettings): void {
    const c = this.controllers.get('mistake')!;
    const activation = s.model === 'mlp' ? s.activation : null;
    const fits = new Set(mistakesFor(s.model, activation, s.model === 'mlp' ? s.problem : undefined).map(mistakeLabel));
    for (const option of c.domElement.querySelectorAll('option')) option.hidden = !fits.has(option.textContent ?? '');
    c.show(s.exercise === 0 && !this.hiddenByLink.has('mistake'));
    const note = this.mistakeNote;
    // Without its choice the note has nothing to explain; the exercise's instructions stay.
    note.hidden = s.exercise === 0 && this.hiddenByLink.has('mistake');
    if (s.exercise > 0) {
      note.textContent = `Find the bug (exercise ${s.exercise}): this run makes one hidden mistake. Check the gradients, train, then click the equation you believe is wrong in "The equations beside the numbers".`;
    } else if (s.mistake === 'none' || !fits.has(mistakeLabel(s.mistake))) {
      note.textContent = 'Make one of the classic backprop mistakes in the GPU kernels and the reference alike, and watch which gradients go wrong.';
    } else {
      const info = MISTAKE_INFO[s.mistake];
      note.textContent = `${info.wrong} instead of ${info.right}: ${info.teaches}.`;
    }
  }

  destroy(): void {
    this.removeListeners();
    this.gui.destroy();
  }
}

/** A line under a control for the reason a value was refused, hidden until there is one. */
function noteUnder(c: Controller): HTMLParagraphElement {
  const problem = document.createElement('p');
  problem.className = 'panel-note';
  problem.setAttribute('role', 'status');
  problem.style.cssText = 'margin: 2px 8px 6px; font-size: 11px; line-height: 1.35; color: #a50e0e;';
  problem.hidden = true;
  c.domElement.after(problem);
  return problem;
}
