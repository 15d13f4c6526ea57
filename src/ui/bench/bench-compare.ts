// The benchmark's comparison with the peers: this project's WebGPU step and CPU engine beside
// TensorFlow.js (WebGPU, WASM) and jax-js (WebGPU, Wasm) on the MNIST-shaped MLP, each peer validated
// against our losses before it is timed (src/bench/validate.ts), and its time as a ratio to our
// engine of the same kind. What to time and how a result reads; the view runs it.
import { jaxWasmThreads } from '../../bench/jax';
import { describeBench, threadsText, type BenchResult, type BenchSize, type Impl } from '../../bench/types';
import { LOSS_TOLERANCE, VALIDATE_STEPS } from '../../bench/validate';
import { el, fmtMs, fmtRate, fmtRatio } from './dom';

/** The comparison's sizes: short on SwiftShader, where TensorFlow.js WebGPU takes about 0.3 s per step. */
export const COMPARE_SIZES: BenchSize[] = [{ batch: 64, hidden: 128 }];

/** Ours first, then the peers of its kind: each kind's first is what the others are divided by. */
const GPU_IMPLS: Impl[] = ['gpu', 'tfjs-webgpu', 'jax-webgpu'];
const CPU_IMPLS: Impl[] = ['cpu', 'tfjs-wasm', 'jax-wasm'];

/** What can be timed: every implementation with a GPU, the CPU ones without. */
export function compareImpls(gpu: boolean): Impl[] {
  return gpu ? [...GPU_IMPLS, ...CPU_IMPLS] : [...CPU_IMPLS];
}

/** One implementation at one size: timed, or not, with the reason. */
export interface CompareRow extends BenchSize {
  impl: Impl;
  result: BenchResult | null;
  note?: string;
}

/** A row that was not timed: the reason, without the validation message's own "(not timed)". */
export function notTimed(impl: Impl, size: BenchSize, error: unknown): CompareRow {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\(not timed\)$/, '');
  return { ...size, impl, result: null, note: `not timed: ${message}` };
}

function label(row: CompareRow): string {
  switch (row.impl) {
    case 'gpu':
      return 'this project, WebGPU';
    case 'cpu':
      return row.result?.threads !== undefined ? `this project, CPU (float32, ${threadsText(row.result.threads)})` : 'this project, CPU (float32)';
    case 'tfjs-webgpu':
      return 'TensorFlow.js WebGPU';
    case 'tfjs-wasm':
      return row.result?.threads !== undefined ? `TensorFlow.js WASM (SIMD, ${threadsText(row.result.threads)})` : 'TensorFlow.js WASM (SIMD)';
    case 'jax-webgpu':
      return 'jax-js WebGPU';
    case 'jax-wasm':
      return `jax-js Wasm (${threadsText(row.result?.threads ?? jaxWasmThreads())})`;
  }
}

/** Our engine of the same kind as `impl`. */
const oursFor = (impl: Impl): Impl => (GPU_IMPLS.includes(impl) ? 'gpu' : 'cpu');

/**
 * The comparison so far: per size, its model and a table of implementation, ms per step, steps per
 * second and time ÷ ours; rows not timed say why. Each row carries its implementation's name in
 * data-impl (the name in `npm run bench -- --json`).
 */
export function compareTables(rows: readonly CompareRow[], sizes: readonly BenchSize[]): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const size of sizes) {
    const here = rows.filter((r) => r.batch === size.batch && r.hidden === size.hidden);
    if (here.length === 0) continue;
    out.push(el('p', 'bench-model', `Compared: ${describeBench(size)}`));
    const t = el('table', 'bench-table bench-compare');
    const head = el('tr', '');
    for (const h of ['implementation', 'ms / step', 'steps / s', 'time ÷ ours']) head.append(el('th', '', h));
    t.append(head);
    for (const row of here) {
      const tr = el('tr', '');
      tr.dataset.impl = row.impl;
      if (row.impl === oursFor(row.impl)) tr.className = 'bench-ours';
      const name = el('td', '', label(row));
      name.title = row.impl;
      tr.append(name);
      if (row.result) {
        const ms = row.result.msPerStep;
        const ours = oursFor(row.impl);
        const base = here.find((r) => r.impl === ours)?.result?.msPerStep;
        const ratio = row.impl === ours || base === undefined ? '' : `${fmtRatio(ms / base)} ${ours}`;
        tr.append(el('td', '', fmtMs(ms)), el('td', '', fmtRate(ms)), el('td', '', ratio));
      } else {
        const note = el('td', 'bench-not-timed', row.note ?? 'not timed');
        note.colSpan = 3;
        tr.append(note);
      }
      t.append(tr);
    }
    out.push(t);
  }
  if (out.length > 0) {
    out.push(
      el(
        'p',
        'bench-note',
        `Time ÷ ours: a peer's ms per step over this project's engine of the same kind (GPU peers over gpu, CPU peers over cpu); above 1, ours is faster. ` +
          `A peer is timed only once its loss over its first ${VALIDATE_STEPS} steps from the same parameters and batch matches ours within ${LOSS_TOLERANCE.toExponential()} (relative). ` +
          "jax-js WebGPU runs on a device of its own, beside this page's. " +
          "TensorFlow.js WASM's threads are at most half the cores (a cap of its own that the page cannot raise); jax-js Wasm and ours use every core where the page is cross-origin isolated.",
      ),
    );
  }
  return out;
}
