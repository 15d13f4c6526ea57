// The build queue: the only code that creates and destroys the page's sessions. Work on the session
// runs one job at a time; a rebuild asked for while another is queued joins it (the settings are
// read when it starts, so the last request wins and none is applied twice); a rebuild still waiting
// for its data gives way to a newer one. The old session is let go only after the training loop
// has stopped and every submit, readback and check on it has settled (Session.close).
import type { ModelSpec } from '../models/build';
import type { DataSplit } from '../data/dataset';
import type { GpuContext } from '../gpu/device';
import { mistakeProblem } from '../reference/mistakes';
import { captureCheckpoint, checkCheckpointFits, checkpointHistory, checkpointSteps, restoreCheckpoint } from '../train/checkpoint';
import type { Checkpoint } from '../train/checkpoint-format';
import { ENGINE_NAMES, type EngineId } from '../train/engine';
import { exerciseMistake } from '../train/exercise';
import { planRun } from '../train/run-settings';
import { Session, type SessionConfig } from '../train/session';
import type { Banners } from './banners';
import { buildStatus, formatDuration, readyStatus, SLOW_STEP_MS, smallerSizes } from './build-status';
import { plainWords } from './plain-words';
import { lostWithin, type Recovery } from './recovery';
import type { RunViews } from './run-views';
import { ENGINES_OF, type PageSettings } from './settings';
import type { StatusLine } from './status-line';
import type { TrainingLoop } from './training-loop';
import { runFingerprint } from './math/run-curves';

/** Steps the built-in run trains first, when a derivation is to train with nothing to compare it with. */
const CORRECT_FIRST_STEPS = 200;

/** What a build needs of the page. */
export interface BuildHost {
  readonly settings: PageSettings;
  gpu(): GpuContext | null;
  loop: TrainingLoop;
  views: RunViews;
  recovery: Recovery;
  banners: Banners;
  status: StatusLine;
  /** The data for the current settings (MNIST may take a while on a first visit). */
  loadData(): Promise<DataSplit>;
  /** The run in words, for the status line. */
  describe(): string;
  /** The settings changed under the panel and the link (a fallback, an adjusted size, a revert). */
  settingsChanged(): void;
}

const NO_STEPS: Record<EngineId, number> = { gpu: 0, cpu: 0, reference: 0 };

/** A build called off because a newer one was asked for: not a failure, nothing to say. */
export class Superseded extends Error {
  constructor() {
    super('a newer build was asked for');
    this.name = 'Superseded';
  }
}

export class BuildQueue {
  /** The session that trains and shows now; null before the first and while one is being replaced. */
  session: Session | null = null;
  /** The settings the session was built with: what a refused change goes back to. */
  applied: PageSettings | null = null;
  /**
   * A student's derivation that the builds train with, in place of the built-in backward pass (page
   * state: no link or run file keeps it); null for the built-in one. A build it cannot train with
   * leaves it out, and says why in `derivationLeftOut`.
   */
  derivation: string | null = null;
  /** Why the last build left the derivation out (null when it trained with it, or there was none). */
  derivationLeftOut: string | null = null;
  /** The derivation the session was built with, which a refused change goes back to with the settings. */
  private appliedDerivation: string | null = null;
  /** Why the last build was refused, in words; null once one is built. */
  refusal: string | null = null;
  /** A session is being replaced (from letting the old one go to the new one's Ready). */
  building = false;
  /** The run file the current session was loaded from, and its step then (see Recovery: a divergence soon after blames it). */
  loadedRun: { name: string; session: Session; step: number } | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** A rebuild queued and not yet started: later requests join it. */
  private queuedRebuild: Promise<void> | null = null;
  /** Ends the wait of the rebuild that waits for its data (see rebuild). */
  private giveWay: (() => void) | null = null;
  /** Calls off the session being built, for a newer request (see rebuild). */
  private buildAbort: AbortController | null = null;

  constructor(private readonly host: BuildHost) {}

  /** Whether a rebuild waits for its data while the current run goes on. */
  get waitingForData(): boolean {
    return this.giveWay !== null;
  }

  /** Resolves once every job queued so far has finished. */
  get idle(): Promise<void> {
    return this.chain;
  }

  /**
   * A session for the current settings. The current run goes on while the data loads (MNIST's first
   * download takes a while: a 2-D set trains meanwhile); a newer rebuild takes over from one still
   * waiting for its data, and rebuilds asked for before this one starts are this one.
   */
  rebuild(): Promise<void> {
    this.giveWay?.();
    // A build under way (a slow model's compile, tuning or first timing) gives way too, between
    // its GPU submits: the newer request starts within seconds instead of waiting behind it.
    this.buildAbort?.abort(new Superseded());
    this.queuedRebuild ??= this.enqueue(async () => {
      this.queuedRebuild = null;
      let data: DataSplit | null;
      try {
        data = await this.dataUnlessNewer();
      } catch (error) {
        return this.failed(error as Error, null); // the run, never stopped, goes on
      }
      if (!data) return; // a newer rebuild takes over
      await this.replace(null, false, data);
    });
    return this.queuedRebuild;
  }

