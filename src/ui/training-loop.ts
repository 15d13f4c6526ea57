// The training loop and its one owner: play, pause, one step, and the frames in between. Each frame
// trains for a share of its time (frame-budget.ts) and the views refresh on their own clock, in the
// background, one refresh at a time. stop() resolves only once the frame, the race and the refresh
// in flight have settled, so that the build queue can let a session go without racing the GPU.
import { SessionClosed, type Session } from '../train/session';
import { FrameBudget } from './frame-budget';

/** How often the views are refreshed while training; the test-set metrics every `evalEvery` of them. */
const VIEW_INTERVAL_MS = 600;
const EVAL_INTERVAL_MS = 1000;
/** In a race, the status line between refreshes (it reads only what the engines have reported). */
const STATUS_INTERVAL_MS = 250;
/** A race's engines run this many steps at a time where the user set none. */
const RACE_STEPS = 16;

/** What the loop needs of the page. */
export interface LoopHost {
  /** The session that trains now, or null (none yet, or one being replaced). */
  session(): Session | null;
  /** The user's steps per frame, or 0 for the time budget. */
  stepsPerFrame(): number;
  /** Whether the run's engines race (each at its own pace) rather than step together. */
  racing(): boolean;
  /** A diverged run does not play: it says why instead. */
  blocked(): boolean;
  /** Redraws the views and the status line; with `evaluate`, evaluates the test set first and resolves with the milliseconds that took. */
  refresh(session: Session, evaluate: boolean): Promise<number>;
  /** The status line from what the engines reported, without reading anything back. */
  updateStatus(): void;
  /** The run bar and the status line follow the loop's state. */
  showState(running: boolean, waiting: boolean): void;
  /** Training failed (not because the session was replaced or the device lost: the host checks). */
  failed(error: unknown, session: Session): void;
}

export class TrainingLoop {
  private isRunning = false;
  /** Play was pressed with no session to run (one is being built): the loop starts when it is ready. */
  private waiting = false;
  /** The loop that may run: a frame of an older loop stops. */
  private loop = 0;
  private frameInFlight: Promise<void> = Promise.resolve();
  private refreshInFlight: Promise<void> | null = null;
  private raceInFlight: Promise<void> = Promise.resolve();
  private readonly budget = new FrameBudget();
  private lastViews = 0;
  private lastEval = 0;
  private lastStatus = 0;
  /** Grows with the cost of an evaluation, so that it never takes more than a fifth of the time. */
  private evalInterval = EVAL_INTERVAL_MS;

  constructor(private readonly host: LoopHost) {}

  get running(): boolean {
    return this.isRunning;
  }

  /** Whether play was pressed during a build: the run starts as soon as it is ready. */
  get startsWhenReady(): boolean {
    return this.waiting;
  }

  /** Starts training; with no session yet (a build under way), starts it when the session is ready. */
  play(): void {
    if (this.isRunning) return;
    const session = this.host.session();
    if (!session) {
      this.waiting = true;
      this.host.showState(false, true);
      return;
    }
    if (this.host.blocked()) return;
    this.waiting = false;
    this.isRunning = true;
    this.host.showState(true, false);
    const loop = ++this.loop;
    if (this.host.racing()) this.startRace(session, loop);
    requestAnimationFrame(() => this.runFrame(loop));
  }

  /** Pauses; the views catch up with the steps taken. */
  pause(): void {
    const wasWaiting = this.waiting;
    this.waiting = false;
    if (!this.isRunning) {
      if (wasWaiting) this.host.showState(false, false);
      return;
    }
    this.halt();
    const session = this.host.session();
    if (session) void this.evaluateAfterPause(session);
  }

  /** A pause evaluates the test set at the step reached, after any refresh still under way. */
  private async evaluateAfterPause(session: Session): Promise<void> {
    while (this.refreshInFlight) await this.refreshInFlight;
    if (!this.isRunning && this.host.session() === session && !session.closed) this.background(session, true);
  }

  /**
   * Stops the loop and waits until nothing it started is still in flight: the frame, the race, the
   * refresh (and their readbacks). Returns whether it was running (or waiting to).
   */
  async stop(): Promise<boolean> {
    const was = this.isRunning || this.waiting;
    this.waiting = false;
    if (this.isRunning) this.halt();
    await this.settled();
    return was;
  }

