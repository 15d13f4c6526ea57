// The last healthy state of a run, kept in memory to go back to after a divergence or to continue
// from on a new device: a checkpoint (see checkpoint.ts) taken only while every number is finite.
import { captureCheckpoint, type Checkpoint, type SettingValue } from './checkpoint';
import type { Engine, Session } from './session';

export type Snapshot = Checkpoint;

/** Whether every value of every tensor is finite. */
export function allFinite(tensors: Record<string, ArrayLike<number>>): boolean {
  for (const values of Object.values(tensors)) {
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  }
  return true;
}

/** The session's state, or null when a parameter or moment of any engine is no longer finite. */
export async function takeSnapshot(session: Session, settings: Record<string, SettingValue>): Promise<Snapshot | null> {
  const snapshot = await captureCheckpoint(session, settings);
  const healthy = Object.values(snapshot.engines).every((e) => allFinite(e.params) && allFinite(e.m) && allFinite(e.v));
  return healthy ? snapshot : null;
}

/** The step each engine of a snapshot had reached. */
export function snapshotSteps(snapshot: Snapshot): Record<Engine, number> {
  const { gpu, cpu } = snapshot.engines;
  const step = (gpu ?? cpu)!.step;
  return { gpu: gpu?.step ?? step, cpu: cpu?.step ?? step };
}