  /**
   * Runs `work` on the session alone, after the jobs queued before it (a restore, a lost device's
   * rebuild, a loaded run). A rebuild waiting for its data gives way, and the settings go back to
   * the run's; a failure goes to `failed` and the queue goes on.
   */
  exclusive(work: () => Promise<void>, failed: (error: Error) => void): Promise<void> {
    if (this.giveWay) this.revert();
    this.giveWay?.();
    return this.enqueue(() => work().catch(failed));
  }

  /**
   * Replaces the session with one built for the current settings, continuing from `restore` when
   * given (`continues`: the same run going on, whose curve up to that step stays). Plays afterwards
   * if the loop was running (`playAfter` overrides), unless pause is pressed meanwhile; a refused
   * build leaves the current run as it was, running if it ran. For jobs already in the queue;
   * returns whether the new session was built.
   */
  async replace(restore: Checkpoint | null, continues: boolean, loaded: DataSplit | null = null, playAfter?: boolean): Promise<boolean> {
    const { loop } = this.host;
    const wasTraining = loop.running || loop.startsWhenReady;
    // A slow model's refresh under way (its test set, its plane) stops at its next chunk, not after minutes.
    const current = this.session;
    current?.cancelWork();
    await loop.suspend(playAfter);
    try {
      await this.build(restore, continues, loaded);
      return true;
    } catch (error) {
      if (this.session === current) current?.resumeWork(); // refused before it was let go: it goes on, views and all
      await this.failed(error as Error, wasTraining);
      return false;
    }
  }

  /**
   * "Regenerate": the 2-D set's points drawn again from `dataSeed`, the network kept. The run goes on
   * from its state now (its weights, optimizer and step: the same curve) on the new points; with no
   * run yet, a plain build.
   */
  regenerate(dataSeed: number): Promise<void> {
    const { host } = this;
    return this.exclusive(
      async () => {
        const session = this.session;
        await host.loop.suspend();
        const state = session ? await session.use(() => captureCheckpoint(session, {})) : null;
        host.settings.dataSeed = dataSeed;
        host.settingsChanged();
        await this.replace(state, true);
      },
      (error) => host.banners.message(`Could not draw new points: ${plainWords(error)}.`, [], 'build'),
    );
  }

  /** Builds the settings that worked (with `restore`, from that state) after the session was lost: see Recovery. */
  async rebuildFrom(restore: Checkpoint | null, resume: boolean): Promise<void> {
    await this.host.loop.suspend(resume);
    try {
      await this.build(restore, restore !== null, null);
    } catch (error) {
      if (!(error instanceof Superseded)) throw error; // a newer request, queued, builds next
    }
  }

  /** Puts back the settings of the running session after a refused change. */
  revert(): void {
    if (!this.applied) return;
    Object.assign(this.host.settings, this.applied);
    this.derivation = this.appliedDerivation;
    this.host.settingsChanged();
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const job = this.chain.then(work);
    this.chain = job.catch(() => {});
    return job;
  }

  /** The data for the current settings, or null once a newer rebuild is asked for. */
  private async dataUnlessNewer(): Promise<DataSplit | null> {
    if (!this.session) this.host.status.set('Loading data…');
    const gaveWay = new Promise<null>((resolve) => {
      this.giveWay = () => resolve(null);
    });
    try {
      return await Promise.race([this.host.loadData(), gaveWay]);
    } finally {
      this.giveWay = null;
    }
  }

