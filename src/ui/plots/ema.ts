// The smoothed loss curve: an exponential moving average with the start-up bias removed
// (as in Adam and TensorBoard), so the first points are not pulled towards zero.

/** Bias-corrected exponential moving average. */
export class Ema {
  private average = 0;
  private decayPower = 1;

  /** `alpha` is the weight of each new value, in (0, 1]. */
  constructor(private readonly alpha: number) {}

  /** Adds a value and returns the smoothed value. */
  push(value: number): number {
    this.average = (1 - this.alpha) * this.average + this.alpha * value;
    this.decayPower *= 1 - this.alpha;
    return this.average / (1 - this.decayPower);
  }

  /** Continues from `smoothed` as if it were the average of a long history (after a curve is cut back). */
  resumeFrom(smoothed: number): void {
    this.average = smoothed;
    this.decayPower = 0;
  }

  /** Forgets every value. */
  reset(): void {
    this.average = 0;
    this.decayPower = 1;
  }
}
