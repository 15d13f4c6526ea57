// The last healthy state of a run, kept in memory to go back to after a divergence or to continue
// from on a new device: a checkpoint (see checkpoint.ts) taken only while every number is finite.
import { captureCheckpoint } from './checkpoint';
import type { Checkpoint } from './checkpoint-format';
import type { Session } from './session';

/** Whether every value of every tensor is finite. */
export function allFinite(tensors: Record<string, ArrayLike<number>>): boolean {
  for (const values of Object.values(tensors)) {
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  }
  return true;
}

/** The session's state, or null when a parameter or moment of any engine is no longer finite. */
export async function takeSnapshot(session: Session, settings: Readonly<Record<string, unknown>>): Promise<Checkpoint | null> {
  const snapshot = await captureCheckpoint(session, settings);
  const healthy = Object.values(snapshot.engines).every((e) => allFinite(e.params) && allFinite(e.m) && allFinite(e.v));
  return healthy ? snapshot : null;
}

/** How often the state of a healthy run is kept by default. */
const SNAPSHOT_INTERVAL_MS = 3000;

/** Keeps the latest healthy snapshot of a run, taken at most every `intervalMs`. */
export class SnapshotKeeper {
  latest: Checkpoint | null = null;
  private taken = 0;

  constructor(private readonly intervalMs = SNAPSHOT_INTERVAL_MS) {}

  /** Starts over for a new session, which may continue from `restored`. */
  reset(restored: Checkpoint | null): void {
    this.latest = restored;
    this.taken = performance.now();
  }

  /** Takes a snapshot when one is due and the recent losses (in step order) look healthy. */
  async offer(session: Session, losses: ReadonlyArray<{ loss: number; accuracy?: number }>, settings: Readonly<Record<string, unknown>>): Promise<void> {
    const { spec } = session.config;
    if (performance.now() - this.taken <= this.intervalMs || !lossLooksHealthy(losses, spec.kind === 'mlp' ? spec.shape.C : 0)) return;
    this.taken = performance.now();
    this.latest = (await takeSnapshot(session, settings)) ?? this.latest;
  }
}

/**
 * Whether the recent loss is not far above where the run started, and the run has not given back
 * half of the progress it made (in loss, or for a classifier of `classes` classes in accuracy): a
 * run on its way to overflow is often still finite, and a run sliding back has better states
 * behind it; a snapshot of either is not worth going back to.
 */
export function lossLooksHealthy(losses: ReadonlyArray<{ loss: number; accuracy?: number }>, classes = 0): boolean {
  if (losses.length === 0) return true;
  const p = lossProgress(losses);
  if (!p) return mean(losses.slice(-10)) <= 3 * mean(losses.slice(0, 10));
  if (p.recent > 3 * p.start) return false;
  // Half of the progress given back counts only where there was progress (10% of the start): a loss
  // that is flat from its first steps (a model at its optimum at once) differs from its best by
  // noise alone, and must still be kept.
  const progress = p.start - p.best;
  if (progress > 0.1 * p.start && p.recent > p.best + 0.5 * progress) return false;
  if (classes < 2) return true;
  const chance = 1 / classes;
  const best = bestAccuracy(losses);
  return best < chance + 0.25 * (1 - chance) || accuracy(losses.slice(-WINDOW)) >= chance + 0.5 * (best - chance);
}

/** Steps averaged into each point of a run's progress. */
const WINDOW = 20;

/**
 * Where a run's loss started (the mean of its first steps), the best and the latest means of
 * WINDOW steps; null before there are three windows' worth.
 */
export function lossProgress(losses: ReadonlyArray<{ loss: number }>): { start: number; best: number; recent: number } | null {
  if (losses.length < 3 * WINDOW) return null;
  let best = Infinity;
  for (let i = 0; i + WINDOW <= losses.length; i += WINDOW) best = Math.min(best, mean(losses.slice(i, i + WINDOW)));
  return { start: mean(losses.slice(0, WINDOW)), best, recent: mean(losses.slice(-WINDOW)) };
}

/**
 * A run that went wrong without a NaN: after having been clearly lower (below 70% of where it
 * started), its loss is back where it started or above; or, for a classifier of `classes` classes,
 * after a window of WINDOW steps well above chance (a quarter of the way from chance to every
 * sample right), its recent accuracy is at chance (within 5 points): a rate that collapses a run
 * may leave its loss below an exploded start.
 */
export function lossGaveBack(metrics: ReadonlyArray<{ loss: number; accuracy?: number }>, classes = 0): boolean {
  const p = lossProgress(metrics);
  if (!p) return false;
  if (p.best < 0.7 * p.start && p.recent >= p.start) return true;
  if (classes < 2) return false;
  const chance = 1 / classes;
  return bestAccuracy(metrics) >= chance + 0.25 * (1 - chance) && accuracy(metrics.slice(-WINDOW)) <= chance + 0.05;
}

/** The best mean accuracy of WINDOW steps. */
function bestAccuracy(metrics: ReadonlyArray<{ accuracy?: number }>): number {
  let best = 0;
  for (let i = 0; i + WINDOW <= metrics.length; i += WINDOW) best = Math.max(best, accuracy(metrics.slice(i, i + WINDOW)));
  return best;
}

function accuracy(ms: ReadonlyArray<{ accuracy?: number }>): number {
  return ms.reduce((a, m) => a + (m.accuracy ?? 0), 0) / ms.length;
}

function mean(ms: ReadonlyArray<{ loss: number }>): number {
  return ms.reduce((a, m) => a + m.loss, 0) / ms.length;
}
