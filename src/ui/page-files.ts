// Files in and out of the page, and their one owner: a dropped or chosen data file (.csv, .npy, …)
// or saved run (.json), checked whole before anything changes; and the run saved as a .json
// checkpoint to continue from or an .npz for a notebook (the format lives in run-files.ts).
import { UserError } from '../base/errors';
import { UserFileSource } from '../data/user-file';
import { captureCheckpoint } from '../train/checkpoint';
import type { Checkpoint } from '../train/checkpoint-format';
import { parseCheckpoint } from '../train/checkpoint-reader';
import type { MetricsLog } from '../train/metrics-log';
import type { Banners } from './banners';
import type { BuildQueue } from './build-queue';
import type { Recovery } from './recovery';
import { checkpointFile, download, type RunFileFormat } from './run-files';
import { readSettings, userFileOptions, type PageSettings } from './settings';
import type { TrainingLoop } from './training-loop';

/** What the files need of the page. */
export interface PageFilesHost {
  readonly settings: PageSettings;
  queue: BuildQueue;
  loop: TrainingLoop;
  banners: Banners;
  recovery: Recovery;
  /** The run's per-step metrics: a saved run keeps its loss history. */
  log: MetricsLog;
  /** Settings read from a file may name an engine this page cannot run: the page's fallback applies. */
  fitEngine(s: PageSettings): void;
  settingsChanged(): void;
}

const MAX_FILE_BYTES = 512 * 2 ** 20;

export class PageFiles {
  /** The user's data file in use, if any. */
  userFile: UserFileSource | null = null;

  constructor(private readonly host: PageFilesHost) {}

  /** Files dropped anywhere on the page are loaded (see load). */
  takeDrops(): void {
    window.addEventListener('dragover', (e) => e.preventDefault());
    window.addEventListener('drop', (e) => {
      e.preventDefault();
      const file = e.dataTransfer?.files[0];
      if (file) void this.load(file);
    });
  }

  /** A dropped or chosen file: a saved run (.json) or data; a bad one leaves the current run as it is. */
  async load(file: File): Promise<void> {
    const { host } = this;
    let source: UserFileSource;
    try {
      if (file.size > MAX_FILE_BYTES) throw new UserError(`it is larger than 512 MiB`);
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (/\.json$/i.test(file.name)) return this.loadRun(file.name, bytes);
      source = readUserFile(file.name, bytes, host.settings);
    } catch (error) {
      host.banners.message(`Could not use ${file.name}: ${withoutName((error as Error).message, file.name)}. The current run is unchanged.`, [], 'file');
      return;
    }
    this.userFile = source;
    host.settings.dataset = 'file';
    host.settingsChanged();
    const d = source.dataset(userFileOptions(host.settings));
    host.banners.clear('file');
    const share = host.settings.testShare;
    const held = share > 0 ? `; ${Math.round(share * 100)}% of them held out for testing` : '';
    const outputs = host.settings.model !== 'mlp' ? '' : d.regression ? ', a real target (a regression)' : `, ${d.classes} classes`;
    host.banners.notice(`Loaded ${file.name}: ${d.N} rows, ${d.D} features${outputs}${held}.`, 'file');
    await host.queue.rebuild();
  }

  /**
   * Saves the run as it is now (the loop pauses while the state is read): a .json checkpoint to
   * continue from, or an .npz of one .npy per tensor for a notebook.
   */
  async save(format: RunFileFormat): Promise<File | null> {
    const { host } = this;
    await host.queue.idle; // the run that shows, even while a rebuild waits for its data
    const session = host.queue.session;
    if (!session) return null;
    if (host.recovery.diverged) {
      host.banners.message('This run has diverged: its numbers are no longer finite. Restore its last good state (or start again), then save.', [], 'run');
      return null;
    }
    const wasRunning = await host.loop.stop();
    let file: File | null = null;
    try {
      // An exercise's file names its seed, not its mistake (the seed gives it back on loading).
      const { mistake, ...rest } = host.settings;
      const cp = await session.use(() => captureCheckpoint(session, host.settings.exercise > 0 ? rest : { ...rest, mistake }, host.log));
      file = checkpointFile(cp, format, `webgpu-backprop-${host.settings.model}-step-${session.step}`);
      download(file);
    } catch (error) {
      host.banners.message(`Could not save the run: ${(error as Error).message}`);
    }
    if (wasRunning && host.queue.session === session) host.loop.play();
    return file;
  }

  /** A saved run (.json): checked whole before anything changes, then rebuilt from its settings and state. */
  private async loadRun(name: string, bytes: Uint8Array): Promise<void> {
    const { host } = this;
    let checkpoint: Checkpoint;
    let settings: PageSettings;
    try {
      checkpoint = parseCheckpoint(bytes, name);
      const read = readSettings(Object.entries(checkpoint.settings).map(([k, v]) => [k, String(v)]));
      if (read.problems.length > 0) throw new UserError(`its settings are not valid here: ${read.problems.join('; ')}`);
      settings = read.settings;
      if (settings.dataset === 'file' && this.userFile?.name !== checkpoint.data.name) {
        throw new UserError(`it was trained on your file ${checkpoint.data.name}: load that file first, then the run`);
      }
    } catch (error) {
      host.banners.message(`Could not use ${name}: ${withoutName((error as Error).message, name)}. The current run is unchanged.`, [], 'file');
      return;
    }
    host.fitEngine(settings);
    await host.queue.exclusive(
      async () => {
        Object.assign(host.settings, settings);
        host.settingsChanged();
        // A loaded run waits for play.
        if ((await host.queue.replace(checkpoint, false, null, false)) && host.queue.session) {
          host.banners.clear('file');
          host.banners.notice(`Loaded ${name}: continuing from step ${host.queue.session.step}.`, 'file');
          host.queue.loadedRun = { name, session: host.queue.session, step: host.queue.session.step };
        }
      },
      (e) => host.banners.message(`Could not use ${name}: ${withoutName(e.message, name)}.`, [], 'file'),
    );
  }
}

/** A reader's message without the file's name at its start ("x.csv line 3: …", "x.csv: …"): the banner names the file once. */
function withoutName(message: string, name: string): string {
  if (!message.startsWith(name)) return message;
  const rest = message.slice(name.length).replace(/^:?\s+/, '');
  return rest.length > 0 ? rest : message;
}

/**
 * A data file read for the settings; a classifier's file whose last column is not whole numbers is
 * read as a regression's real targets when it can be, and the settings' problem follows.
 */
function readUserFile(name: string, bytes: Uint8Array, settings: PageSettings): UserFileSource {
  try {
    return new UserFileSource(name, bytes, userFileOptions(settings));
  } catch (error) {
    if (settings.model !== 'mlp' || settings.problem === 'regression') throw error;
    let source: UserFileSource;
    try {
      source = new UserFileSource(name, bytes, { labelled: true, regression: true });
    } catch {
      throw error;
    }
    settings.problem = 'regression';
    return source;
  }
}
