// The few DOM builders the derive card's files share.

/** A new element of `tag` (with `className` and `text` where given), appended to `parent`. */
export function append<K extends keyof HTMLElementTagNameMap>(parent: HTMLElement, tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  parent.append(el);
  return el;
}

/** A view button (the views' .view-button) appended to `parent`. */
export function appendButton(parent: HTMLElement, label: string, onClick: () => void): HTMLButtonElement {
  const b = append(parent, 'button', 'view-button', label);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/**
 * A button that asks for a second click before it acts (showing the solution, starting again):
 * the first turns its label into `confirm` for a few seconds.
 */
export function appendConfirmButton(parent: HTMLElement, label: string, confirm: string, onConfirmed: () => void): HTMLButtonElement {
  let armed: ReturnType<typeof setTimeout> | null = null;
  const disarm = () => {
    if (armed) clearTimeout(armed);
    armed = null;
    b.textContent = label;
    b.classList.remove('derive-armed');
  };
  const b = appendButton(parent, label, () => {
    if (!armed) {
      b.textContent = confirm;
      b.classList.add('derive-armed');
      armed = setTimeout(disarm, 5000);
      return;
    }
    disarm();
    onConfirmed();
  });
  b.addEventListener('blur', disarm);
  return b;
}
