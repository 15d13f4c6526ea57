// One snapshot of the page's state as plain data, read from each part's owner: what the end-to-end
// tests read (window.app.inspect()), instead of a getter per field.
import type { StepMetrics } from '../kernels/metrics';
import type { OptimizerSettings } from '../reference/optimizer';
import type { EngineId } from '../train/engine';
import type { TestMetrics } from '../train/session';
import type { Banners } from './banners';
import type { BuildQueue } from './build-queue';
import type { GradCheckSummary } from './math/math-views';
import type { PcaPoint } from './math/pca-metrics';
import type { Recovery } from './recovery';
import type { RunViews } from './run-views';
import type { PageSettings } from './settings';
import type { StatusLine } from './status-line';
import type { TrainingLoop } from './training-loop';

/** The page's state at one moment, as plain data (what the end-to-end tests read). */
export interface PageInspection {
  step: number;
  running: boolean;
  /** Play was pressed during a build: the run starts when it is ready. */
  startsWhenReady: boolean;
  building: boolean;
  status: string;
  banners: { message: string | null; notice: string | null };
  pcaBound: number | null;
  history: Record<EngineId, readonly StepMetrics[]>;
  evals: ReadonlyArray<TestMetrics & { engine: EngineId }>;
  settings: PageSettings;
  /** The settings the running session was built with. */
  applied: PageSettings | null;
  optimizerInUse: OptimizerSettings | null;
  lossDifference: { steps: readonly number[]; values: ReadonlyArray<number | null> } | null;
  /** What the loss charts run against: the step, or wall-clock seconds in a race. */
  lossAxis: 'step' | 'seconds';
  /** In a race: who reached 95% test accuracy first ("neither yet"); else null. */
  raceResult: string | null;
  gradCheck: GradCheckSummary | null;
  pcaHistory: readonly PcaPoint[] | null;
  /** The GPU engine's step in the last healthy state of the run; null before there is one. */
  snapshot: { gpuStep: number | null } | null;
  diverged: boolean;
  devicesLost: number;
  trainFeatures: number | null;
  /** The last step of each smoothed curve kept for the comparison, by mistake ('none': the correct run; 'derivation': the student's). */
  curveEnds: Record<string, number | undefined>;
  /** The student's derivation the run trains with (the derive card), or null for the built-in backward pass. */
  derivation: string | null;
}

/** The page's state now, from its parts. */
export function inspectPage(
  settings: PageSettings,
  status: StatusLine,
  banners: Banners,
  queue: BuildQueue,
  loop: TrainingLoop,
  views: RunViews,
  recovery: Recovery,
): PageInspection {
  const session = queue.session;
  const snapshot = recovery.snapshots.latest;
  const { log, plot, math, runs } = views;
  return {
    step: session?.step ?? 0,
    running: loop.running,
    startsWhenReady: loop.startsWhenReady,
    building: queue.building,
    status: status.current,
    banners: banners.read(),
    pcaBound: views.pcaBound,
    history: { gpu: log.of('gpu'), cpu: log.of('cpu'), reference: log.of('reference') },
    evals: views.evals,
    settings: settings,
    applied: queue.applied,
    optimizerInUse: session?.optimizer ?? null,
    lossDifference: plot.engineDifference,
    lossAxis: plot.xAxis,
    raceResult: plot.raceResult,
    gradCheck: math?.gradCheck ?? null,
    pcaHistory: math?.pcaHistory ?? null,
    snapshot: snapshot && { gpuStep: snapshot.engines.gpu?.step ?? null },
    diverged: recovery.diverged,
    devicesLost: recovery.devicesLost,
    trainFeatures: session?.data.train.D ?? null,
    curveEnds: Object.fromEntries(Object.entries(runs.curves).map(([key, curve]) => [key, curve?.steps.at(-1)])),
    derivation: session?.config.derivation ?? null,
  };
}
