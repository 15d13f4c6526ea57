// Save and resume: the whole state of a run (the caller's settings, the model, every engine's
// parameters, optimizer moments and step count, which fix the position in the batch schedule, and
// where a log is given its loss history), captured from a session and put back into one. Each
// engine captures and restores its own state (Engine.capture/restore); the Checkpoint and its file
// format are checkpoint-format.ts, the writer checkpoint-file.ts, the strict reader
// checkpoint-reader.ts. Knows no DOM.
import { UserError } from '../base/errors';
import type { Dataset } from '../data/dataset';
import type { StepMetrics } from '../kernels/metrics';
import type { ModelSpec } from '../models/build';
import { describeMlp } from '../reference/mlp';
import type { Checkpoint, SettingValue } from './checkpoint-format';
import { checkSettings } from './checkpoint-reader';
import type { EngineId, EngineState } from './engine';
import { boundedHistory } from './loss-history';
import type { MetricsLog } from './metrics-log';
import type { Session, SessionConfig } from './session';

/** A settings record as a checkpoint keeps it: flat, a list setting as its text ("32,16", as in the link). */
export function flatSettings(record: Readonly<Record<string, unknown>>): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {};
  for (const [key, value] of Object.entries(record)) out[key] = Array.isArray(value) ? value.join(',') : (value as SettingValue);
  return out;
}

/**
 * The state of `session` once its submitted steps have finished: every engine's, `settings` (the
 * caller's, flat JSON) to rebuild it from, and with `log` each engine's loss history, bounded.
 */
export async function captureCheckpoint(session: Session, settings: Readonly<Record<string, unknown>>, log?: MetricsLog): Promise<Checkpoint> {
  const { config, data } = session;
  const engines: Partial<Record<EngineId, EngineState>> = {};
  for (const engine of session.engines) engines[engine.id] = await engine.capture();
  // Read after the captures, which flush: every step's metrics up to the state have arrived.
  const history: Partial<Record<EngineId, StepMetrics[]>> = {};
  for (const engine of session.engines) {
    const before = log?.of(engine.id).filter((m) => m.step < engines[engine.id]!.step) ?? [];
    if (before.length > 0) history[engine.id] = boundedHistory(before);
  }
  const { name, N, D, classes } = data.train;
  const cp: Checkpoint = {
    settings: flatSettings(settings),
    spec: config.spec,
    batch: config.batch,
    seed: config.seed,
    optimizer: { ...session.optimizer },
    data: { name, N, D, classes },
    engines,
    ...(Object.keys(history).length > 0 ? { history } : {}),
  };
  checkSettings(cp.settings, 'checkpoint', 'settings');
  return cp;
}

/**
 * Continues `session` from `cp` (best in a session just built from the checkpoint's settings): each
 * engine takes its own state from the checkpoint, or another engine's where it has none (then not
 * bit for bit: float32 and float64 differ). Checks first (see checkCheckpointFits) and throws a
 * UserError, with the session unchanged, when the checkpoint does not fit.
 */
export async function restoreCheckpoint(session: Session, cp: Checkpoint): Promise<void> {
  checkCheckpointFits(session, cp);
  for (const engine of session.engines) await engine.restore(stateFor(cp, engine.id), cp.optimizer);
}

/** The state `engine` continues from: its own, or else the first engine's saved. */
function stateFor(cp: Checkpoint, engine: EngineId): EngineState {
  const state = cp.engines[engine] ?? Object.values(cp.engines)[0];
  if (!state) throw new Error('a checkpoint holds at least one engine');
  return state;
}

/** The loss history `engine` continues from: its own, or the first engine's where it continues from that one's state (stateFor); empty without one. */
export function checkpointHistory(cp: Checkpoint, engine: EngineId): readonly StepMetrics[] {
  const own = cp.engines[engine] ? engine : (Object.keys(cp.engines)[0] as EngineId);
  return cp.history?.[own] ?? [];
}

/** The step each engine of a checkpoint had reached (one that did not run: the first one's). */
export function checkpointSteps(cp: Checkpoint): Record<EngineId, number> {
  return { gpu: stateFor(cp, 'gpu').step, cpu: stateFor(cp, 'cpu').step, reference: stateFor(cp, 'reference').step };
}

/**
 * Throws a UserError unless `cp` can continue in `session`: the same model, batch, seed and training
 * data. Changes nothing.
 */
export function checkCheckpointFits(
  session: { config: Pick<SessionConfig, 'spec' | 'batch' | 'seed'>; data: { train: Pick<Dataset, 'name' | 'N' | 'D'> } },
  cp: Checkpoint,
): void {
  const { config, data } = session;
  const problems: string[] = [];
  if (describeSpec(cp.spec) !== describeSpec(config.spec)) {
    problems.push(`it holds ${describeSpec(cp.spec)}, this run has ${describeSpec(config.spec)}`);
  }
  if (cp.batch !== config.batch) problems.push(`its batch size is ${cp.batch}, this run's ${config.batch}`);
  if (cp.seed !== config.seed) problems.push(`its seed is ${cp.seed}, this run's ${config.seed}`);
  const train = data.train;
  if (cp.data.name !== train.name || cp.data.N !== train.N || cp.data.D !== train.D) {
    problems.push(`it was trained on ${cp.data.name} (${cp.data.N}×${cp.data.D}), this run on ${train.name} (${train.N}×${train.D})`);
  }
  if (problems.length > 0) throw new UserError(`the checkpoint does not fit this run: ${problems.join('; ')}`);
}

function describeSpec(spec: ModelSpec): string {
  return spec.kind === 'mlp' ? `an MLP ${describeMlp(spec.shape)}` : `an autoencoder with n=${spec.shape.n}, m=${spec.shape.m}`;
}