  /**
   * A session is about to be replaced: the loop stops and waits for its work in flight, and keeps
   * the intent to train (see startsWhenReady) — what it was doing, or `intent` when given. Play and
   * pause during the build change that intent; sessionReady acts on it.
   */
  async suspend(intent?: boolean): Promise<void> {
    const was = this.isRunning || this.waiting;
    if (this.isRunning) this.halt();
    await this.settled();
    this.waiting = intent ?? was;
    this.host.showState(false, this.waiting);
  }

  /** Whether the loop means to train once a session is ready (while stopped). */
  intend(play: boolean): void {
    if (this.isRunning) return;
    this.waiting = play;
    this.host.showState(false, play);
  }

  /** A session is in place (a new one, or the old one after a refused build): it plays if the loop is meant to. */
  sessionReady(): void {
    // The build timed a step: the first frames start from it, so that a slow model's first frame asks for one step.
    this.budget.reset(this.host.session()?.stepEstimate?.ms ?? null);
    this.lastEval = this.lastViews = 0;
    if (this.waiting) this.play();
  }

  /** One step, then the views. */
  async stepOnce(): Promise<void> {
    const session = this.host.session();
    if (!session || this.isRunning) return;
    if (this.host.blocked()) return;
    await this.settled();
    try {
      session.run(1);
      // The step shown whole: its loss read back now (one click, one readback), in the plot and the status line.
      await session.flush();
      await this.host.refresh(session, true);
    } catch (error) {
      if (error instanceof SessionClosed || session.closed) return; // the run was replaced meanwhile
      this.fail(error, session);
    }
  }

  /** Whether the loop that `loop` numbers is still the one running `session`. */
  private current(session: Session, loop: number): boolean {
    return this.isRunning && loop === this.loop && this.host.session() === session && !session.closed;
  }

  private halt(): void {
    this.isRunning = false;
    this.loop++;
    this.host.showState(false, false);
  }

  private async settled(): Promise<void> {
    await Promise.allSettled([this.frameInFlight, this.raceInFlight, this.refreshInFlight]);
  }

  private runFrame(loop: number): void {
    this.frameInFlight = this.frame(loop);
  }

  /** One frame of the loop `loop` (a pause and a play start a new loop; the old one ends). */
  private async frame(loop: number): Promise<void> {
    const session = this.host.session();
    if (!session || !this.current(session, loop)) return;
    const now = performance.now();
    try {
      if (!this.host.racing()) {
        const explicit = this.host.stepsPerFrame();
        const steps = explicit > 0 ? explicit : this.budget.steps();
        session.run(steps, this.budget.ms);
        await session.throttle();
        if (explicit === 0) this.budget.record(steps, performance.now() - now);
        if (!this.current(session, loop)) return; // stopped while the GPU caught up: no refresh for a loop that ended
      }
      if (!this.refreshInFlight && now - this.lastViews > VIEW_INTERVAL_MS) this.background(session, now - this.lastEval > this.evalInterval, loop);
      else if (now - this.lastStatus > STATUS_INTERVAL_MS) {
        this.lastStatus = now;
        this.host.updateStatus();
      }
    } catch (error) {
      if (this.current(session, loop)) this.fail(error, session);
      return;
    }
    if (this.current(session, loop)) requestAnimationFrame(() => this.runFrame(loop));
  }

  /** A refresh of the views in the background of the frames; one at a time. */
  private background(session: Session, evaluate: boolean, loop?: number): void {
    if (this.refreshInFlight) return;
    this.lastViews = performance.now();
    if (evaluate) this.lastEval = this.lastViews;
    this.refreshInFlight = (async () => {
      try {
        await session.flush(); // the steps' metrics reach the plot first
        if (session.closed) return;
        const evalMs = await this.host.refresh(session, evaluate);
        if (evaluate) this.evalInterval = Math.max(EVAL_INTERVAL_MS, 4 * evalMs);
      } catch (error) {
        if (error instanceof SessionClosed || session.closed) return; // the run was replaced meanwhile
        if (loop === undefined || this.current(session, loop)) this.fail(error, session);
      } finally {
        this.refreshInFlight = null;
      }
    })();
  }

  /** "GPU and CPU": each engine trains at its own pace (Session.race) while the frames only draw. */
  private startRace(session: Session, loop: number): void {
    const going = () => this.current(session, loop);
    const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
    const count = () => this.host.stepsPerFrame() || RACE_STEPS;
    this.raceInFlight = session.race(count, going, nextFrame, this.budget.ms).catch((error: unknown) => {
      if (this.current(session, loop)) this.fail(error, session);
    });
  }

  private fail(error: unknown, session: Session): void {
    if (this.isRunning) this.halt();
    this.host.failed(error, session);
  }
}
