// What probably made a run diverge, said from its settings, and a safer learning rate to offer.
import { RANGES, type PageSettings } from './settings';

export interface DivergenceAdvice {
  /** One or two sentences naming the likely cause. */
  cause: string;
  /** A learning rate ten times smaller, within the panel's range. */
  saferLr: number;
}

/** Learning rates above which each optimizer usually blows up these models. */
const RISKY_LR: Record<PageSettings['optimizer'], number> = { sgd: 1, momentum: 0.3, adam: 0.05 };

/** Within this many steps of loading a run file, a divergence blames the file first. */
export const LOADED_RUN_BLAME_STEPS = 200;

/** A run file loaded shortly before the run went wrong: its name, the step it was loaded at, and how many steps later. */
export interface LoadedRunBlame {
  name: string;
  step: number;
  after: number;
}

export function divergenceAdvice(s: PageSettings, loaded: LoadedRunBlame | null = null): DivergenceAdvice {
  const saferLr = Math.max(RANGES.lr!.min, Number((s.lr / 10).toPrecision(2)));
  const causes: string[] = [];
  if (loaded) {
    causes.push(
      `the run loaded from ${loaded.name} (at step ${loaded.step}) went wrong ${loaded.after} step${loaded.after === 1 ? '' : 's'} later, so its weights or optimizer state are the first suspect`,
    );
  }
  if (s.lr >= RISKY_LR[s.optimizer]) {
    causes.push(`the learning rate ${s.lr} is high for ${s.optimizer === 'adam' ? 'Adam' : s.optimizer === 'sgd' ? 'SGD' : 'momentum'}`);
  }
  if (s.optimizer === 'momentum' && s.momentum > 0.99) causes.push(`momentum ${s.momentum} lets steps pile up`);
  if (s.initScale > 3) causes.push(`the initialisation scale ${s.initScale} starts with large weights`);
  // The gallery's mistakes that make training blow up (named only where they are not an exercise's secret).
  if (s.exercise === 0 && s.mistake === 'no-batch-mean') causes.push(`the mistake no-batch-mean makes every step ${s.batch} times (B) too large`);
  if (s.exercise === 0 && s.mistake === 'update-sign') causes.push('the mistake update-sign climbs the loss instead of descending it');
  if (s.model === 'autoencoder' && s.optimizer !== 'adam') {
    causes.push("the autoencoder's gradient grows with the cube of the weights, so a step that overshoots overshoots more the next time");
  }
  const cause = causes.length > 0 ? `Likely cause: ${causes.join('; ')}.` : `A learning rate too high for this data is the usual cause (now ${s.lr}).`;
  return { cause, saferLr };
}
