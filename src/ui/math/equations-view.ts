// The forward and backward equations (KaTeX, bundled) beside their values for one chosen sample.
// Each equation and each value carries a key; hovering one highlights the other. A run with a
// mistake of the gallery shows its line in red beside the right one, with why; in the find-the-bug
// exercise the mistake stays hidden while the student picks the line they believe is wrong (three
// tries), and is shown when they find it or ask for the answer.
import '../views.css';
import './math.css';
import { rowsAsFloats, type Dataset } from '../../data/dataset';
import type { ModelSpec } from '../../models/build';
import type { Activation } from '../../reference/activations';
import { MISTAKE_INFO, type Mistake } from '../../reference/mistakes';
import { activationOf, problemOf } from '../../reference/mlp';
import { ViewCard } from '../views/card';
import { BugHunt, TRIES } from './bug-hunt';
import { mistakeLine } from './mistake-lines';
import { renderTex } from './tex';
import { sampleValues, type SampleValues } from './sample-values';

/** Entries shown of each vector, and rows × columns shown of each outer product. */
const SHOWN = 8;
const OUTER_ROWS = 3;
const OUTER_COLS = 4;

interface Equation {
  key: string;
  tex: string;
}

const SWISH_PRIME = String.raw`\operatorname{swish}'(v) = \sigma(v)\,\bigl(1 + v\,(1 - \sigma(v))\bigr)`;
/** The optimizer's step, the last line of either model (where update-sign sits). */
const UPDATE: Equation = { key: 'update', tex: String.raw`{p \leftarrow p - \eta\, \partial L / \partial p}` };

/** Each activation's name in TeX, its definition and its derivative (MATH.md). */
const ACTIVATION_TEX: Record<Exclude<Activation, 'swish'>, { name: string; f: string; fPrime: string }> = {
  relu: { name: String.raw`\operatorname{relu}`, f: String.raw`\max(v, 0)`, fPrime: String.raw`[v > 0]` },
  tanh: { name: String.raw`\tanh`, f: String.raw`\tanh v`, fPrime: String.raw`1 - \tanh^2 v` },
  sigmoid: { name: String.raw`\sigma`, f: String.raw`1 / (1 + e^{-v})`, fPrime: String.raw`\sigma(v)\,(1 - \sigma(v))` },
  gelu: {
    name: String.raw`\operatorname{gelu}`,
    f: String.raw`\tfrac12 v\,(1 + t), \ t = \tanh\bigl(c(v + 0.044715 v^3)\bigr), \ c = \sqrt{2/\pi}`,
    fPrime: String.raw`\tfrac12 (1 + t) + \tfrac12 v (1 - t^2)\, c\,(1 + 0.134145 v^2)`,
  },
  linear: { name: String.raw`\operatorname{id}`, f: String.raw`v`, fPrime: String.raw`1` },
};

/**
 * The chain for `layers` hidden layers. With one, the seed's names (v, y, G_Y, G_V); with more, each
 * hidden layer's quantities carry its number (v_1, G_{V_2}, …), and so do their keys.
 */
function mlpEquations(activation: Activation, layers: number, regression: boolean): Equation[] {
  const tex =
    activation === 'swish'
      ? { name: String.raw`\operatorname{swish}`, f: String.raw`v \odot \sigma(v)`, fPrime: SWISH_PRIME }
      : { ...ACTIVATION_TEX[activation], fPrime: `${ACTIVATION_TEX[activation].name}'(v) = ${ACTIVATION_TEX[activation].fPrime}` };
  const one = layers === 1;
  const sub = (l: number) => (one ? '' : `_{${l}}`);
  const key = (name: string, l: number) => (one ? name : `${name}${l}`);
  const out = layers + 1;
  const forward: Equation[] = [];
  for (let l = 1; l <= layers; l++) {
    const input = l === 1 ? 'x' : `y${sub(l - 1)}`;
    forward.push(
      { key: key('v', l), tex: `v${sub(l)} = W_{${l}} ${input} + b_{${l}}` },
      {
        key: key('y', l),
        tex: l === 1 ? `y${sub(l)} = ${tex.name}(v${sub(l)}) = ${tex.f.replaceAll('v', `v${sub(l)}`)}` : `y${sub(l)} = ${tex.name}(v${sub(l)})`,
      },
    );
  }
  const backward: Equation[] = [];
  for (let l = layers; l >= 1; l--) {
    const above = l === layers ? 'G_Z' : `G_{V${sub(l + 1)}}`;
    const input = l === 1 ? 'x' : `y${sub(l - 1)}`;
    backward.push(
      { key: key('GY', l), tex: `G_{Y${sub(l)}} = W_{${l + 1}}^{\\top} ${above}` },
      ...(l === layers ? [{ key: 'sp', tex: tex.fPrime }] : []),
      { key: key('GV', l), tex: `G_{V${sub(l)}} = G_{Y${sub(l)}} \\odot ${tex.name}'(v${sub(l)})` },
      { key: `dW${l}`, tex: `\\partial L / \\partial W_{${l}} = G_{V${sub(l)}}\\, ${input}^{\\top}, \\quad \\partial L / \\partial b_{${l}} = G_{V${sub(l)}}` },
    );
  }
  return [
    ...forward,
    { key: 'z', tex: `z = W_{${out}}\\, y${sub(layers)} + b_{${out}}` },
    ...(regression ? REGRESSION_LOSS : SOFTMAX_LOSS),
    { key: `dW${out}`, tex: `\\partial L / \\partial W_{${out}} = G_Z\\, y${sub(layers)}^{\\top}, \\quad \\partial L / \\partial b_{${out}} = G_Z` },
    ...backward,
    UPDATE,
  ];
}

