// The text a student types their derivation in: a plain textarea (no wrapping, so that its rows are
// the text's lines) with a gutter of line numbers, each line that defines something marked with its
// verdict on the same row. A click on a mark opens that line's verdict.
import type { DerivationReport } from '../../derive/index';
import { append } from './dom';
import { MARKS, shownVerdict } from './verdict-marks';

/** The textarea's height follows the text, between these many rows. */
const MIN_ROWS = 8;
const MAX_ROWS = 22;

export class DerivationEditor {
  readonly textarea: HTMLTextAreaElement;
  private readonly gutter: HTMLDivElement;

  constructor(parent: HTMLElement, onInput: () => void, onMarkClicked: (line: number) => void) {
    const edit = append(parent, 'div', 'derive-edit');
    this.gutter = append(edit, 'div', 'derive-gutter');
    this.gutter.setAttribute('aria-hidden', 'true');
    this.gutter.addEventListener('click', (e) => {
      const line = (e.target as HTMLElement).closest<HTMLElement>('[data-line]')?.dataset.line;
      if (line) onMarkClicked(Number(line));
    });
    const t = append(edit, 'textarea', 'derive-editor');
    t.wrap = 'off';
    t.spellcheck = false;
    t.autocapitalize = 'off';
    t.setAttribute('autocomplete', 'off');
    t.setAttribute('aria-label', 'your derivation, one definition per line');
    t.addEventListener('input', () => {
      this.fitRows();
      onInput();
    });
    t.addEventListener('scroll', () => (this.gutter.scrollTop = t.scrollTop));
    this.textarea = t;
  }

  get text(): string {
    return this.textarea.value;
  }

  set text(text: string) {
    this.textarea.value = text;
    this.textarea.scrollTop = 0;
    this.fitRows();
  }

  /** A mark beside each line of the text that defines something, on the same row. */
  showMarks(report: DerivationReport): void {
    const byLine = new Map(report.lines.map((r) => [r.line, r]));
    const count = this.text.split('\n').length;
    this.gutter.replaceChildren();
    for (let line = 1; line <= count; line++) {
      const row = append(this.gutter, 'span', 'derive-gutter-row');
      const r = byLine.get(line);
      append(row, 'span', 'derive-gutter-number', String(line));
      if (!r) continue;
      const verdict = shownVerdict(r);
      row.dataset.line = String(line);
      row.dataset.verdict = verdict;
      append(row, 'span', 'derive-mark', MARKS[verdict].symbol);
    }
    this.gutter.scrollTop = this.textarea.scrollTop;
  }

  /** Puts the caret at `line`, `column` (1-based, as the messages count them) and focuses the text. */
  goTo(line: number, column: number): void {
    const lines = this.text.split('\n');
    const before = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    const at = before + Math.min(Math.max(0, column - 1), lines[line - 1]?.length ?? 0);
    this.textarea.focus();
    this.textarea.setSelectionRange(at, at);
  }

  private fitRows(): void {
    const lines = this.text.split('\n').length;
    this.textarea.rows = Math.max(MIN_ROWS, Math.min(MAX_ROWS, lines + 1));
  }
}
