// The app's "Benchmark" section: a collapsed <details> under the views; the benchmark view (and its
// CPU worker) is only built when the section is first opened.
import { BenchView, type BenchViewOptions } from './bench-view';

/** Adds the section after `anchor`; returns a getter for the view (null until first opened). */
export function mountBenchSection(anchor: HTMLElement, opts: BenchViewOptions): () => BenchView | null {
  const details = document.createElement('details');
  details.className = 'bench-section';
  const summary = document.createElement('summary');
  summary.textContent = 'Benchmark: GPU against CPU (ms per training step, sweep over sizes, TensorFlow.js and jax-js)';
  const body = document.createElement('div');
  details.append(summary, body);
  anchor.after(details);
  let view: BenchView | null = null;
  details.addEventListener('toggle', () => {
    if (details.open && !view) view = new BenchView(body, opts);
  });
  return () => view;
}
