// What recovery (recovery.ts) may do to the page, in one place: its RecoveryHost made of the page's
// parts. The parts are read when recovery acts, never before: the controller makes them after it.
import { optimizerOf } from '../train/run-settings';
import type { Banners } from './banners';
import type { BuildQueue } from './build-queue';
import type { RecoveryHost } from './recovery';
import type { RunViews } from './run-views';
import type { SettingsChanges } from './settings-changes';
import type { PageSettings } from './settings';
import type { StatusLine } from './status-line';
import type { TrainingLoop } from './training-loop';

export interface RecoveryParts {
  settings: PageSettings;
  queue(): BuildQueue;
  loop(): TrainingLoop;
  views(): RunViews;
  changes: SettingsChanges;
  banners: Banners;
  status: StatusLine;
  /** Redraws the views and the status line of the current session. */
  redraw(): Promise<void>;
  /** The GPU engine applies again (a device was opened after none). */
  gpuBack(): void;
  describe(): string;
}

export function recoveryHost(p: RecoveryParts): RecoveryHost {
  return {
    settings: p.settings,
    session: () => p.queue().session,
    loadedRun: () => {
      const queue = p.queue();
      return queue.loadedRun?.session === queue.session ? queue.loadedRun : null;
    },
    stop: () => p.loop().stop(),
    chain: (work, failed) => p.queue().exclusive(work, failed),
    build: (resume, from) => p.queue().rebuildFrom(from, resume),
    rebuild: () => p.queue().rebuild(),
    restored: async (steps) => {
      const session = p.queue().session!;
      await session.setOptimizer(optimizerOf(p.settings));
      p.views().cutBack(steps);
      p.views().runs.cutBack(steps[session.leader.id]); // redrawn by the next refresh
    },
    redraw: () => p.redraw(),
    setLearningRate: (lr) => {
      p.settings.lr = lr;
      const applied = p.queue().applied;
      if (applied) applied.lr = lr;
      p.changes.show();
    },
    useCpuEngine: () => {
      p.settings.engine = 'cpu';
      p.changes.show();
    },
    gpuBack: () => p.gpuBack(),
    message: (text, actions) => p.banners.message(text, actions, 'run'),
    notice: (text) => p.banners.notice(text),
    hideMessage: () => p.banners.clear('run'),
    status: (text) => p.status.set(text),
    describe: () => p.describe(),
  };
}
