// How a change of settings applies, and its one owner: from the panel, the diagram or an edited
// link, a live setting (the optimizer's, the plot's scale, the steps per frame) applies at once;
// any other rebuilds the run through the build queue. The panel and the link follow every change.
import { type Feature, switchFeature } from '../data/features';
import type { GpuContext } from '../gpu/device';
import { datasetMismatch, optimizerOf, PROBLEM_DATASETS, sameValue } from '../train/run-settings';
import type { Banners } from './banners';
import type { BuildQueue } from './build-queue';
import { readyStatus } from './build-status';
import type { LinkSync, ReadLink } from './link-sync';
import type { RunViews } from './run-views';
import { LIVE_KEYS, needsGpu, type PageSettings } from './settings';
import type { StatusLine } from './status-line';
import { applyHiddenSections, hiddenSettings } from './teacher';
import type { TrainingLoop } from './training-loop';

/** The controls that show the settings: the panel and the quick settings beside play. */
export interface SettingsControls {
  /** Re-reads every control from the settings. */
  refresh(): void;
  /** Shows the controls that matter for these settings. */
  showRelevant(s: PageSettings): void;
  /** Hides the controls a teacher's link names. */
  hideControls(keys: ReadonlyArray<keyof PageSettings>): void;
}

/** Several controls shown as one (the panel and the quick settings), each read when called. */
export function allControls(controls: () => SettingsControls[]): SettingsControls {
  return {
    refresh: () => controls().forEach((c) => c.refresh()),
    showRelevant: (s) => controls().forEach((c) => c.showRelevant(s)),
    hideControls: (keys) => controls().forEach((c) => c.hideControls(keys)),
  };
}

/** The parts a change reaches. */
export interface ChangeTargets {
  readonly settings: PageSettings;
  panel: SettingsControls;
  link: LinkSync;
  banners: Banners;
  views: RunViews;
  queue: BuildQueue;
  loop: TrainingLoop;
  status: StatusLine;
  gpu(): GpuContext | null;
  /** The GPU engine was chosen with no device: ask for one. */
  reopenGpu(): void;
  describe(): string;
}

export class SettingsChanges {
  constructor(private readonly t: ChangeTargets) {}

  /** A setting changed in the panel (or the diagram). */
  changed(key: keyof PageSettings): void {
    const { t } = this;
    if (key === 'engine' && needsGpu(t.settings.engine) && !t.gpu()) {
      t.reopenGpu();
      return;
    }
    if (fitDataset(t.settings, key)) t.panel.refresh();
    t.panel.showRelevant(t.settings);
    t.link.write(t.settings);
    if (LIVE_KEYS.has(key)) this.applyLive();
    else void t.queue.rebuild();
  }

  /** The diagram's buttons reshaped the hidden layers. */
  reshape(hidden: number[]): void {
    this.t.settings.hidden = hidden;
    this.changed('hidden');
  }

  /** An input node of the diagram was clicked: its feature goes on or off (the last one stays). */
  switchFeature(feature: Feature): void {
    const { settings } = this.t;
    const features = switchFeature(settings.features, feature);
    if (features.length === settings.features.length && features.every((f, i) => f === settings.features[i])) return;
    settings.features = features;
    this.changed('features');
  }

  /**
   * A link edited in the address bar (or a preset followed): its settings replace the current
   * ones, live where they can be, with a rebuild otherwise; a bad value is ignored with a message.
   */
  applyLink(link: ReadLink): void {
    const { t } = this;
    this.showLink(link);
    const { settings } = link;
    this.fitEngine(settings);
    // A file of yours cannot travel in a link: one that names no data set keeps training on it.
    if (t.settings.dataset === 'file' && !link.namesDataset) settings.dataset = 'file';
    // A value refused in an edited link keeps the run's (not the default), and the address bar says so.
    for (const key of link.refused) Object.assign(settings, { [key]: t.settings[key] });
    if (link.refused.length > 0) t.link.write(settings);
    const changed = (Object.keys(settings) as Array<keyof PageSettings>).filter((k) => !sameValue(settings[k], t.settings[k]));
    if (changed.length === 0) return;
    if (changed.includes('exercise')) t.views.exerciseRevealed = false;
    Object.assign(t.settings, settings);
    t.panel.refresh();
    t.panel.showRelevant(t.settings);
    if (changed.every((k) => LIVE_KEYS.has(k))) this.applyLive();
    else void t.queue.rebuild();
  }

  /** The link's hide list, and what it said that was ignored (a banner that a good link clears). */
  showLink(link: ReadLink): void {
    const { t } = this;
    t.panel.hideControls(hiddenSettings(link.hide));
    applyHiddenSections(link.hide);
    t.panel.showRelevant(t.settings);
    if (link.problems.length > 0) t.banners.message(`Some settings in the link were ignored: ${link.problems.join('; ')}.`, [], 'link');
    else t.banners.clear('link');
  }

  /** The settings changed under the panel and the link (a fallback, an adjusted size, a revert): both follow. */
  show(): void {
    const { t } = this;
    t.panel.refresh();
    t.panel.showRelevant(t.settings);
    t.link.write(t.settings);
  }

  /** The one no-GPU fallback: an engine choice that needs a GPU becomes the CPU engine where there is none. */
  fitEngine(s: PageSettings): void {
    if (!this.t.gpu() && needsGpu(s.engine)) s.engine = 'cpu';
  }

  /** Live settings apply without a rebuild. */
  private applyLive(): void {
    const { t } = this;
    t.views.plot.setLogScale(t.settings.logScale);
    const session = t.queue.session;
    void session?.setOptimizer(optimizerOf(t.settings)).catch(() => {}); // a session replaced meanwhile takes the panel's
    // Before the first step, the "Ready" line names the new settings, not the old.
    if (session && !t.loop.running && session.step === 0 && !t.queue.building)
      t.status.set(readyStatus(t.describe(), session.stepEstimate, session.config.spec.kind, 'Press play.'));
  }
}

/**
 * Keeps the data set and the problem together after the `changed` one: a data set chosen brings its
 * problem, anything else (a problem, the MLP chosen again) the problem's first data set. True when it
 * changed one.
 */
export function fitDataset(s: PageSettings, changed: keyof PageSettings): boolean {
  if (!datasetMismatch(s)) return false;
  if (changed === 'dataset') s.problem = s.problem === 'regression' ? 'classification' : 'regression';
  else s.dataset = PROBLEM_DATASETS[s.problem][0]!;
  return true;
}
