// The stacked bars of src/bench/step-bars.ts as a figure: one bar per engine on one scale, each part
// in its own colour (the GPU's fixed cost hatched as well), a legend whose entries are those colours
// and names, and the bars' reason in words. Drawn under the run bar's GPU vs CPU answer and in the
// benchmark section.
import { BAR_PARTS, barLengths, PART_NAMES, whyInWords, type BarPart, type StepBar } from '../../bench/step-bars';
import { el, fmtMs } from './dom';
import './step-bars.css';

/** Each part's fill: Okabe–Ito colours, told apart with colour blindness too; the fixed cost hatched. */
export const PART_FILLS: Readonly<Record<BarPart, string>> = {
  forward: '#0072b2',
  loss: '#e69f00',
  backward: '#009e73',
  update: '#cc79a7',
  fixed: 'repeating-linear-gradient(135deg, #555 0 3px, #bbb 3px 6px)',
};

/** The figure for `bars`; `how` says how they were measured (the caption's second half). */
export function stepBarsFigure(bars: readonly StepBar[], how: string): HTMLElement {
  const figure = el('figure', 'step-bars');
  figure.append(el('figcaption', '', `Where one step's time goes, per pass (each part run alone, both bars on one scale; ${how})`));
  const lengths = barLengths(bars);
  bars.forEach((bar, i) => {
    const row = el('div', 'step-bars-row');
    row.dataset.engine = bar.engine;
    const words = bar.segments.map((s) => `${PART_NAMES[s.part]} ${fmtMs(s.ms)} ms`).join(', ');
    row.setAttribute('role', 'img');
    row.setAttribute('aria-label', `${bar.label}: ${fmtMs(bar.totalMs)} ms a step: ${words}`);
    const track = el('div', 'step-bars-track');
    const stack = el('div', 'step-bars-stack');
    stack.style.width = `${(lengths[i]! * 100).toFixed(2)}%`;
    for (const s of bar.segments) {
      const part = el('span', 'step-bars-part');
      part.dataset.part = s.part;
      part.style.width = `${(s.share * 100).toFixed(2)}%`;
      part.style.background = PART_FILLS[s.part];
      part.title = `${bar.label}, ${PART_NAMES[s.part]}: ${fmtMs(s.ms)} ms (${Math.round(s.share * 100)}%)`;
      stack.append(part);
    }
    track.append(stack);
    row.append(el('span', 'step-bars-label', bar.label), track, el('span', 'step-bars-total', `${fmtMs(bar.totalMs)} ms`));
    figure.append(row);
  });
  const legend = el('ul', 'step-bars-legend');
  for (const part of BAR_PARTS.filter((p) => bars.some((b) => b.segments.some((s) => s.part === p)))) {
    const entry = el('li', '');
    entry.dataset.part = part;
    const swatch = el('span', 'step-bars-swatch');
    swatch.style.background = PART_FILLS[part];
    entry.append(swatch, PART_NAMES[part]);
    legend.append(entry);
  }
  figure.append(legend);
  const why = whyInWords(bars);
  if (why) figure.append(el('p', 'step-bars-why', why));
  return figure;
}
