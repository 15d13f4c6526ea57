// The gradient-check card: per tensor, the GPU against the float64 reference and the reference
// against central differences, each coloured green, amber or red against GRAD_CHECK_THRESHOLDS.
import '../views.css';
import './math.css';
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
    this.note.textContent =
      "The wrong swish′ σ(v)(2 − σ(v)) is in both the GPU kernel and the reference, so they agree with each other; " +
      'only calculus (finite differences) shows that W1 and b1 are wrong. W2 and b2 do not pass through swish′.';
    this.card.body.append(this.table, row, this.note);
  }

  /** Shows that a check is running (the button is disabled until `show`). */
  busy(): void {
    this.button.disabled = true;
    this.info.textContent = 'checking…';
  }

  show(result: GradCheck, step: number): void {
    this.button.disabled = false;
    const head = '<tr><th>tensor</th><th>GPU vs float64</th><th>float64 vs finite diff.</th><th>entries differenced</th></tr>';
    const rows = Object.entries(result.tensors).map(([name, t]) => {
      const gpu = t.gpuVsReference === null
        ? '<td class="math-none">no GPU</td>'
        : `<td class="math-${verdict('gpuVsReference', t.gpuVsReference)}">${t.gpuVsReference.toExponential(1)}</td>`;
      const fd = `<td class="math-${verdict('referenceVsFiniteDiff', t.referenceVsFiniteDiff)}">${t.referenceVsFiniteDiff.toExponential(1)}</td>`;
      return `<tr data-tensor="${name}"><td>${name}</td>${gpu}${fd}<td>${t.finiteDiffEntries} of ${t.entries}</td></tr>`;
    });
    this.table.innerHTML = head + rows.join('');
    const derivative = result.activation === null ? '' : result.activation === 'swish' ? `, swish′ ${result.swishDerivative}` : `, ${result.activation}′`;
    this.info.textContent = `step ${step.toLocaleString('en')}, batch of ${result.B}${derivative}, ${Math.round(result.elapsedMs)} ms`;
    this.note.hidden = result.swishDerivative !== 'wrong';
  }

  failed(message: string): void {
    this.button.disabled = false;
    this.info.textContent = `check failed: ${message}`;
  }

  destroy(): void {
    this.card.remove();
  }
}
