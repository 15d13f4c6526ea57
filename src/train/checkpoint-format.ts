// What a checkpoint holds and how its file is laid out, shared by capture and restore (checkpoint.ts),
// the writer (checkpoint-file.ts) and the strict reader (checkpoint-reader.ts): a leaf that imports
// none of them, so that they import one another in one direction only.
//
// The JSON file (version 4):
//   { "format": "webgpu-backprop checkpoint", "version": 4,
//     "settings": { flat object of strings, numbers, booleans, null: the caller's, passed through; a list
//        setting as its text, "hidden": "32,16" },
//     "spec": { "kind": "mlp", "shape": { "D", "hidden": [H1, …], "C"[, "activation"][, "problem"] } } (no activation:
//        swish; no problem: classification, else "regression" with C = 1, which the builds before it refuse
//        as an unexpected key rather than misread, so it needed no new version; version 1, before deeper
//        networks, had "H" for its one hidden layer and is still read)
//        or { "kind": "autoencoder", "shape": { "n", "m" } },
//     "batch": B, "seed": s, "optimizer": { kind, lr, momentum, nesterov, beta1, beta2, eps, weightDecay[, l1] }
//        (l1 only where it is not 0, so that a run without L1 stays readable by the builds before it;
//        the settings likewise leave out activation, l1, testShare, features and mistake at their defaults:
//        run-settings.ts savedSettings, so the settings come back as the caller's with those left unsaid),
//     "data": { "name", "N", "D", "classes" }: the training set the schedule permutes (on a user's file,
//        its rows less the test share held out: version 3; before it, a run on a user's file trained on
//        every row, and its settings read with testShare 0),
//     "engines": { any of "gpu", "cpu-f32" (the float32 CPU engine), "cpu" (the float64 reference), keys
//        that ENGINE_KEYS maps to the engine ids: { "step": steps done, "optimizerStep": t,
//        "params" | "m" | "v": { tensor name: { "dtype": "float32" | "float64", "shape": [...], "data": base64 } } } },
//     "history" (optional, version 4): { an engine key of "engines": { "step": [...], "loss": [...],
//        "accuracy": [...] } }: its per-step training metrics before its step, oldest first, as columns of
//        equal length: the last 1,000 steps whole and older ones thinned (loss-history.ts), for the
//        loss plot and the status line's average of a resumed run; absent where nothing was logged
//        (files before version 4 have none, and load with an empty plot) }
// Tensor data is base64 of the little-endian IEEE bytes, row-major: exact (a float32 run resumes bit
// for bit), a third larger than the raw bytes, and np.frombuffer(base64.b64decode(d), '<f4') reads it.
// The GPU and CPU engines save float32, the reference float64. `step` fixes the data order: the schedule
// draws each epoch's permutation from (seed, epoch), so step and seed give the next batch.
import type { StepMetrics } from '../kernels/metrics';
import type { ModelSpec } from '../models/build';
import type { OptimizerSettings } from '../reference/optimizer';
import type { EngineId, EngineState } from './engine';

/** A setting as a checkpoint keeps it: flat JSON, a list setting as its text. */
export type SettingValue = string | number | boolean | null;

/** Everything needed to continue a run exactly where it stopped. */
export interface Checkpoint {
  /** The caller's settings (the page's), passed through untouched: a flat JSON object. */
  settings: Record<string, SettingValue>;
  spec: ModelSpec;
  batch: number;
  seed: number;
  optimizer: OptimizerSettings;
  /** The training set whose permutations the schedule draws. */
  data: { name: string; N: number; D: number; classes: number };
  /** One state per engine that ran; at least one. */
  engines: Partial<Record<EngineId, EngineState>>;
  /** Each engine's per-step metrics before its step, bounded (loss-history.ts); absent in files before version 4. */
  history?: Partial<Record<EngineId, StepMetrics[]>>;
}

/** The file's "format" field, which tells a checkpoint from any other JSON. */
export const CHECKPOINT_FORMAT = 'webgpu-backprop checkpoint';
/** The version written; the reader also takes versions 1 to 3. */
export const CHECKPOINT_VERSION = 4;
/** Most points of one engine's history the reader takes (the page writes at most 4,000). */
export const MAX_HISTORY_POINTS = 100_000;
/** Largest checkpoint file accepted, in characters (the biggest page model with both engines is ~110 MB). */
export const MAX_CHECKPOINT_CHARS = 256 * 2 ** 20;
/**
 * Each engine's key in the file; the float64 reference's is "cpu", its name when version 1 was made,
 * so the float32 CPU engine's is "cpu-f32". The one place where file keys and engine ids meet: the
 * writer, the .npy names and the reader all go through it.
 */
export const ENGINE_KEYS: Readonly<Record<EngineId, string>> = { gpu: 'gpu', cpu: 'cpu-f32', reference: 'cpu' };
/** The tensors each engine saves: parameters and the optimizer's two moments. */
export const PARTS = ['params', 'm', 'v'] as const;
