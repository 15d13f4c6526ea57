// The run controls above the status line: one large play/pause toggle (named "play" while paused,
// "pause" while running), one step and reset beside it, each with a tooltip; Space toggles, except
// while the focus is in a field (or on a button, which Space presses itself). Then the teacher's
// two: copy the link to this run, and open a named preset.

export interface RunBarActions {
  toggle(): void;
  step(): void;
  reset(): void;
  copyLink(): void;
  /** A preset was chosen: its link. */
  preset(hash: string): void;
  /** Time this network on the GPU and the CPU, and say which is faster. */
  compare(): void;
  /** Opens or closes the settings (a drawer on a narrow screen, where this button shows). */
  settings?(): void;
}

export class RunBar {
  private readonly toggleButton: HTMLButtonElement;
  private readonly icon: HTMLSpanElement;
  private readonly label: HTMLSpanElement;
  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key !== ' ' || e.repeat || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    e.preventDefault(); // Space would scroll the page
    this.actions.toggle();
  };

  constructor(
    container: HTMLElement,
    private readonly actions: RunBarActions,
    presets: ReadonlyArray<{ name: string; hash: string; about: string }> = [],
  ) {
    const bar = document.createElement('div');
    bar.className = 'run-bar';
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'run controls');
    this.toggleButton = button('run-toggle', () => this.actions.toggle());
    this.icon = document.createElement('span');
    this.icon.className = 'run-icon';
    this.icon.setAttribute('aria-hidden', 'true');
    this.label = document.createElement('span');
    this.label.setAttribute('aria-hidden', 'true');
    this.toggleButton.append(this.icon, this.label);
    const step = button('run-step', () => this.actions.step(), '+1 step', 'one step', 'Train one step and show it (while paused)');
    const reset = button('run-reset', () => this.actions.reset(), '↺ reset', 'reset', 'Start the run again from its seed: new initial weights, step 0');
    const copy = button(
      'run-copy',
      () => this.actions.copyLink(),
      'copy link',
      'copy link',
      'Copy the link to this run: its settings, seed and hidden controls',
    );
    const compare = button(
      'run-compare',
      () => this.actions.compare(),
      'GPU vs CPU',
      'GPU vs CPU: which trains this network faster',
      'Time this network on the GPU and on the CPU engine, and say which is faster and by how much',
    );
    bar.append(this.toggleButton, step, reset, copy, compare);
    if (presets.length > 0) bar.append(presetChooser(presets, (hash) => this.actions.preset(hash)));
    // Up to 800 px wide the settings are a drawer, opened from here (style.css hides the button elsewhere).
    if (actions.settings) bar.append(button('run-settings', () => this.actions.settings?.(), '⚙ settings', 'settings', 'Open the settings'));
    container.append(bar);
    this.show(false);
    document.addEventListener('keydown', this.onKey);
  }

  /** Shows the state: the toggle offers what pressing it does. */
  show(running: boolean): void {
    const name = running ? 'pause' : 'play';
    this.toggleButton.setAttribute('aria-label', name);
    this.toggleButton.title = running ? 'Pause training (Space)' : 'Train: run steps continuously (Space)';
    this.toggleButton.dataset.running = String(running);
    this.icon.textContent = running ? '' : '▶'; // the pause bars are drawn by style.css
    this.label.textContent = name;
  }

  destroy(): void {
    document.removeEventListener('keydown', this.onKey);
  }
}

function button(className: string, onClick: () => void, text = '', name = '', title = ''): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `run-button ${className}`;
  if (text) b.textContent = text;
  if (name) b.setAttribute('aria-label', name);
  if (title) b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

/** A list of named runs; choosing one opens its link (and the list goes back to its title). */
function presetChooser(presets: ReadonlyArray<{ name: string; hash: string; about: string }>, open: (hash: string) => void): HTMLSelectElement {
  const select = document.createElement('select');
  select.className = 'run-button run-presets';
  select.setAttribute('aria-label', 'presets');
  select.title = 'Open a prepared run: what a lecture shows first';
  const title = new Option('presets…', '');
  title.disabled = true;
  select.append(title, ...presets.map((p) => Object.assign(new Option(p.name, p.hash), { title: p.about })));
  select.value = '';
  select.addEventListener('change', () => {
    const hash = select.value;
    select.value = '';
    if (hash) open(hash);
  });
  return select;
}

/** Where Space types or presses something itself. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON'].includes(target.tagName) || target.getAttribute('role') === 'button';
}
