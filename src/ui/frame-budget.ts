// How many steps an animation frame trains: as many as fit in a share of the frame, measured as the
// frames go, so that a fast engine trains fast and a slow frame (a loaded laptop, a projector's
// machine) still draws at 30 fps or more. A user's explicit steps per frame overrides it.
// Pure arithmetic on measured times: no DOM, no clock of its own.

/** A frame at 30 fps lasts 33 ms; training takes this share, drawing and the browser the rest. */
export const TRAIN_MS_PER_FRAME = 20;
/** The most steps one frame submits (a tiny network on a fast engine would otherwise queue thousands). */
export const MAX_STEPS_PER_FRAME = 1024;

export class FrameBudget {
  /** Milliseconds a step costs, smoothed over the last frames; null before the first measurement. */
  private msPerStep: number | null = null;
  private next = 1;

  constructor(private readonly budgetMs = TRAIN_MS_PER_FRAME) {}

  /** The steps the next frame trains. */
  steps(): number {
    return this.next;
  }

  /** The training budget of a frame, in milliseconds (an engine on the page's own thread keeps to it). */
  get ms(): number {
    return this.budgetMs;
  }

  /**
   * A frame trained `steps` steps in `elapsedMs` (submitting them and waiting for the engine to keep
   * up). The next frame's count fills the budget at the smoothed cost per step: it may double at
   * most from one frame to the next, and falls at once when a frame ran over.
   */
  record(steps: number, elapsedMs: number): void {
    if (steps <= 0 || !Number.isFinite(elapsedMs) || elapsedMs < 0) return;
    const perStep = Math.max(elapsedMs, 0.01) / steps;
    this.msPerStep = this.msPerStep === null ? perStep : 0.7 * this.msPerStep + 0.3 * perStep;
    // Over budget: the frame's own cost per step decides (the smoothed one lags behind a slowdown).
    const capped = elapsedMs > this.budgetMs ? Math.floor(this.budgetMs / perStep) : Math.min(Math.floor(this.budgetMs / this.msPerStep), 2 * steps);
    this.next = Math.max(1, Math.min(MAX_STEPS_PER_FRAME, capped));
  }

  /**
   * Forget what was measured (a new session: its steps cost something else); with the new session's
   * estimated cost of a step, start from it: one step a frame where a step costs more than the budget.
   */
  reset(estimatedMsPerStep: number | null = null): void {
    this.msPerStep = estimatedMsPerStep !== null && estimatedMsPerStep > 0 ? estimatedMsPerStep : null;
    this.next = 1;
  }
}
