// The verdicts beside the text: one entry per line that defines something, with its mark (a symbol
// and a colour: ✓ right, ✗ wrong, ⚠ error, ↑ inherits, · helper), the line typeset from its tree,
// the message, the norm-relative error, a hint on request, and on a click the line's heatmap and
// GPU steps.
import type { Assignment, DerivationReport, LineReport } from '../../derive/index';
import { renderTex } from '../math/tex';
import { append, appendButton } from './dom';
import { showLineDetails, type Lowered } from './line-details';
import { definitionTex } from './line-tex';
import { MARKS, shownVerdict } from './verdict-marks';

export class VerdictList {
  readonly root: HTMLOListElement;
  /** Lines (by name, or number for a line without one) whose details and hints are open: kept while the text changes. */
  private readonly open = new Set<string>();
  private readonly hinted = new Set<string>();

  /** `goTo` puts the text's caret where an error points. */
  constructor(
    parent: HTMLElement,
    private readonly goTo: (line: number, column: number) => void,
  ) {
    this.root = append(parent, 'ol', 'derive-lines');
    this.root.setAttribute('aria-label', 'verdict of each line');
  }

  /** Shows the verdicts of `report`, with hints from `assignment` and GPU steps from `lowered`. */
  show(report: DerivationReport, assignment: Assignment, lowered: Lowered): void {
    this.root.replaceChildren();
    const hints = new Map(assignment.solution.map((l) => [/^[A-Za-z_]\w*/.exec(l.text)![0], l.hint]));
    for (const r of report.lines) this.root.append(this.entry(r, hints.get(r.name ?? ''), lowered));
    if (report.lines.length === 0) append(this.root, 'li', 'derive-empty', 'No line defines anything yet: write one as name = expression.');
  }

  /** Opens the details of the entry of text line `line` (a click in the gutter), if it has one. */
  reveal(line: number): void {
    const item = this.root.querySelector<HTMLElement>(`:scope > li[data-line="${line}"]`);
    if (!item) return;
    const head = item.querySelector<HTMLButtonElement>('.derive-line-head');
    if (head?.getAttribute('aria-expanded') === 'false') head.click();
    item.scrollIntoView({ block: 'nearest' });
    head?.focus({ preventScroll: true });
  }

  private entry(r: LineReport, hint: string | undefined, lowered: Lowered): HTMLLIElement {
    const key = r.name ?? `#${r.line}`;
    const item = document.createElement('li');
    item.className = 'derive-line';
    const verdict = shownVerdict(r);
    item.dataset.verdict = verdict;
    item.dataset.line = String(r.line);
    if (r.name) item.dataset.name = r.name;
    if (r.inherits) item.dataset.inherits = r.inherits.join(' ');

    const head = append(item, 'button', 'derive-line-head');
    head.type = 'button';
    head.setAttribute('aria-label', `line ${r.line}, ${r.name ?? 'no name'}: ${MARKS[verdict].word}`);
    const mark = append(head, 'span', 'derive-mark');
    append(mark, 'span', '', MARKS[verdict].symbol).setAttribute('aria-hidden', 'true');
    append(mark, 'span', 'derive-sr', MARKS[verdict].word);
    append(head, 'span', 'derive-lineno', String(r.line));
    const math = append(head, 'span', 'derive-tex');
    if (r.definition) typeset(definitionTex(r.definition), math);
    else math.textContent = r.name ? `${r.name} = …` : `line ${r.line}`;
    const error = append(head, 'span', 'derive-relerror', r.relError === null ? '' : r.relError.toExponential(1));
    if (r.relError !== null) error.title = 'norm-relative error ‖yours − true‖ / ‖true‖';

    const foot = append(item, 'div', 'derive-line-foot');
    append(foot, 'p', 'derive-message', r.message);
    if (r.verdict === 'error' && r.column !== undefined) {
      const column = r.column;
      appendButton(foot, 'go there', () => this.goTo(r.line, column)).classList.add('derive-go-button');
    }
    const hintText = append(item, 'p', 'derive-hint', `Hint: ${hint}`);
    hintText.hidden = true;
    const details = append(item, 'div', 'derive-details');
    const setOpen = (open: boolean) => {
      head.setAttribute('aria-expanded', String(open));
      details.hidden = !open;
      if (open) {
        this.open.add(key);
        showLineDetails(details, r, lowered);
      } else {
        this.open.delete(key);
        details.replaceChildren();
      }
    };
    head.addEventListener('click', () => setOpen(details.hidden));
    setOpen(this.open.has(key));

    if (hint) {
      const toggle = appendButton(foot, '', () => showHint(hintText.hidden));
      toggle.classList.add('derive-hint-button');
      const showHint = (shown: boolean) => {
        hintText.hidden = !shown;
        toggle.textContent = shown ? 'hide the hint' : 'hint';
        toggle.setAttribute('aria-expanded', String(shown));
        if (shown) this.hinted.add(key);
        else this.hinted.delete(key);
      };
      showHint(this.hinted.has(key));
    }
    return item;
  }
}

/** Typesets TeX built from a tree; a TeX error (which would be this file's bug) shows the TeX itself. */
function typeset(tex: string, el: HTMLElement): void {
  try {
    renderTex(tex, el);
  } catch (error) {
    el.textContent = tex;
    console.error(`derive: KaTeX refused ${tex}: ${(error as Error).message}`);
  }
}
