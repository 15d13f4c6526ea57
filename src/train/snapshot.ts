// The last healthy state of a run, kept in memory to go back to after a divergence or to continue
// from on a new device: a checkpoint (see checkpoint.ts) taken only while every number is finite.
import { captureCheckpoint, type Checkpoint } from './checkpoint';
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
  async offer(session: Session, losses: ReadonlyArray<{ loss: number }>, settings: Readonly<Record<string, unknown>>): Promise<void> {
    if (performance.now() - this.taken <= this.intervalMs || !lossLooksHealthy(losses)) return;
    this.taken = performance.now();
    this.latest = (await takeSnapshot(session, settings)) ?? this.latest;
  }
}

/**
 * Whether the recent loss is not far above where the run started: a run on its way to overflow is
 * often still finite, and a snapshot of it would not be worth going back to.
 */
export function lossLooksHealthy(losses: ReadonlyArray<{ loss: number }>): boolean {
  if (losses.length === 0) return true;
  const mean = (ms: ReadonlyArray<{ loss: number }>) => ms.reduce((a, m) => a + m.loss, 0) / ms.length;
  return mean(losses.slice(-10)) <= 3 * mean(losses.slice(0, 10));
}
