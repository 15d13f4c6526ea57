// A run's loss history as a run file keeps it: each engine's per-step metrics, bounded so that an
// hours-long run stays a small file — the last steps whole (what the status line's average and the
// plot's smoothing read), the older ones thinned to every 2^k-th step, as the plot thins its own.
import type { StepMetrics } from '../kernels/metrics';

/** Points a run file keeps per engine, at most. */
export const HISTORY_POINTS = 4000;
/** The last steps kept whole. */
export const HISTORY_RECENT = 1000;

/**
 * A copy of `steps` (in step order) of at most `max` points: all of them where they fit, else the
 * last `recent` whole and, before them, the steps on the smallest power-of-two stride that fits.
 */
export function boundedHistory(steps: readonly StepMetrics[], max = HISTORY_POINTS, recent = HISTORY_RECENT): StepMetrics[] {
  if (steps.length <= max) return steps.map((m) => ({ ...m }));
  const tail = steps.slice(-recent);
  const head = steps.slice(0, steps.length - recent);
  const room = max - tail.length;
  if (room <= 0) return steps.slice(-max).map((m) => ({ ...m }));
  let stride = 2;
  while (head.filter((m) => m.step % stride === 0).length > room) stride *= 2;
  return [...head.filter((m) => m.step % stride === 0), ...tail].map((m) => ({ ...m }));
}
