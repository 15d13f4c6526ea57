// The line under the network diagram: a hint while no link is selected; for a clicked link, its
// editor: the weight in a number field (a new value goes to the run, which trains from it at its next
// step), its gradient at the last step and its change over the last frame's steps.
import { formatNumber } from '../format';
import type { DiagramFrame, LinkAt, PlacedDiagram } from './diagram-types';

export interface LinkEditorHost {
  /** The gradient of the last step at one tensor element. */
  gradient?(tensor: string, index: number): Promise<number | null>;
  /** A weight typed in the field: the run sets it from its next step on. */
  edit?(tensor: string, index: number, value: number): void;
  /** The editor was closed (Escape): the link is no longer selected. */
  closed(): void;
}

/** A number as the page writes it, with a true minus sign: "−0.412". */
export function withMinus(x: number): string {
  return formatNumber(x).replaceAll('-', '−');
}

export class LinkEditor {
  /** The line itself, under the diagram. */
  readonly element = document.createElement('p');
  private readonly label = document.createElement('label');
  private readonly name = document.createElement('span');
  private readonly field = document.createElement('input');
  private readonly details = document.createElement('span');
  private open: LinkAt | null = null;
  private placed: PlacedDiagram | null = null;
  /** The field holds what was typed and not yet applied: frames do not overwrite it. */
  private typed = false;
  /** Counts the gradient reads, so that only the latest one writes. */
  private reads = 0;

  constructor(private readonly host: LinkEditorHost) {
    this.element.className = 'diagram-inspector';
    this.element.setAttribute('aria-live', 'polite');
    this.field.type = 'number';
    this.field.step = 'any';
    this.field.className = 'diagram-weight';
    this.field.addEventListener('input', () => {
      this.typed = true;
    });
    this.field.addEventListener('change', () => this.apply());
    this.field.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.host.closed();
    });
    this.label.append(this.name, this.field);
  }

  /** The text shown while no link is selected. */
  showHint(text: string): void {
    if (this.open) return;
    if (this.element.textContent !== text || this.element.childElementCount > 0) this.element.textContent = text;
  }

  /** Opens the editor on `at` (null: closes it, and the hint comes back on the next frame). */
  select(at: LinkAt | null, placed: PlacedDiagram, previous: DiagramFrame | null): void {
    this.open = at;
    this.typed = false;
    if (!at) {
      this.element.textContent = '';
      return;
    }
    this.element.replaceChildren(this.label, this.details);
    this.update(placed, previous);
    if (this.host.edit) this.field.focus();
  }

  /** The selected link as the next frame draws it (its weight moved), the field left as it is. */
  keep(at: LinkAt): void {
    if (this.open) this.open = at;
  }

  /** The link selected, if any. */
  get selected(): LinkAt | null {
    return this.open;
  }

  /** Shows the selected link in this frame: its weight now, its change since `previous`, its gradient. */
  update(placed: PlacedDiagram, previous: DiagramFrame | null): void {
    this.placed = placed;
    const at = this.open;
    const links = at && placed.frame.links[at.column];
    if (!at || !links) return;
    const { to, from } = at.link;
    const name = links.name(to, from);
    const now = links.weight(to, from);
    this.name.textContent = `${name} = `;
    this.field.setAttribute('aria-label', `weight ${name}`);
    this.field.readOnly = !this.host.edit;
    if (!this.typed) this.field.value = String(Number(now.toPrecision(4)));
    const before = previous?.links[at.column]?.weight(to, from);
    const steps = previous ? placed.frame.step - previous.step : 0;
    const change =
      before !== undefined && steps > 0
        ? ` · changed by ${signed(now - before)} over the last ${steps === 1 ? 'step' : `${steps.toLocaleString('en')} steps`}`
        : '';
    this.details.textContent = change;
    const gradient = this.host.gradient;
    if (!gradient) return;
    const read = ++this.reads;
    void gradient(links.tensor, links.index(to, from)).then((g) => {
      if (read !== this.reads || this.open !== at || g === null) return;
      this.details.textContent = ` · gradient at the last step ${withMinus(g)}${change}`;
    });
  }

  /** The typed value goes to the run, for the selected link of the frame shown last. */
  private apply(): void {
    const at = this.open;
    const links = at && this.placed?.frame.links[at.column];
    const value = Number(this.field.value);
    this.typed = false;
    if (!at || !links || this.field.value.trim() === '' || !Number.isFinite(value)) return;
    this.host.edit?.(links.tensor, links.index(at.link.to, at.link.from), value);
  }
}

function signed(v: number): string {
  return `${v >= 0 ? '+' : ''}${withMinus(v)}`;
}
