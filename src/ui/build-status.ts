// The status line while a model is built and once it is ready: how far its data's download is (MNIST,
// 11 MB, on a first visit), which phase the build is in (a large model takes a while to compile, tune
// and upload), and what a step will cost, with a warning when it is slow enough that training would
// seem to hang.
import type { ModelSpec } from '../models/build';
import type { StepEstimate } from '../models/step-estimate';
import type { BuildPhase, BuildProgress } from '../train/gpu-engine';

/** Steps estimated slower than this get a warning. */
export const SLOW_STEP_MS = 1000;

const PHASES: Record<BuildPhase, string> = {
  compile: 'compiling kernels',
  tune: 'timing kernels',
  upload: 'uploading the data',
  estimate: 'timing a step',
};

/** "Loading MNIST: 4.1 of 11.2 MB (37%)": decimal megabytes; 100% only once every byte is in. */
export function downloadStatus(what: string, loaded: number, total: number): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const percent = total > 0 ? Math.floor((100 * loaded) / total) : 0;
  return `Loading ${what}: ${mb(loaded)} of ${mb(total)} MB (${percent}%)`;
}

/** "Building the model: timing kernels (3 of 12)…". */
export function buildStatus(p: BuildProgress): string {
  const count = p.current !== undefined && p.total ? ` (${p.current} of ${p.total})` : '';
  return `Building the model: ${PHASES[p.phase]}${count}…`;
}

/**
 * The Ready line: the model, what a step costs, and what to press. A slow step's warning comes
 * first, so that it shows even where the status line is cut short.
 */
export function readyStatus(model: string, estimate: StepEstimate | null, kind: ModelSpec['kind'], next: string): string {
  if (!estimate) return `Ready: ${model}. ${next}`;
  const time = formatDuration(estimate.ms);
  if (estimate.ms <= SLOW_STEP_MS) return `Ready: ${model}. About ${time} per step. ${next}`;
  const smaller = kind === 'mlp' ? 'hidden size' : 'code size';
  return `Ready: about ${time} per step at these sizes: try a smaller batch or ${smaller}. ${model[0]!.toUpperCase()}${model.slice(1)}. ${next}`;
}

/** What a smaller run should cost per step: quick enough to watch it learn, its views drawn in a second or two. */
export const SMALLER_TARGET_MS = 30;
/** Sizes a smaller run does not go below (Playground's nets are smaller, but these still learn MNIST). */
const MIN_BATCH = 16;
const MIN_WIDTH = 8;

/** Smaller sizes for a slow run, the estimated cost of a step with them, and how to say them. */
export interface SmallerSizes {
  changes: { batch: number; hidden?: number[]; code?: number };
  ms: number;
  label: string;
}

/**
 * Halves the batch and the widest layers in turn until a step's multiply-adds, scaled from the
 * measured estimate, would cost under SMALLER_TARGET_MS; null when nothing can be halved any more.
 * (A step's fixed cost is left out: the sizes only need to be small enough, not exact.)
 */
export function smallerSizes(spec: ModelSpec, batch: number, estimateMs: number): SmallerSizes | null {
  const widthsOf = (hidden: number[]) => (spec.kind === 'mlp' ? [spec.shape.D, ...hidden, spec.shape.C] : [spec.shape.n, hidden[0]!, spec.shape.n]);
  const macs = (b: number, hidden: number[]) => {
    const w = widthsOf(hidden);
    let sum = 0;
    for (let i = 1; i < w.length; i++) sum += w[i]! * w[i - 1]!;
    return b * sum;
  };
  const start = spec.kind === 'mlp' ? [...spec.shape.hidden] : [spec.shape.m];
  let b = batch;
  let hidden = [...start];
  const cost = () => (estimateMs * macs(b, hidden)) / macs(batch, start);
  for (let turn = 0; cost() > SMALLER_TARGET_MS; turn++) {
    const widest = Math.max(...hidden);
    const canBatch = b > MIN_BATCH;
    const canWidth = widest > MIN_WIDTH;
    if (!canBatch && !canWidth) return null;
    if (canBatch && (turn % 2 === 0 || !canWidth)) b = Math.max(MIN_BATCH, Math.floor(b / 2));
    else hidden = hidden.map((h) => (h === widest ? Math.max(MIN_WIDTH, Math.floor(h / 2)) : h));
  }
  const sizes = spec.kind === 'mlp' ? `hidden ${hidden.join(',')}` : `code ${hidden[0]}`;
  const changes = spec.kind === 'mlp' ? { batch: b, hidden } : { batch: b, code: hidden[0]! };
  return { changes, ms: cost(), label: `batch ${b}, ${sizes}` };
}

/** "0.42 ms", "12 ms", "1.3 s", "53 s", "4.5 min": two significant digits below 10, whole numbers above. */
export function formatDuration(ms: number): string {
  const two = (x: number) => (x >= 10 ? Math.round(x).toString() : x.toPrecision(2));
  if (ms < 999.5) return `${two(ms)} ms`;
  if (ms < 119_500) return `${two(ms / 1000)} s`;
  return `${two(ms / 60_000)} min`;
}
