// The run bar's "GPU vs CPU": times the current network on both engines (the benchmark section's
// "time the current model") and answers on the first screen in one sentence, naming the faster
// engine and by how much (src/bench/verdict.ts), and why, in one picture under it: where each
// engine's step goes (src/ui/bench/step-bars-view.ts).
import { type BenchSection, mountBenchSection } from './bench/bench-section';
import type { BenchViewOptions } from './bench/bench-view';
import { stepBarsFigure } from './bench/step-bars-view';

export interface GpuVsCpuOptions extends BenchViewOptions {
  /** The network in words, for the answer: it stays true when the network changes later. */
  describe(): string;
}

export class GpuVsCpu {
  private running = false;
  /** The bars under the sentence, once timed. */
  private figure: HTMLElement | null = null;
  /** The Benchmark section (after `below`), whose "time the current model" answers. */
  private readonly section: BenchSection;

  constructor(
    private readonly line: HTMLElement,
    below: HTMLElement,
    private readonly opts: GpuVsCpuOptions,
  ) {
    this.section = mountBenchSection(below, opts);
  }

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const network = this.opts.describe();
    this.say(`GPU vs CPU: timing ${network} on each engine (training pauses meanwhile; some seconds)…`);
    this.figure?.remove();
    this.figure = null;
    try {
      const view = await this.section.timeCurrent();
      if (view.verdict) this.say(`${view.verdict.sentence} (${network}; the times are in the Benchmark section below.)`);
      if (view.verdict && view.bars) {
        this.figure = stepBarsFigure(view.bars, 'details in the Benchmark section below');
        this.figure.id = 'verdict-bars';
        this.line.after(this.figure);
      } else if (!this.opts.gpu()) this.say('GPU vs CPU: this browser offers no WebGPU, so only the CPU engine can be timed (Benchmark section below).');
      else this.say(`GPU vs CPU: ${view.state === 'cancelled' ? 'the timing was cancelled' : `the timing did not finish (${view.state})`}.`);
    } finally {
      this.running = false;
    }
  }

  private say(text: string): void {
    this.line.textContent = text;
    this.line.hidden = false;
  }
}