  /**
   * Builds a session for the current settings. A configuration the GPU cannot hold throws before
   * the running session is let go (see failed).
   */
  private async build(restore: Checkpoint | null, continues: boolean, loaded: DataSplit | null): Promise<void> {
    const { host } = this;
    const s = host.settings;
    if (!loaded) host.status.set('Loading data…');
    const data = loaded ?? (await host.loadData());
    const [activation, problem] = s.model === 'mlp' ? [s.activation, s.problem] : [null, undefined];
    if (s.exercise > 0) s.mistake = exerciseMistake(s.exercise, s.model, activation, problem);
    const { plan, adjusted } = planRun(s, data);
    const notes = adjusted.map((a) => a.note);
    if (plan.mistake !== s.mistake) {
      notes.push(`${mistakeProblem(s.mistake, s.model, activation, problem)}, so this run makes none`);
      s.mistake = 'none';
    }
    for (const a of adjusted) s[a.key] = a.to;
    if (s.model === 'mlp' && s.problem === 'classification' && data.train.classes < 2 && !data.test) notes.push('the data has one class only');
    const config: SessionConfig = { ...plan, engines: [...ENGINES_OF[s.engine]] };
    this.derivationLeftOut = null;
    if (this.derivation !== null) {
      try {
        Session.checkDerivation({ ...config, derivation: this.derivation });
        plan.derivation = config.derivation = this.derivation;
      } catch (error) {
        // Never a refusal: a fallback to the CPU engine, a mistake chosen, a model the text does not
        // fit all go on with the built-in backward pass, and say so.
        const why = plainWords(error).replace(/\.$/, '');
        this.derivationLeftOut = why;
        this.derivation = null;
        notes.push(`this run uses the built-in backward pass: ${why[0]!.toLowerCase()}${why.slice(1)}`);
      }
    }
    const gpu = host.gpu();
    if (gpu) Session.checkFits(config, data, gpu.device.limits);
    if (restore) checkCheckpointFits({ config, data }, restore);
    // Checked: from here on the old session goes.
    if (notes.length > 0) host.banners.notice(`Note: ${notes.join('; ')}.`, 'build');
    host.settingsChanged();
    this.building = true;
    try {
      await this.letGo();
      host.recovery.clearDivergence();
      host.status.set('Building the model…');
      // A quick start: Ready as soon as the first steps can run; the kernels improve while it trains.
      // Only a plain rebuild gives way: a restored or loaded run, or a lost device's, is built to the end.
      this.buildAbort = restore ? null : new AbortController();
      const session = await Session.create(config, data, gpu?.device ?? null, {
        estimate: true,
        quickStart: true,
        onProgress: (p) => host.status.set(buildStatus(p)),
        signal: this.buildAbort?.signal,
      });
      if (restore) {
        try {
          await restoreCheckpoint(session, restore);
          await session.setOptimizer(plan.optimizer); // the panel's optimizer, which may be newer than the snapshot's
        } catch (error) {
          session.destroy();
          throw error;
        }
      }
      host.recovery.snapshots.reset(restore);
      this.applied = { ...s };
      this.appliedDerivation = this.derivation;
      this.refusal = null;
      // A run file's own history comes back with it (a run that continues keeps what the page drew).
      const history = restore && !continues ? Object.fromEntries(session.engines.map((e) => [e.id, checkpointHistory(restore, e.id)])) : {};
      host.views.attach(session, plan, data, s, restore && continues ? checkpointSteps(restore) : NO_STEPS, history);
      this.session = session;
    } finally {
      this.building = false;
      this.buildAbort = null;
    }
    const session = this.session;
    host.settingsChanged();
    // The views' first drawing runs the model over the test set and the plane: for a model whose step
    // is slow, minutes in long submits. It waits for play (the loop refreshes while training), so that
    // the page, a smaller size asked for, and reset stay at hand.
    const slow = (session.stepEstimate?.ms ?? 0) > SLOW_STEP_MS;
    if (!slow) await host.views.refresh(session, true).catch(() => {});
    const next = restore ? `Continuing from step ${session.step}.` : host.loop.startsWhenReady ? 'Starting: play was pressed.' : 'Press play.';
    host.status.set(readyStatus(host.describe(), session.stepEstimate, plan.spec.kind, next));
    host.banners.clear('build');
    if (slow) this.offerSmaller(plan.spec, plan.batch, session.stepEstimate!.ms);
    host.loop.sessionReady();
  }

  /**
   * Rebuilds the run with `changes` to the settings and a student's derivation as its backward pass
   * (null: the built-in one), and plays it; resolves with null when the run trains with it, else why not.
   */
  async trainWith(text: string | null, changes: Partial<PageSettings>): Promise<string | null> {
    Object.assign(this.host.settings, changes);
    if (text !== null && !this.hasCorrectRun()) {
      // Nothing to compare with yet: the built-in run of these settings trains first, for a few hundred
      // steps, so that the comparison plot holds both runs (same seed, same batches).
      this.derivation = null;
      this.host.settingsChanged();
      await this.rebuild();
      const stopped = await this.trainBuiltInFirst();
      if (stopped) return stopped;
    }
    this.derivation = text;
    this.host.settingsChanged();
    await this.rebuild();
    const inUse = this.session?.config.derivation ?? null;
    if (inUse !== text) return this.derivationLeftOut ?? this.refusal ?? 'the run was not rebuilt';
    if (text !== null) this.host.loop.play();
    return null;
  }

