// What the page does when a run goes wrong, apart from the controller that runs it: a diverged run
// (a loss or a parameter no longer finite) pauses and offers its last healthy snapshot; a lost GPU
// device is replaced and the run continues from that snapshot, or goes on with the reference engine
// when no device can be had. The controller (app.ts) is reached only through RecoveryHost.
import type { GpuContext } from '../gpu/device';
import { checkpointSteps, restoreCheckpoint } from '../train/checkpoint';
import type { Checkpoint } from '../train/checkpoint-format';
import { ENGINE_NAMES, type EngineId } from '../train/engine';
import type { Session } from '../train/session';
import { SnapshotKeeper } from '../train/snapshot';
import { divergenceAdvice, LOADED_RUN_BLAME_STEPS, type LoadedRunBlame } from './diagnosis';
import { plainWords } from './plain-words';
import type { PageSettings } from './settings';

/** A button shown with a message. */
export interface MessageAction {
  label: string;
  run(): void;
}

/** Opens a fresh GPU device (after the current one is lost). */
export type OpenGpu = () => Promise<GpuContext>;

/** What recovery needs of the page's controller. */
export interface RecoveryHost {
  readonly settings: PageSettings;
  session(): Session | null;
  /** The run file the current session was loaded from, and its step then; null for a run started here. */
  loadedRun(): { name: string; step: number } | null;
  /** Stops the training loop and waits for its work in flight; resolves with whether it was running. */
  stop(): Promise<boolean>;
  /**
   * Runs `work` on the build chain, after any build in progress, so that no step is submitted
   * halfway through; a failure goes to `failed` and the chain goes on.
   */
  chain(work: () => Promise<void>, failed: (error: Error) => void): Promise<void>;
  /** Builds a session for the current settings, continuing from `from` when given; plays with `resume`. */
  build(resume: boolean, from: Checkpoint | null): Promise<void>;
  rebuild(): Promise<void>;
  /**
   * A restored session takes the panel's optimizer (newer than the snapshot's, or a safer rate), and
   * its logs and curves are cut back to `steps`.
   */
  restored(steps: Record<EngineId, number>): Promise<void>;
  /** Redraws the status line and the views from the current state. */
  redraw(): Promise<void>;
  /** The panel's learning rate becomes `lr` (a safer one after a divergence). */
  setLearningRate(lr: number): void;
  /** Training goes on with the float32 CPU engine alone (no GPU device can be had). */
  useCpuEngine(): void;
  /** A device was opened again after the GPU engine was asked for without one: the engine applies now. */
  gpuBack(): void;
  message(text: string, actions?: MessageAction[]): void;
  notice(text: string): void;
  hideMessage(): void;
  status(text: string): void;
  describe(): string;
}

export class Recovery {
  /** The last healthy state of the current run, to go back to after a divergence or a lost device. */
  readonly snapshots = new SnapshotKeeper();
  /** How many times a lost GPU device was replaced. */
  devicesLost = 0;
  /** Set while a lost device is being replaced. */
  recovering = false;
  /** Where the loss or the parameters stopped being finite; training stays paused until a restore or rebuild. */
  private divergence: { engine: EngineId; step: number; what: string } | null = null;
  /** The current run was warned that its loss went back to where it started. */
  private gaveBackWarned = false;
  /** The snapshot last restored as it was (no new rate): diverging again from it would only repeat. */
  private restoredAsItWas: Checkpoint | null = null;
  /** The device the page trains on; null with none (none at start, or lost for good). */
  private device: GpuContext | null = null;

  constructor(
    private readonly host: RecoveryHost,
    private readonly openGpu: OpenGpu | null,
  ) {}

  /** The device the page trains on, or null. */
  get gpu(): GpuContext | null {
    return this.device;
  }

