// What a line of the derivation shows on request: its tensor beside the true one as heatmaps, the
// entries that differ crossed, and the GPU steps the line becomes when the page trains with it (the
// matmul kernel's calls, and each generated entrywise kernel's WGSL, read-only).
import type { LineReport, Tensor } from '../../derive/index';
import { describeStep, type GpuProgram } from '../../derive/lower';
import { append } from './dom';
import { commonScale, drawHeatmap } from './tensor-heatmap';

/** The program a report lowers to, or why it has none. */
export type Lowered = { program: GpuProgram; why: null } | { program: null; why: string };

/** Fills `el` with the details of line `r`. */
export function showLineDetails(el: HTMLElement, r: LineReport, lowered: Lowered): void {
  el.replaceChildren();
  const name = r.name ?? `line ${r.line}`;
  if (r.value) {
    const maps = append(el, 'div', 'derive-maps');
    const scale = commonScale(r.value, r.truth);
    const figure = (label: string, caption: string, t: Tensor, mask: Uint8Array | null) => {
      const f = append(maps, 'figure', 'derive-map');
      drawHeatmap(f, t, scale, mask, label);
      append(f, 'figcaption', '', caption);
    };
    const differing = r.wrongMask?.reduce((n, w) => n + w, 0) ?? 0;
    const crossed = !r.wrongMask ? '' : differing > 0 ? ': × where it differs' : ': every entry agrees';
    figure(`your ${name}`, `your ${name} (${r.value.rows} × ${r.value.cols})${crossed}`, r.value, r.wrongMask);
    if (r.truth) figure(`the true ${name}`, `the true ${name}`, r.truth, null);
    append(maps, 'p', 'derive-scale', `blue −${scale.toPrecision(2)}, white 0, red +${scale.toPrecision(2)}`);
  } else {
    const why = r.kind === 'function' ? 'a function: it has no tensor of its own' : 'no tensor: the line could not be evaluated';
    append(el, 'p', 'derive-note', why);
  }
  const gpu = append(el, 'div', 'derive-steps');
  append(gpu, 'h4', '', 'On the GPU');
  if (!lowered.program) {
    append(gpu, 'p', 'derive-note', `No GPU steps yet: ${lowered.why}.`);
    return;
  }
  const steps = lowered.program.steps.filter((s) => s.line === r.line);
  if (steps.length === 0) {
    const why = r.kind === 'function' ? 'none of its own: each line that uses it has it inlined in its kernel' : 'none: the line needs no work of its own';
    append(gpu, 'p', 'derive-note', why);
    return;
  }
  const list = append(gpu, 'ol', 'derive-step-list');
  for (const s of steps) {
    const item = append(list, 'li', '');
    append(item, 'code', '', describeStep(s));
    if (s.kind === 'entrywise') {
      const code = append(item, 'pre', 'derive-wgsl');
      code.textContent = s.code;
      code.tabIndex = 0; // scrollable by keyboard
      code.setAttribute('aria-label', `the generated WGSL of line ${r.line}`);
    }
  }
}
