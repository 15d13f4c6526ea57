// "Derive it yourself": a card where a student types their own backward pass and sees each line
// judged as they type (checked in float64 on a problem of the assignment, never run as code), then
// trains the page's run with it on the GPU. The work stays in the browser (localStorage per
// assignment), and travels as a link or a .txt file. Mounted once: it outlives the page's runs.
// Its parts: the text (derivation-editor.ts), the verdicts (verdict-list.ts), training
// (train-controls.ts), the solution, link and file (share-controls.ts).
import '../views.css';
import './derive.css';
import {
  ASSIGNMENTS,
  assignmentById,
  assignmentProblem,
  checkDerivation,
  formatShape,
  starterText,
  type Assignment,
  type DerivationReport,
  type Problem,
} from '../../derive/index';
import { lowerDerivation, lowerProblem } from '../../derive/lower';
import { ViewCard } from '../views/card';
import type { DeriveLink } from './derive-link';
import { DerivationEditor } from './derivation-editor';
import { append, appendConfirmButton } from './dom';
import type { Lowered } from './line-details';
import { ShareControls } from './share-controls';
import { TrainControls, type TrainHost } from './train-controls';
import { VerdictList } from './verdict-list';
import type { WorkStore } from './work-store';

/** The problem every derivation is checked on: one seed, so that a link shows the very same verdicts. */
const PROBLEM_SEED = 1;
/** Checking waits for a pause in the typing. */
const CHECK_DELAY_MS = 300;

/** What the card needs of the page. */
export interface DeriveHost extends TrainHost {
  /** A run shows (built, not being replaced). */
  ready(): boolean;
}

export class DeriveCard {
  private readonly card: ViewCard;
  private readonly chooser: HTMLSelectElement;
  private readonly task: HTMLParagraphElement;
  private readonly names: HTMLParagraphElement;
  private readonly editor: DerivationEditor;
  private readonly list: VerdictList;
  private readonly summary: HTMLParagraphElement;
  private readonly training: TrainControls;
  private readonly sharing: ShareControls;
  private readonly said: HTMLParagraphElement;
  private readonly problems = new Map<string, Problem>();
  private assignment: Assignment = ASSIGNMENTS[0]!;
  /** The lines a teacher's link gives, for "start again"; null for the assignment's own. */
  private given: string[] | null = null;
  private lowered: Lowered = { program: null, why: 'nothing is checked yet' };
  private pending: ReturnType<typeof setTimeout> | null = null;
  /** A link opened the card: it comes into view once the run above it shows (the cards above take their size then). */
  private scrollPending = false;

  constructor(
    container: HTMLElement,
    private readonly host: DeriveHost,
    private readonly store: WorkStore,
    link: { link: DeriveLink | null; problems: string[] },
  ) {
    this.card = new ViewCard(
      container,
      'derive',
      'Derive it yourself',
      'Write the backward pass, one line per gradient: each line is checked as you type, in float64 against the true gradient on a small batch (nothing you type runs as code). Then train the run with it.',
    );
    const body = this.card.body;
    const bar = append(body, 'div', 'derive-bar');
    const label = append(bar, 'label', 'derive-choose', 'assignment ');
    this.chooser = append(label, 'select', '');
    for (const a of ASSIGNMENTS) append(this.chooser, 'option', '', a.title).value = a.id;
    this.chooser.addEventListener('change', () => this.choose(assignmentById(this.chooser.value)!, null, null));
    appendConfirmButton(bar, 'start again', 'click again to start again', () => this.setText(this.starter(), 'Started again.'));

    this.task = append(body, 'p', 'derive-task');
    this.names = append(body, 'p', 'derive-names');
    const work = append(body, 'div', 'derive-work');
    this.editor = new DerivationEditor(
      work,
      () => this.typed(),
      (line) => this.list.reveal(line),
    );
    this.list = new VerdictList(work, (line, column) => this.editor.goTo(line, column));
    this.summary = append(body, 'p', 'derive-summary');
    this.summary.setAttribute('aria-live', 'polite'); // not role=status: the page's one status is its status line
    this.training = new TrainControls(body, host, () => ({ assignment: this.assignment, text: this.editor.text, notLowered: this.lowered.why }));
    this.sharing = new ShareControls(body, {
      assignment: () => this.assignment,
      text: () => this.editor.text,
      given: () => this.given,
      open: (text, said) => this.setText(text, said),
      say: (text) => this.say(text),
    });
    this.said = append(body, 'p', 'derive-said');
    this.said.setAttribute('aria-live', 'polite');

    const last = assignmentById(store.lastAssignment() ?? '') ?? assignmentById('swish-mlp')!;
    if (!this.open(link)) this.choose(last, null, null);
  }

