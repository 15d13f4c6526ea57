// The gradient-check card: per tensor, the GPU against the float64 reference and the reference
// against central differences, each coloured green, amber or red against GRAD_CHECK_THRESHOLDS.
import '../views.css';
import './math.css';
import { MISTAKE_INFO, wrongTensors, type Mistake } from '../../reference/mistakes';
import { GRAD_CHECK_THRESHOLDS, verdict, type GradCheck } from '../../train/grad-check';
import { ViewCard } from '../views/card';

const CAPTION =
  `Norm-relative error ‖a − b‖/‖b‖ per tensor, on the current batch. Green: GPU within ${GRAD_CHECK_THRESHOLDS.gpuVsReference.ok} ` +
  `of float64 and float64 within ${GRAD_CHECK_THRESHOLDS.referenceVsFiniteDiff.ok} of finite differences; red above ` +
  `${GRAD_CHECK_THRESHOLDS.gpuVsReference.bug}.`;

export class GradCheckView {
  private readonly card: ViewCard;
  private readonly table: HTMLTableElement;
  private readonly info: HTMLSpanElement;
  private readonly note: HTMLParagraphElement;
  private readonly button: HTMLButtonElement;

  constructor(container: HTMLElement, onCheck: () => void) {
    this.card = new ViewCard(container, 'grad-check', 'Gradient check', CAPTION);
    this.table = document.createElement('table');
    this.table.className = 'math-table';
    const row = document.createElement('div');
    row.className = 'math-row';
    this.button = document.createElement('button');
    this.button.className = 'view-button';
    this.button.textContent = 'check now';
    this.button.addEventListener('click', onCheck);
    this.info = document.createElement('span');
    this.info.textContent = 'not checked yet';
    row.append(this.button, this.info);
    this.note = document.createElement('p');
    this.note.className = 'math-note';
    this.note.hidden = true;
    this.card.body.append(this.table, row, this.note);
  }

  /** Shows that a check is running (the button is disabled until `show`). */
  busy(): void {
    this.button.disabled = true;
    this.info.textContent = 'checking…';
  }

  /** `hidden`: the find-the-bug exercise, where the check must not name the mistake. */
  show(result: GradCheck, step: number, hidden = false): void {
    this.button.disabled = false;
    const head = '<tr><th>tensor</th><th>GPU vs float64</th><th>float64 vs finite diff.</th><th>entries differenced</th></tr>';
    const rows = Object.entries(result.tensors).map(([name, t]) => {
      const gpu =
        t.gpuVsReference === null
          ? '<td class="math-none">no GPU</td>'
          : `<td class="math-${verdict('gpuVsReference', t.gpuVsReference)}">${t.gpuVsReference.toExponential(1)}</td>`;
      const fd = `<td class="math-${verdict('referenceVsFiniteDiff', t.referenceVsFiniteDiff)}">${t.referenceVsFiniteDiff.toExponential(1)}</td>`;
      return `<tr data-tensor="${name}"><td>${name}</td>${gpu}${fd}<td>${t.finiteDiffEntries} of ${t.entries}</td></tr>`;
    });
    this.table.innerHTML = head + rows.join('');
    const mistake = hidden ? '' : result.mistake === 'none' ? '' : `, mistake ${result.mistake}`;
    this.info.textContent = `step ${step.toLocaleString('en')}, batch of ${result.B}${checkedLabel(result)}${mistake}, ${Math.round(result.elapsedMs)} ms`;
    this.note.hidden = hidden || result.mistake === 'none';
    if (!this.note.hidden) this.note.textContent = mistakeNote(result.mistake, Object.keys(result.tensors));
  }

  failed(message: string): void {
    this.button.disabled = false;
    this.info.textContent = `check failed: ${message}`;
  }

  destroy(): void {
    this.card.remove();
  }
}

/**
 * What the backward pass under check is made of, for the card's line: the MLP's activation derivative
 * where it is not the default swish (", tanh′"); for the autoencoder, which has no activation, its two
 * gradient terms (W appears twice, as encoder and as decoder).
 */
export function checkedLabel(result: Pick<GradCheck, 'model' | 'activation'>): string {
  if (result.model === 'autoencoder') return ', linear, no activation: dW = W v xᵀ + z vᵀ';
  return result.activation === null || result.activation === 'swish' ? '' : `, ${result.activation}′`;
}

/** What the check shows of a mistake: which tensors finite differences flag, and why. */
export function mistakeNote(mistake: Mistake, names: string[]): string {
  if (mistake === 'none') return '';
  const teaches = MISTAKE_INFO[mistake].teaches;
  if (mistake === 'update-sign') {
    return `update-sign: every gradient is green, and the loss climbs. The mistake is in the update p ← p + ηg, after the gradients: ${teaches}.`;
  }
  const wrong = wrongTensors(mistake, names);
  return (
    `The mistake ${mistake} is in both the GPU kernels and the reference, so they agree with each other; only calculus ` +
    `(finite differences of the true loss) shows that ${wrong.join(', ')} ${wrong.length === 1 ? 'is' : 'are'} wrong: ${teaches}.`
  );
}
