// The app's "Benchmark" section: a collapsed <details> under the views; the benchmark view (and its
// CPU worker) is only built when the section is first opened, or when the run bar's "GPU vs CPU"
// asks it to time the current model.
import { BenchView, type BenchViewOptions } from './bench-view';

export interface BenchSection {
  /** Times the current model on the GPU and the CPU (the section may stay closed); resolves with the view when done. */
  timeCurrent(): Promise<BenchView>;
}

/** Adds the section after `anchor`. */
export function mountBenchSection(anchor: HTMLElement, opts: BenchViewOptions): BenchSection {
  const details = document.createElement('details');
  details.className = 'bench-section';
  const summary = document.createElement('summary');
  summary.textContent = 'Benchmark: GPU against CPU (ms per training step, sweep over sizes, TensorFlow.js and jax-js)';
  const body = document.createElement('div');
  details.append(summary, body);
  anchor.after(details);
  let view: BenchView | null = null;
  const ensure = () => (view ??= new BenchView(body, opts));
  details.addEventListener('toggle', () => {
    if (details.open) ensure();
  });
  return {
    timeCurrent: async () => {
      const v = ensure();
      await v.runCurrent();
      return v;
    },
  };
}
