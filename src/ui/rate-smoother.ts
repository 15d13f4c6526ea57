// Steps per second as the status line shows them: averaged over about the last second, weighted by
// time, so that neither a refresh that comes early or late nor steps that arrive in bursts (a frame
// that trains many, then one that evaluates) makes the figure jump. No DOM.

/** How long the average reaches back, and how much must be measured before it is shown. */
const TIME_CONSTANT_MS = 1000;

export class RateSmoother {
  /** The last count and when it was read; null until the first. */
  private last: { steps: number; timeMs: number } | null = null;
  /** Steps and milliseconds, each older interval worth exp(−age / τ) of a new one. */
  private steps = 0;
  private timeMs = 0;
  /** Milliseconds measured in all, up to τ (enough to show a rate). */
  private covered = 0;

  constructor(private readonly timeConstantMs = TIME_CONSTANT_MS) {}

  /**
   * Counting goes on from `steps` at `timeMs` (play pressed again): the time in between, paused,
   * counts for nothing; what was measured before it still weighs as its age says.
   */
  restart(steps: number, timeMs: number): void {
    this.last = { steps, timeMs };
  }

  /** The count has reached `steps` at `timeMs`. */
  add(steps: number, timeMs: number): void {
    const last = this.last;
    this.last = { steps, timeMs };
    if (!last) return;
    const dt = timeMs - last.timeMs;
    if (dt <= 0 || steps < last.steps) return;
    const keep = Math.exp(-dt / this.timeConstantMs);
    this.steps = this.steps * keep + (steps - last.steps);
    this.timeMs = this.timeMs * keep + dt;
    this.covered = Math.min(this.timeConstantMs, this.covered + dt);
  }

  /** The smoothed steps per second, or null until about a second has been measured. */
  get perSecond(): number | null {
    return this.covered >= this.timeConstantMs && this.timeMs > 0 ? (this.steps * 1000) / this.timeMs : null;
  }
}
