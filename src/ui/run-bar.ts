// The run controls above the status line: one large play/pause toggle (named "play" while paused,
// "pause" while running), one step and reset beside it, each with a tooltip; Space toggles, except
// while the focus is in a field (or on a button, which Space presses itself).

export interface RunBarActions {
  toggle(): void;
  step(): void;
  reset(): void;
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

  constructor(container: HTMLElement, private readonly actions: RunBarActions) {
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
    bar.append(this.toggleButton, step, reset);
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
    this.icon.textContent = running ? '❚❚' : '▶';
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

/** Where Space types or presses something itself. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON'].includes(target.tagName) || target.getAttribute('role') === 'button';
}