/** A classifier's output: softmax, cross-entropy and its gradient. */
const SOFTMAX_LOSS: Equation[] = [
  { key: 'a', tex: String.raw`a = \operatorname{softmax}(z), \quad a_j = e^{z_j} / \textstyle\sum_i e^{z_i}` },
  { key: 'L', tex: String.raw`L = \log \textstyle\sum_j e^{z_j} - z_k` },
  { key: 'GZ', tex: String.raw`G_Z = \partial L / \partial z = a - \mathbb{1}_k` },
];

/** A regression's output: z itself (linear), half the squared error and its gradient. */
const REGRESSION_LOSS: Equation[] = [
  { key: 'L', tex: String.raw`L = \tfrac12 (z - t)^2` },
  { key: 'GZ', tex: String.raw`G_Z = \partial L / \partial z = z - t` },
];

const AUTOENCODER_EQUATIONS: Equation[] = [
  { key: 'z', tex: String.raw`z = W x` },
  { key: 'y', tex: String.raw`y = W^{\top} z` },
  { key: 'v', tex: String.raw`v = y - x` },
  { key: 'L', tex: String.raw`L = \tfrac12 \lVert v \rVert^2` },
  { key: 'U', tex: String.raw`u = W v` },
  { key: 'dW', tex: String.raw`\partial L / \partial W = u\, x^{\top} + z\, v^{\top}` },
  UPDATE,
];

/** How the view treats the run's mistake: marked, or hidden until a guess (the exercise). */
export type MistakeDisplay = 'shown' | 'hidden';

export class EquationsView {
  private readonly card: ViewCard;
  private readonly values: HTMLDivElement;
  private readonly input: HTMLInputElement;
  private readonly lines: HTMLDivElement;
  private readonly verdict: HTMLParagraphElement;
  private display: MistakeDisplay;
  /** The exercise's picks; null when nothing is hidden. */
  private readonly hunt: BugHunt | null;
  private params: Record<string, Float32Array> | null = null;
  private hot: string | undefined;
  /** What was shown last, for the tests: the sample's values by key. */
  last: SampleValues | null = null;

  constructor(
    container: HTMLElement,
    private readonly spec: ModelSpec,
    private readonly source: Dataset,
    private readonly mistake: Mistake,
    display: MistakeDisplay = 'shown',
    /** Called once the student's guess has revealed the hidden mistake. */
    private readonly onReveal: () => void = () => {},
  ) {
    this.display = display;
    const layers = spec.kind === 'mlp' ? spec.shape.hidden.length : 0;
    const answer = mistakeLine(mistake, spec.kind, layers, isRegression(spec))?.keys;
    this.hunt = display === 'hidden' && answer ? new BugHunt(answer) : null;
    this.card = new ViewCard(
      container,
      'equations',
      'The equations beside the numbers',
      'Forward and backward pass for one training sample (batch of one), through every layer. Hover an equation to find its values, or a value to find its equation.',
    );
    this.verdict = document.createElement('p');
    this.verdict.className = 'math-exercise';
    this.verdict.setAttribute('aria-live', 'polite');
    const grid = document.createElement('div');
    grid.className = 'math-equations';
    this.lines = document.createElement('div');
    this.values = document.createElement('div');
    this.values.className = 'math-values';
    grid.append(this.lines, this.values);
    this.renderLines();
    const row = document.createElement('label');
    row.className = 'math-row';
    row.textContent = 'training sample #';
    this.input = document.createElement('input');
    this.input.type = 'number';
    this.input.min = '0';
    this.input.max = String(source.N - 1);
    this.input.value = '0';
    this.input.style.width = '6em';
    this.input.addEventListener('change', () => this.redraw());
    row.append(this.input);
    this.card.body.append(this.verdict, grid, row);
    this.card.root.addEventListener('mouseover', (e) => this.highlight((e.target as Element).closest<HTMLElement>('[data-key]')?.dataset.key));
    this.card.root.addEventListener('mouseleave', () => this.highlight(undefined));
  }

