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

/** "0.42 ms", "12 ms", "1.3 s", "53 s", "4.5 min": two significant digits below 10, whole numbers above. */
export function formatDuration(ms: number): string {
  const two = (x: number) => (x >= 10 ? Math.round(x).toString() : x.toPrecision(2));
  if (ms < 999.5) return `${two(ms)} ms`;
  if (ms < 119_500) return `${two(ms / 1000)} s`;
  return `${two(ms / 60_000)} min`;
}