  /** Whether the comparison plot already holds the built-in run of the current settings, CORRECT_FIRST_STEPS long. */
  private hasCorrectRun(): boolean {
    const curve = this.host.views.runs.curves.none;
    return !!curve && curve.fingerprint === runFingerprint(this.host.settings) && (curve.steps.at(-1) ?? 0) >= CORRECT_FIRST_STEPS - 1;
  }

  /** Plays the built-in run until CORRECT_FIRST_STEPS; resolves with why it stopped short (paused, replaced), else null. */
  private async trainBuiltInFirst(): Promise<string | null> {
    const session = this.session;
    if (!session || session.config.derivation !== undefined) return this.refusal ?? 'the built-in run could not be built';
    this.host.banners.notice(`Training the built-in backward pass first, for ${CORRECT_FIRST_STEPS} steps: the run to compare yours with.`);
    const { loop } = this.host;
    loop.play();
    while (session.step < CORRECT_FIRST_STEPS) {
      await new Promise((r) => setTimeout(r, 100));
      if (this.session !== session) return 'the run was replaced before the built-in one had trained';
      if (!loop.running && !loop.startsWhenReady) return 'paused before the built-in run had trained: press the button again';
    }
    await loop.stop();
    return null;
  }

  /** A slow run's way out, one click away: sizes whose step should cost about 30 ms. */
  private offerSmaller(spec: ModelSpec, batch: number, ms: number): void {
    const smaller = smallerSizes(spec, batch, ms);
    if (!smaller) return;
    const { host } = this;
    const run = () => {
      Object.assign(host.settings, smaller.changes);
      host.settingsChanged();
      void this.rebuild();
    };
    const label = `Use ${smaller.label} (about ${formatDuration(smaller.ms)} per step)`;
    host.banners.message(`A step takes about ${formatDuration(ms)} at these sizes.`, [{ label, run }], 'build');
  }

  /** The current session goes: the loop stops (keeping its intent), its work settles, then its buffers die. */
  private async letGo(): Promise<void> {
    const old = this.session;
    this.session = null;
    this.host.views.detach();
    old?.cancelWork(); // (for callers other than replace) its reads under way stop at their next chunk
    await this.host.loop.suspend();
    await old?.close();
  }

  /**
   * A build failed. Before the running session was let go, its settings come back and it goes on
   * (training if it trained, or if play was pressed meanwhile: `wasTraining`, null when never stopped);
   * after (the GPU ran out of memory, say), the settings that worked are rebuilt from their last
   * snapshot; with none, the CPU engine takes over, then the reference.
   */
  private async failed(error: Error, wasTraining: boolean | null): Promise<void> {
    const { host } = this;
    if (error instanceof Superseded) {
      // The newer request, queued behind this one, builds next and keeps the intent to train.
      if (wasTraining !== null) host.loop.intend(wasTraining || host.loop.startsWhenReady);
      return;
    }
    const gpu = host.gpu();
    // A build that failed because the device was lost is Recovery's to handle.
    if (host.recovery.recovering || (gpu && (await lostWithin(gpu.device, 100)))) return;
    const why = plainWords(error);
    this.refusal = why;
    if (this.session) {
      // Refused before the running session was let go (sizes over the GPU's limits, data that would not load).
      this.revert();
      host.banners.message(`Not applied: ${why}. The current run goes on.`, [], 'build');
      host.status.set(`${host.describe()}.`);
      if (wasTraining !== null) {
        host.loop.intend(wasTraining || host.loop.startsWhenReady);
        host.loop.sessionReady();
      }
      return;
    }
    const previous = this.applied;
    const s = host.settings;
    let fallback: string;
    if (previous && (JSON.stringify(previous) !== JSON.stringify(s) || this.derivation !== this.appliedDerivation)) {
      this.revert();
      fallback = 'the previous settings are back';
    } else if (s.engine !== 'cpu' && s.engine !== 'reference') {
      s.engine = 'cpu';
      fallback = `training runs on the CPU engine, ${ENGINE_NAMES.cpu}, instead`;
    } else if (s.engine === 'cpu') {
      // Where the WebAssembly engine cannot run (no SIMD, no memory for it), the float64 one still can.
      s.engine = 'reference';
      fallback = `training runs on the ${ENGINE_NAMES.reference} instead`;
    } else {
      host.banners.message(`${why}. Reload the page to try again.`, [], 'build');
      return;
    }
    host.settingsChanged();
    const snapshot = previous ? host.recovery.snapshots.latest : null;
    try {
      await this.build(snapshot, snapshot !== null, null);
      host.banners.message(`Not applied: ${why}. ${fallback[0]!.toUpperCase()}${fallback.slice(1)}.`, [], 'build');
    } catch (again) {
      host.banners.message(`${why}; and then: ${plainWords(again as Error)}. Reload the page to try again.`, [], 'build');
    }
  }
}
