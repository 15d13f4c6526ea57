// What the page says of the run in use, read from each part's owner when it is said: the status
// line's figures (step, losses, test metrics, speed) after every refresh of the views, and the
// run's description in words that the build, the recovery and the GPU-vs-CPU answer give.
import type { Session } from '../train/session';
import type { BuildQueue } from './build-queue';
import type { RunViews } from './run-views';
import type { PageSettings } from './settings';
import { describeRun, type StatusLine } from './status-line';
import type { TrainingLoop } from './training-loop';

export interface RunStatusHost {
  settings: PageSettings;
  status: StatusLine;
  /** The parts made after this one: read when a line is drawn, never before. */
  queue: () => BuildQueue;
  loop: () => TrainingLoop;
  views: () => RunViews;
  /** The WebGPU adapter's name, or null without a device. */
  adapterName: () => string | null;
  /** The user's file trained on, or null. */
  fileName: () => string | null;
}

export class RunStatus {
  constructor(private readonly host: RunStatusHost) {}

  /** Redraws the views (evaluating the test set first with `evaluate`), then the status line; resolves with the evaluation's milliseconds. */
  async refresh(session: Session, evaluate: boolean): Promise<number> {
    const evalMs = await this.host.views().refresh(session, evaluate);
    if (session === this.host.queue().session) this.update();
    return evalMs;
  }

  /** Redraws the views of the session in use, if any (the recovery's, after a restored state). */
  async redraw(): Promise<void> {
    const session = this.host.queue().session;
    if (session) await this.refresh(session, false);
  }

  /** Training started or stopped (`waiting`: play pressed during a build): the line says so, with speeds measured from a start. */
  showState(running: boolean, waiting: boolean): void {
    const { status } = this.host;
    const session = this.host.queue().session;
    status.setWaiting(waiting);
    if (running && session) status.startRates(session.engines);
    else if (!waiting) this.update();
  }

  /** The run's line, from the session in use; nothing while a build replaces it. */
  update(): void {
    const { settings, status } = this.host;
    const queue = this.host.queue();
    const views = this.host.views();
    const session = queue.session;
    if (!session || queue.building) return;
    status.showRun({
      session,
      running: this.host.loop().running,
      recentLoss: (engine, steps) => views.log.recentLoss(engine, steps),
      lastEval: (engine) => views.lastEval(engine),
      pcaBound: views.pcaBound,
      racing: queue.applied?.engine === 'race',
      stepsPerFrame: settings.stepsPerFrame > 0 ? settings.stepsPerFrame : null,
      adapterName: this.host.adapterName(),
    });
  }

  /** The run in words: "MLP with 8 swish units on spiral, …", and whose backward pass it trains with. */
  describe(): string {
    const backward = this.host.queue().derivation !== null ? ', backward pass: your derivation' : '';
    return `${describeRun(this.host.settings, this.host.fileName())}${backward}`;
  }
}
