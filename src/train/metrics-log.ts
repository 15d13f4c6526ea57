// The per-step metrics of a run, per engine, bounded: a page may train for hours, and the log of the
// recent steps is all that the status line, the CLI's progress and the tests read (the plot thins
// its own copy). One log for every reader, filled from the session's onMetrics.
import type { StepMetrics } from '../kernels/metrics';
import type { EngineId } from './engine';

/** Steps kept per engine by default: an hour's run stays a few MB. */
const DEFAULT_LIMIT = 50_000;

export class MetricsLog {
  private readonly steps: Record<EngineId, StepMetrics[]> = { gpu: [], cpu: [], reference: [] };

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  /** Appends an engine's metrics (in step order); the oldest go past the limit. */
  add(engine: EngineId, metrics: readonly StepMetrics[]): void {
    const kept = this.steps[engine];
    kept.push(...metrics);
    if (kept.length > this.limit) kept.splice(0, kept.length - this.limit);
  }

  /** The kept metrics of an engine, oldest first. */
  of(engine: EngineId): readonly StepMetrics[] {
    return this.steps[engine];
  }

  /** The mean loss of an engine's last `count` steps, or NaN with none. */
  recentLoss(engine: EngineId, count: number): number {
    const last = this.steps[engine].slice(-count);
    return last.length > 0 ? last.reduce((a, m) => a + m.loss, 0) / last.length : NaN;
  }

  /** Forgets each engine's metrics from its step in `steps` on (a restored run trains those again). */
  cutBack(steps: Readonly<Record<EngineId, number>>): void {
    for (const engine of Object.keys(this.steps) as EngineId[]) {
      const kept = this.steps[engine].filter((m) => m.step < steps[engine]);
      this.steps[engine].splice(0, Infinity, ...kept);
    }
  }
}