  /** The model's equations; the mistake's lines in red beside the right ones, or pickable in the exercise. */
  private renderLines(): void {
    const { spec, mistake } = this;
    const layers = spec.kind === 'mlp' ? spec.shape.hidden.length : 0;
    const equations = spec.kind === 'mlp' ? mlpEquations(activationOf(spec.shape), layers, isRegression(spec)) : AUTOENCODER_EQUATIONS;
    const marked = this.display === 'shown' ? mistakeLine(mistake, spec.kind, layers, isRegression(spec)) : null;
    const picking = this.display === 'hidden';
    this.lines.replaceChildren();
    this.lines.classList.toggle('math-picking', picking);
    if (picking) {
      this.verdict.textContent = `Find the bug: this run makes one classic backprop mistake, hidden. Run the gradient check, train, compare — then click the equation you believe is wrong (${TRIES} tries).`;
    }
    let explained = false;
    for (const eq of equations) {
      const el = document.createElement('div');
      el.className = 'math-eq';
      el.dataset.key = eq.key;
      if (marked?.keys.includes(eq.key)) {
        el.classList.add('math-eq-wrong');
        // The wrong line as the run computes it, the right one under it.
        const wrong = document.createElement('div');
        const right = document.createElement('div');
        const rightTex = document.createElement('span');
        right.className = 'math-eq-right';
        renderTex(`{${marked.wrong}}`, wrong);
        renderTex(`{${marked.right}}`, rightTex);
        right.append('right: ', rightTex);
        el.append(wrong, right);
        el.title = `this run: the mistake ${mistake}`;
        this.lines.append(el);
        if (!explained && mistake !== 'none') {
          const why = document.createElement('p');
          why.className = 'math-why';
          why.textContent = `${mistake}: ${MISTAKE_INFO[mistake].teaches}.`;
          this.lines.append(why);
          explained = true;
        }
        continue;
      }
      renderTex(eq.tex, el);
      if (picking && this.hunt?.wasTried(eq.key)) el.classList.add('math-eq-tried');
      if (picking) {
        el.tabIndex = 0;
        el.setAttribute('role', 'button');
        el.addEventListener('click', () => this.guess(eq.key));
        el.addEventListener('keydown', (e) => {
          if (e.key !== 'Enter' && e.key !== ' ') return;
          e.preventDefault(); // Space would scroll the page
          this.guess(eq.key);
        });
      }
      this.lines.append(el);
    }
  }

  /**
   * The student's pick in the exercise: the mistake's line shows the mistake; another costs a try,
   * and after the last one the answer is offered. Returns whether the pick found the mistake.
   */
  guess(key: string): boolean {
    const hunt = this.hunt;
    if (this.display !== 'hidden' || !hunt) return false;
    const result = hunt.pick(key);
    if (result === 'right') this.reveal(true);
    if (result !== 'wrong') return result === 'right';
    for (const el of this.lines.querySelectorAll(`.math-eq[data-key="${key}"]`)) el.classList.add('math-eq-tried');
    this.verdict.dataset.verdict = 'wrong';
    this.verdict.textContent = hunt.missText();
    if (hunt.over) {
      this.lines.classList.remove('math-picking');
      const show = document.createElement('button');
      show.className = 'view-button';
      show.textContent = 'show the answer';
      show.addEventListener('click', () => this.reveal(false));
      this.verdict.append(' ', show);
    }
    return false;
  }

  /** Shows the hidden mistake: found by the student's pick, or asked for after the last try. */
  private reveal(found: boolean): void {
    if (this.mistake === 'none') return;
    this.display = 'shown';
    this.renderLines();
    const { wrong, right } = MISTAKE_INFO[this.mistake];
    this.verdict.dataset.verdict = found ? 'right' : 'wrong';
    this.verdict.textContent = `${found ? 'Right: the' : 'The'} mistake was ${this.mistake} — ${wrong} where ${right} belongs. It is marked in red below.`;
    this.highlight(this.hot);
    this.onReveal();
  }

  update(params: Record<string, Float32Array>): void {
    this.params = params;
    this.redraw();
  }

