// The smoothed loss curves of the last correct run, of the last run with each mistake of the gallery
// and of the last run with the student's own derivation (same settings otherwise: same seed, same
// batches), kept across rebuilds so that they can be compared in one plot. Plain data, no DOM.
import type { Mistake } from '../../reference/mistakes';
import { Ema } from '../plots/ema';
import { runSettingPairs } from '../../train/run-settings';
import type { PageSettings } from '../settings';

const SMOOTHING = 0.05;
/** Points kept per curve; later steps are thinned to every other one when full. */
const MAX_POINTS = 4000;

export interface RunCurve {
  /** The settings apart from the mistake: a curve is only comparable with one of the same run. */
  fingerprint: string;
  steps: number[];
  losses: number[];
}

/**
 * A run's curve is kept under its mistake, under 'exercise' while the mistake is hidden, or under
 * 'derivation' when it trains with the student's derivation (derive card).
 */
export type CurveKey = Mistake | 'exercise' | 'derivation';

export class RunCurves {
  readonly curves: Partial<Record<CurveKey, RunCurve>> = {};
  private current: CurveKey = 'none';
  private readonly ema = new Ema(SMOOTHING);
  private stride = 1;

  /** A new run: its curve replaces the kept one of the same key; the others stay where comparable. */
  start(key: CurveKey, fingerprint: string): void {
    this.current = key;
    this.ema.reset();
    this.stride = 1;
    this.curves[key] = { fingerprint, steps: [], losses: [] };
    for (const other of Object.keys(this.curves) as CurveKey[]) {
      if (this.curves[other]!.fingerprint !== fingerprint) delete this.curves[other];
    }
  }

  /** Files a curve under another key (an exercise's run once its mistake is shown). */
  rename(from: CurveKey, to: CurveKey): void {
    const curve = this.curves[from];
    if (!curve || from === to) return;
    delete this.curves[from];
    this.curves[to] = curve;
    if (this.current === from) this.current = to;
  }

  /**
   * Forgets the current run's points from `step` on (a restored run trains those steps again); the
   * smoothing goes on from the last point kept.
   */
  cutBack(step: number): void {
    const curve = this.curves[this.current];
    if (!curve) return;
    const keep = curve.steps.findIndex((s) => s >= step);
    if (keep < 0) return;
    curve.steps.length = keep;
    curve.losses.length = keep;
    if (keep === 0) this.ema.reset();
    else this.ema.resumeFrom(curve.losses[keep - 1]!);
  }

  /** Adds the leading engine's per-step losses to the current run's curve. */
  add(steps: ReadonlyArray<{ step: number; loss: number }>): void {
    const curve = this.curves[this.current];
    if (!curve) return;
    for (const { step, loss } of steps) {
      if (!Number.isFinite(loss)) continue;
      const smooth = this.ema.push(loss);
      if (step % this.stride !== 0) continue;
      curve.steps.push(step);
      curve.losses.push(smooth);
      if (curve.steps.length > MAX_POINTS) {
        this.stride *= 2;
        const keep = curve.steps.map((s, i) => (s % this.stride === 0 ? i : -1)).filter((i) => i >= 0);
        curve.steps = keep.map((i) => curve.steps[i]!);
        curve.losses = keep.map((i) => curve.losses[i]!);
      }
    }
  }
}

/** What makes two runs comparable: every run setting but the mistake (the page's own options do not count). */
export function runFingerprint(s: PageSettings): string {
  return JSON.stringify(runSettingPairs({ ...s }).filter(([key]) => key !== 'mistake'));
}