  /** Opens a link's assignment and work (the page's, or one followed later); false where it names none. */
  open({ link, problems }: { link: DeriveLink | null; problems: string[] }): boolean {
    const ignored = problems.length > 0 ? `Some of the link was ignored: ${problems.join('; ')}.` : '';
    if (!link) {
      this.say(ignored);
      return false;
    }
    // A teacher's link without work opens the student's own saved work, where there is some.
    const ownWork = link.work === null && this.store.text(link.assignment) !== null;
    this.choose(assignmentById(link.assignment)!, link.work, link.given);
    const opened =
      link.work !== null
        ? 'Opened the derivation in the link.'
        : ownWork && link.given
          ? 'Your saved work on this assignment is shown; "start again" gives the lines the link gives.'
          : '';
    this.say([ignored, opened].filter(Boolean).join(' '));
    this.scrollPending = true;
    this.showRun();
    return true;
  }

  /** The run was rebuilt (or a change refused): the train controls follow what the run trains with. */
  showRun(): void {
    this.training.update();
    if (this.scrollPending && this.host.ready()) {
      this.scrollPending = false;
      requestAnimationFrame(() => this.card.root.scrollIntoView({ block: 'start' }));
    }
  }

  private choose(a: Assignment, work: string | null, given: string[] | null): void {
    this.assignment = a;
    this.given = given;
    this.chooser.value = a.id;
    this.task.textContent = a.task;
    this.training.forgetRefusal();
    this.sharing.reset();
    this.say('');
    this.setText(work ?? this.store.text(a.id) ?? this.starter(), null);
  }

  private starter(): string {
    return starterText(this.assignment, this.given ? new Set(this.given) : undefined);
  }

  private setText(text: string, said: string | null): void {
    this.editor.text = text;
    if (said !== null) this.say(said);
    this.check();
  }

  private typed(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = setTimeout(() => this.check(), CHECK_DELAY_MS);
  }

  /** Checks the text now, shows every verdict, and keeps the text. */
  private check(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    const a = this.assignment;
    const text = this.editor.text;
    let problem = this.problems.get(a.id);
    if (!problem) this.problems.set(a.id, (problem = assignmentProblem(a, PROBLEM_SEED)));
    const report = checkDerivation(text, problem, { required: a.required });
    this.lowered = lowered(report);
    this.list.show(report, a, this.lowered);
    this.editor.showMarks(report);
    this.showNames(report);
    this.summary.textContent = report.summary.message;
    this.summary.dataset.allRight = String(report.summary.allRight);
    this.store.save(a.id, text);
    this.showRun();
  }

  /** The names the lines may use, grouped by shape, and the sizes of this problem. */
  private showNames(report: DerivationReport): void {
    const groups = new Map<string, string[]>();
    for (const g of report.layout.given) groups.set(formatShape(g.shape), [...(groups.get(formatShape(g.shape)) ?? []), g.name]);
    const names = [...groups].map(([shape, list]) => `${list.join(', ')} ${shape}`).join(' · ');
    const sizes = report.layout.dimensions.map((d) => `${d.name} = ${d.size}`).join(', ');
    this.names.textContent = `Given: ${names}; here ${sizes}. Name a gradient dNAME (dW1, dZ, …); any other name is a helper.`;
  }

  private say(text: string): void {
    this.said.textContent = text;
    this.said.hidden = text === '';
  }
}

/** The GPU program of a report, or why there is none. */
function lowered(report: DerivationReport): Lowered {
  const why = lowerProblem(report);
  if (why) return { program: null, why };
  try {
    return { program: lowerDerivation(report), why: null };
  } catch (error) {
    return { program: null, why: (error as Error).message };
  }
}