  private redraw(): void {
    if (!this.params) return;
    const { source, spec } = this;
    const i = Math.min(source.N - 1, Math.max(0, Math.floor(Number(this.input.value) || 0)));
    const x = rowsAsFloats(source, i, 1);
    const v = (this.last = sampleValues(spec, this.params, x, source.labels[i]!, this.mistake));
    const lines: string[] = [];
    const line = (key: string, name: string, values: ArrayLike<number>) =>
      lines.push(`<span class="math-value" data-key="${key}"><b>${name}</b>${formatVector(values)}</span>`);
    if (v.kind === 'mlp') {
      const one = v.layers.length === 1;
      const key = (name: string, l: number) => (one ? name : `${name}${l}`);
      const label = (name: string, l: number) => (one ? name : `${name}${l}`);
      const fName = `${spec.kind === 'mlp' ? activationOf(spec.shape) : ''}′`;
      line('x', v.target === null ? `x (label ${v.label})` : `x (target t = ${format(v.target)})`, v.x);
      v.layers.forEach((layer, i) => {
        line(key('v', i + 1), label('v', i + 1), layer.v);
        line(key('y', i + 1), label('y', i + 1), layer.y);
      });
      line('z', 'z', v.z);
      if (v.target === null) line('a', 'softmax(z)', v.a);
      lines.push(`<span class="math-value" data-key="L"><b>L</b>${v.loss.toPrecision(5)}</span>`);
      line('GZ', 'G_Z', v.GZ);
      const outer: string[] = [];
      const top = v.layers.length;
      const outputs = v.target === null ? 'first classes' : 'the output';
      outer.push(outerTable(`dW${top + 1}`, `G_Z ${label('y', top)}ᵀ (${outputs} × units)`, v.GZ, v.layers[top - 1]!.y));
      for (let l = top; l >= 1; l--) {
        const layer = v.layers[l - 1]!;
        line(key('GY', l), label('G_Y', l), layer.GY);
        line('sp', `${fName}(${label('v', l)})`, layer.fPrime);
        line(key('GV', l), label('G_V', l), layer.GV);
        const input = l === 1 ? v.x : v.layers[l - 2]!.y;
        outer.push(outerTable(`dW${l}`, `${label('G_V', l)} ${l === 1 ? 'x' : label('y', l - 1)}ᵀ (first units × inputs)`, layer.GV, input));
      }
      lines.push('<div class="math-outer">', ...outer, '</div>');
    } else {
      line('x', 'x', v.x);
      line('z', 'z', v.z);
      line('y', 'y', v.y);
      line('v', 'v', v.v);
      lines.push(`<span class="math-value" data-key="L"><b>L</b>${v.loss.toPrecision(5)}</span>`);
      line('U', 'u', v.u);
      lines.push(
        '<div class="math-outer">',
        outerTable('dW', 'u xᵀ (first rows × inputs)', v.u, v.x),
        outerTable('dW', 'z vᵀ (first rows × inputs)', v.z, v.v),
        '</div>',
      );
    }
    this.values.innerHTML = lines.join('');
    this.highlight(this.hot);
  }

  private highlight(key: string | undefined): void {
    this.hot = key;
    for (const el of this.card.root.querySelectorAll('.math-hot')) el.classList.remove('math-hot');
    if (!key) return;
    for (const el of this.card.root.querySelectorAll(`[data-key="${key}"]`)) el.classList.add('math-hot');
  }

  destroy(): void {
    this.card.remove();
  }
}

/** Whether the spec is a regression's MLP (one linear output, squared error). */
function isRegression(spec: ModelSpec): boolean {
  return spec.kind === 'mlp' && problemOf(spec.shape) === 'regression';
}

function formatVector(values: ArrayLike<number>): string {
  const shown = Array.from({ length: Math.min(SHOWN, values.length) }, (_, i) => format(values[i]!));
  const more = values.length > SHOWN ? ` … (${values.length})` : '';
  return `[${shown.join(', ')}${more}]`;
}

function format(x: number): string {
  return Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(3) : x.toExponential(1);
}

/** A few rows × columns of the outer product u wᵀ. */
function outerTable(key: string, caption: string, u: ArrayLike<number>, w: ArrayLike<number>): string {
  const rows = Math.min(OUTER_ROWS, u.length);
  const cols = Math.min(OUTER_COLS, w.length);
  const body = Array.from({ length: rows }, (_, i) => `<tr>${Array.from({ length: cols }, (_, j) => `<td>${format(u[i]! * w[j]!)}</td>`).join('')}</tr>`).join(
    '',
  );
  return `<table class="math-value" data-key="${key}"><caption>${caption}</caption>${body}</table>`;
}
