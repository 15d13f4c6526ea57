// Which rows each step trains on: every epoch a fresh permutation drawn from (seed, epoch),
// cut into floor(N/B) full batches. The GPU trainer and the CPU twin read the same schedule.
import { Rng } from '../base/rng';

export class BatchSchedule {
  readonly stepsPerEpoch: number;
  private cached: { epoch: number; perm: Uint32Array } | null = null;

  constructor(
    readonly seed: number,
    readonly N: number,
    readonly B: number,
  ) {
    this.stepsPerEpoch = Math.floor(N / B);
    if (this.stepsPerEpoch < 1) throw new RangeError(`batch ${B} is larger than the data set (${N} rows)`);
  }

  /** The row order of an epoch. */
  permutation(epoch: number): Uint32Array {
    if (this.cached?.epoch !== epoch) {
      const rng = new Rng((Math.imul(this.seed, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca77)) >>> 0);
      this.cached = { epoch, perm: rng.permutation(this.N) };
    }
    return this.cached.perm;
  }

  /** The rows of a step's batch. */
  rows(step: number): Uint32Array {
    const epoch = Math.floor(step / this.stepsPerEpoch);
    const start = (step % this.stepsPerEpoch) * this.B;
    return this.permutation(epoch).slice(start, start + this.B);
  }
}