  /** The page trains on `gpu` from now on (null: none), and replaces it if it is lost. */
  use(gpu: GpuContext | null): void {
    this.device = gpu;
    if (!gpu) return;
    void gpu.device.lost.then((info) => {
      if (this.device === gpu) void this.deviceLost(info);
    });
  }

  get diverged(): boolean {
    return this.divergence !== null;
  }

  /** Whether a diverged run keeps play from training; says why again when it does. */
  blocksTraining(): boolean {
    this.showDivergence();
    return this.diverged;
  }

  /** The diverged run is let go: a new one starts undiverged. */
  clearDivergence(): void {
    this.divergence = null;
    this.gaveBackWarned = false;
  }

  /** Pauses a diverged run and offers the last snapshot (once per divergence). */
  divergedAt(engine: EngineId, step: number, what: string): void {
    if (this.divergence) return;
    this.divergence = { engine, step, what };
    void this.host.stop();
    this.showDivergence();
  }

  /** The divergence message, with buttons that act only on the session they were offered for. */
  showDivergence(): void {
    if (!this.divergence) return;
    const { engine, step, what } = this.divergence;
    const advice = divergenceAdvice(this.host.settings, this.blamedFile(step));
    const { actions, at } = this.restoreOffers(engine, advice.saferLr);
    this.host.message(
      `Training paused: on the ${ENGINE_NAMES[engine]} engine ${what} at step ${step}. ${advice.cause}` +
        (at !== null ? ` The last good state is from step ${at}.` : ''),
      actions,
    );
  }

  /**
   * A run whose loss went back to where it started after having been lower (finite all along):
   * a warning naming the likely cause, with the last good state offered (once per run).
   */
  warnGaveBack(engine: EngineId, step: number): void {
    if (this.gaveBackWarned || this.divergence) return;
    this.gaveBackWarned = true;
    const advice = divergenceAdvice(this.host.settings, this.blamedFile(step));
    const { actions, at } = this.restoreOffers(engine, advice.saferLr);
    this.host.message(
      `The loss is back where it started (step ${step}) after having been much lower: training has gone wrong, though every number is finite. ${advice.cause}` +
        (at !== null ? ` The last good state is from step ${at}.` : ''),
      actions,
    );
  }

  /** The run file loaded shortly before `step`, which is then the likely cause. */
  private blamedFile(step: number): LoadedRunBlame | null {
    const loaded = this.host.loadedRun();
    return loaded && step - loaded.step <= LOADED_RUN_BLAME_STEPS ? { ...loaded, after: step - loaded.step } : null;
  }

  /** The buttons of a run gone wrong: the last good state with a safer rate first, as it was, or a new start. */
  private restoreOffers(engine: EngineId, saferLr: number): { actions: MessageAction[]; at: number | null } {
    const session = this.host.session();
    const snapshot = this.snapshots.latest;
    const forThisRun = (run: () => void) => () => {
      if (this.host.session() === session) run();
    };
    const actions: MessageAction[] = [];
    const at = snapshot ? checkpointSteps(snapshot)[engine] : null;
    if (snapshot) {
      actions.push({ label: `Restore step ${at} with learning rate ${saferLr}`, run: forThisRun(() => void this.restoreLastGood(saferLr)) });
      // Restored as it was once already and gone wrong again from there: the same again would loop.
      if (snapshot !== this.restoredAsItWas) actions.push({ label: `Restore step ${at}`, run: forThisRun(() => void this.restoreLastGood(null)) });
    }
    if (!snapshot) actions.push({ label: `Start again with learning rate ${saferLr}`, run: forThisRun(() => void this.startAgain(saferLr)) });
    actions.push({ label: 'Start again', run: forThisRun(() => void this.startAgain(null)) });
    return { actions, at };
  }

