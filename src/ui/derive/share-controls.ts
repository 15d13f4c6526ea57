// The derive card's row of the rest: the solution (on a second click), and the student's work out
// of and into the page: a link that opens the same text with the same verdicts, and a .txt file.
import { solutionText, type Assignment } from '../../derive/index';
import { download } from '../run-files';
import { copyText } from '../teacher';
import { encodeDeriveLink, MAX_LINK_TEXT_BYTES } from './derive-link';
import { append, appendButton, appendConfirmButton } from './dom';

/** A derivation is a few dozen lines; a larger file is not one (as the CLI has it). */
const MAX_FILE_BYTES = 100_000;

/** What the controls need of the card. */
export interface ShareHost {
  assignment(): Assignment;
  text(): string;
  /** The lines a teacher's link gives, or null for the assignment's own. */
  given(): string[] | null;
  /** Replaces the text with an opened file's, and says so. */
  open(text: string, said: string): void;
  say(text: string): void;
}

export class ShareControls {
  private readonly linkOut: HTMLInputElement;
  private readonly solution: HTMLPreElement;

  constructor(
    parent: HTMLElement,
    private readonly host: ShareHost,
  ) {
    const more = append(parent, 'div', 'derive-more');
    appendConfirmButton(more, 'show the solution', 'sure? click again to show it', () => this.showSolution(true));
    appendButton(more, 'copy link', () => void this.copyLink());
    appendButton(more, 'save as .txt', () => this.saveFile());
    const picker = append(more, 'input', 'derive-file');
    picker.type = 'file';
    picker.accept = '.txt,text/plain';
    picker.hidden = true;
    picker.addEventListener('change', () => {
      const file = picker.files?.[0];
      picker.value = '';
      if (file) void this.openFile(file);
    });
    appendButton(more, 'open a .txt…', () => picker.click());
    this.linkOut = append(more, 'input', 'derive-link');
    this.linkOut.readOnly = true;
    this.linkOut.hidden = true;
    this.linkOut.setAttribute('aria-label', 'link to your derivation');
    this.linkOut.addEventListener('focus', () => this.linkOut.select());
    this.solution = append(parent, 'pre', 'derive-solution');
    this.solution.hidden = true;
    this.solution.setAttribute('aria-label', 'the solution');
  }

  /** Another assignment: its solution hidden, no link of the last one's. */
  reset(): void {
    this.showSolution(false);
    this.linkOut.hidden = true;
  }

  private showSolution(shown: boolean): void {
    this.solution.hidden = !shown;
    this.solution.textContent = shown ? solutionText(this.host.assignment()) : '';
  }

  private async copyLink(): Promise<void> {
    const text = this.host.text();
    if (new TextEncoder().encode(text).length > MAX_LINK_TEXT_BYTES) {
      this.host.say(`Too long for a link (more than ${MAX_LINK_TEXT_BYTES} bytes): save it as a .txt file instead.`);
      return;
    }
    const hash = encodeDeriveLink({ assignment: this.host.assignment().id, work: text, given: this.host.given() });
    const url = `${location.href.split('#')[0]}${hash}`;
    this.linkOut.value = url;
    this.linkOut.hidden = false;
    const copied = await copyText(url);
    this.host.say(`${copied ? 'Link copied' : 'Copy this link'}: it opens this text, with the same verdicts.`);
  }

  private saveFile(): void {
    download(new File([this.host.text()], `derivation-${this.host.assignment().id}.txt`, { type: 'text/plain' }));
  }

  private async openFile(file: File): Promise<void> {
    if (file.size > MAX_FILE_BYTES) {
      this.host.say(`${file.name} is larger than a derivation can be (${MAX_FILE_BYTES} bytes).`);
      return;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
    } catch {
      this.host.say(`${file.name} is not a text file (UTF-8).`);
      return;
    }
    this.host.open(text, `Opened ${file.name} (checked as ${this.host.assignment().id}).`);
  }
}
