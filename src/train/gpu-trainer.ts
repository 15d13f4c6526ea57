// The GPU training loop: encodes steps (one command encoder each, several per submit), uploads each
// epoch's row order before its first step, and reads the per-step metrics back through a ring of
// staging buffers every `ringSlots` steps, never waiting on the GPU per step.
import type { GpuModel, StepMetrics } from '../models/model';
import { decodeRing } from '../kernels/metrics';
import { BatchSchedule } from '../data/schedule';

/** Runs the GPU may be behind the page: one executing while the next is queued, so that it never idles. */
const RUNS_AHEAD = 1;
/**
 * A step at least this long (the build's estimate) is not queued behind another: the GPU's idle gap
 * between such steps is small beside them, and whatever the user asks next waits for one step, not two.
 */
const SLOW_STEP_MS = 100;

export class GpuTrainer {
  /** Steps submitted so far. */
  step = 0;
  /** Called with each batch of metrics as it arrives, in step order (keep them in a MetricsLog). */
  onMetrics: ((m: StepMetrics[]) => void) | null = null;
  readonly schedule: BatchSchedule;
  private readStep = 0;
  private readonly pending: Promise<void>[] = [];
  /** The GPU's completion of each run() still under way, oldest first (see throttle). */
  private readonly runsInFlight: Promise<void>[] = [];
  private readonly freeStaging: GPUBuffer[] = [];

  /** Runs allowed behind the one executing (see throttle). */
  private readonly runsAhead: number;

  constructor(
    readonly model: GpuModel,
    N: number,
    seed: number,
    estimatedStepMs: number | null = null,
  ) {
    this.runsAhead = estimatedStepMs !== null && estimatedStepMs >= SLOW_STEP_MS ? 0 : RUNS_AHEAD;
    this.schedule = new BatchSchedule(seed, N, model.B);
    model.setStep(0);
  }

  /** Encodes and submits `count` steps; metrics arrive later through onMetrics. */
  run(count: number): void {
    const { model, schedule } = this;
    const { device } = model;
    let buffers: GPUCommandBuffer[] = [];
    const submit = () => {
      if (buffers.length > 0) device.queue.submit(buffers);
      buffers = [];
    };
    for (let i = 0; i < count; i++) {
      if (this.step % schedule.stepsPerEpoch === 0) {
        submit(); // the permutation is written between submits, never under a running epoch
        model.setPermutation(schedule.permutation(this.step / schedule.stepsPerEpoch));
      }
      const encoder = device.createCommandEncoder({ label: `step ${this.step}` });
      model.encodeStep(encoder);
      this.step++;
      if (this.step - this.readStep >= model.ringSlots) this.encodeReadback(encoder);
      buffers.push(encoder.finish());
    }
    submit();
    const done = device.queue.onSubmittedWorkDone().catch(() => {});
    this.runsInFlight.push(done);
    void done.then(() => this.runsInFlight.splice(this.runsInFlight.indexOf(done), 1));
  }

  /**
   * Continues from `step` (a restored checkpoint): sets the step counter, the data cursor and,
   * mid-epoch, the row order of the current epoch. Call it with nothing in flight (after flush).
   */
  resumeAt(step: number): void {
    if (this.pending.length > 0 || this.step > this.readStep) throw new Error('resumeAt with steps in flight: flush first');
    if (!Number.isSafeInteger(step) || step < 0 || step > 0xffffffff) throw new RangeError(`cannot resume at step ${step}`);
    this.step = this.readStep = step;
    this.model.setStep(step);
    const { stepsPerEpoch } = this.schedule;
    if (step % stepsPerEpoch !== 0) this.model.setPermutation(this.schedule.permutation(Math.floor(step / stepsPerEpoch)));
  }

  /** Reads back the metrics of every step submitted so far and waits for them. */
  async flush(): Promise<void> {
    if (this.step > this.readStep) {
      const encoder = this.model.device.createCommandEncoder({ label: 'metrics/flush' });
      this.encodeReadback(encoder);
      this.model.device.queue.submit([encoder.finish()]);
    }
    await Promise.all(this.pending.splice(0));
  }

  /**
   * Waits until at most `depth` readbacks are in flight, and the GPU is at most RUNS_AHEAD runs behind (none for a slow step):
   * keeps the CPU from running far ahead. A frame that measures how long its steps took then measures
   * the GPU's time, not the instant of a submit, so a slow model's frame asks for one step, not
   * hundreds queued for minutes ahead of whatever the user asks next; the queue is never empty.
   */
  async throttle(depth = 2): Promise<void> {
    while (this.pending.length > depth) await this.pending[0];
    while (this.runsInFlight.length > this.runsAhead) await this.runsInFlight[0];
  }

  destroy(): void {
    for (const b of this.freeStaging.splice(0)) b.destroy();
  }

  private encodeReadback(encoder: GPUCommandEncoder): void {
    const { device } = this.model;
    const staging =
      this.freeStaging.pop() ??
      device.createBuffer({
        label: 'metrics/staging',
        size: this.model.ring.size,
        usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
      });
    this.model.encodeRingCopy(encoder, staging);
    const from = this.readStep;
    const to = this.step;
    this.readStep = to;
    // mapAsync is called after the submit that holds the copy, so it runs on the next microtask.
    const done = Promise.resolve()
      .then(() => staging.mapAsync(GPUMapMode.READ))
      .then(() => {
        const metrics = decodeRing(staging.getMappedRange().slice(0)).filter((m) => m.step >= from && m.step < to);
        staging.unmap();
        this.freeStaging.push(staging);
        this.onMetrics?.(metrics);
      })
      .finally(() => {
        const i = this.pending.indexOf(done);
        if (i >= 0) this.pending.splice(i, 1);
      });
    this.pending.push(done);
  }
}