  /**
   * A new run, optionally at a new learning rate, paused as a restored one is: a warned run still
   * trains, and the user sees the fresh start before pressing play. (On a fast machine a spiral at
   * rate 10 collapses before its first snapshot, 3 s in: this was the offer, and the run went on.)
   */
  private async startAgain(lr: number | null): Promise<void> {
    const session = this.host.session();
    await this.host.stop();
    if (this.host.session() !== session) return; // replaced while its steps settled (a preset, a file): the newer run stays
    if (lr !== null) this.host.setLearningRate(lr);
    await this.host.rebuild();
  }

  /** Puts the run back to its last snapshot, optionally with a new learning rate, paused. */
  restoreLastGood(lr: number | null): Promise<void> {
    return this.host.chain(
      () => this.restore(lr),
      (e) => this.host.message(`Could not restore: ${e.message}`),
    );
  }

  private async restore(lr: number | null): Promise<void> {
    const session = this.host.session();
    const snapshot = this.snapshots.latest;
    if (!session || !snapshot) return;
    await this.host.stop();
    await session.use(() => restoreCheckpoint(session, snapshot));
    this.restoredAsItWas = lr === null ? snapshot : null;
    if (lr !== null) this.host.setLearningRate(lr);
    const steps = checkpointSteps(snapshot);
    await this.host.restored(steps);
    this.divergence = null;
    this.host.hideMessage();
    await this.host.redraw();
    this.host.status(`Restored step ${steps[session.leader.id]}: ${this.host.describe()}. Press play.`);
  }

  /** Training failed on `session`: a lost device is deviceLost's to report (and carry on from); anything else is said in plain words. */
  async trainingFailed(error: unknown, session: Session): Promise<void> {
    if (session !== this.host.session() || this.recovering) return;
    if (this.device && (await lostWithin(this.device.device, 500))) return;
    this.host.message(`Training stopped: ${plainWords(error)}. Press play to go on, or reset.`);
  }

  /**
   * The device is gone (driver reset, GPU process crash, destroy()): open a new one and continue
   * from the last snapshot, or continue on the reference engine when no device can be had.
   */
  private async deviceLost(info: GPUDeviceLostInfo): Promise<void> {
    this.recovering = true;
    this.devicesLost++;
    const resume = await this.host.stop();
    const snapshot = this.snapshots.latest;
    const why = `The GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`;
    this.host.message(`${why}. Opening a new one…`);
    this.use(null);
    let outcome: string;
    try {
      if (!this.openGpu) throw new Error('this page cannot open another device');
      const gpu = await this.openGpu();
      this.use(gpu);
      outcome = `a new device was opened on ${gpu.adapterName}`;
    } catch (error) {
      this.host.useCpuEngine();
      outcome = `no new device could be opened (${(error as Error).message}), so training goes on with the CPU engine, ${ENGINE_NAMES.cpu}`;
    }
    const from = snapshot ? `from step ${checkpointSteps(snapshot).gpu}, the last snapshot` : 'from the start (there was no snapshot yet)';
    await this.host.chain(
      async () => {
        await this.host.build(resume, snapshot);
        this.host.message(`${why}; ${outcome}. Training continues ${from}.`);
      },
      (e) => this.host.message(`${why}, and the run could not be rebuilt: ${e.message}`),
    );
    this.recovering = false;
  }

  /** The GPU engine was chosen while there is no device (none at start, or lost for good): try for one again. */
  async reopen(): Promise<void> {
    try {
      if (!this.openGpu) throw new Error('this page cannot open a device');
      this.use(await this.openGpu());
    } catch (error) {
      this.host.useCpuEngine();
      this.host.message(
        `No WebGPU device could be opened (${(error as Error).message}), so only the CPU engines, ${ENGINE_NAMES.cpu} and the ${ENGINE_NAMES.reference}, can run.`,
      );
      return;
    }
    this.host.notice(`Training on the GPU again: ${this.device!.adapterName}.`);
    this.host.gpuBack();
  }
}

/** Whether `device` is lost now or within `ms` milliseconds. */
export function lostWithin(device: GPUDevice, ms: number): Promise<boolean> {
  return Promise.race([device.lost.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
}
