// Picks, for each dispatch that has alternatives (matmul's entry points), the one that runs fastest
// on this device, by timing them: GPUs differ too much (an H200, a laptop's integrated GPU, a phone)
// for one rule to choose tile shapes well. The choice is remembered per device and problem, so a
// rebuilt model with the same sizes is not timed again, and, given a TuneStore (the page's
// localStorage), per adapter across visits.
import { encodeDispatches, type Dispatch } from './kernel';

/** What the tuner did for one dispatch. */
export interface TuneReport {
  label: string;
  /** The kernel and sizes (Dispatch.tuneKey). */
  key: string;
  /** The entry point kept. */
  chosen: string;
  /**
   * Time per dispatch of each entry point, in ms: the fastest round, wall clock over many dispatches
   * in one submit (a candidate ruled out after one round keeps that round). Empty when remembered.
   */
  ms: Record<string, number>;
}

/**
 * A timed round lasts at least this long: long against a coarse clock (performance.now() is
 * rounded to 0.1–1 ms in browsers) and against the fixed cost of a submit and its wait, which is the
 * same for every candidate and so cannot reorder them.
 */
const ROUND_MS = 5;
const MAX_REPEATS = 4096;
/** Timed rounds, taken in turn across the candidates; each candidate's fastest counts. */
const ROUNDS = 3;
/** Work run before anything is timed, so that an idle GPU's clocks have risen. */
const WARMUP_MS = 20;
/** A candidate this many times slower than the best after the first round is not timed further. */
const HOPELESS = 4;

/** Where choices outlive the device: string keys and values, e.g. the browser's localStorage. */
export interface TuneStore {
  get(key: string): string | null | undefined;
  set(key: string, value: string): void;
}

const remembered = new WeakMap<GPUDevice, Map<string, string>>();
const kept = new WeakMap<GPUDevice, { store: TuneStore; adapter: string }>();

/**
 * Keeps the choices made on `device` in `store` too, and reads those made before on the same
 * adapter: `adapter` names it (describeAdapter: vendor, architecture, device, driver), so a new
 * driver is timed afresh. A choice read back is used only where it is one of the dispatch's own
 * entry points.
 */
export function keepTuningIn(device: GPUDevice, store: TuneStore, adapter: string): void {
  kept.set(device, { store, adapter });
}

/** The entry point timed fastest for `key` on `device` (or on its adapter, before), if any was. */
export function rememberedVariant(device: GPUDevice, key: string): string | undefined {
  const inMemory = remembered.get(device)?.get(key);
  if (inMemory !== undefined) return inMemory;
  const persistent = kept.get(device);
  if (!persistent) return undefined;
  let stored: string | null | undefined;
  try {
    stored = persistent.store.get(`${persistent.adapter} ${key}`);
  } catch {
    return undefined; // storage may be refused (private windows, policies): time again
  }
  if (typeof stored !== 'string' || stored === '') return undefined;
  remember(device, key, stored, false);
  return stored;
}

function remember(device: GPUDevice, key: string, variant: string, persist = true): void {
  let map = remembered.get(device);
  if (!map) remembered.set(device, (map = new Map()));
  map.set(key, variant);
  const persistent = kept.get(device);
  if (!persist || !persistent) return;
  try {
    persistent.store.set(`${persistent.adapter} ${key}`, variant);
  } catch {
    // A full or refused storage only means timing again next visit.
  }
}

/** Forgets every choice made on `device`, and stops keeping them in a store (tests). */
export function forgetTuning(device: GPUDevice): void {
  remembered.delete(device);
  kept.delete(device);
}

/** Time of one submit of `repeats` copies of `d` in one pass, waited for, in ms. */
export async function timeRound(device: GPUDevice, d: Dispatch, repeats: number): Promise<number> {
  const encoder = device.createCommandEncoder({ label: `tune/${d.label}` });
  encodeDispatches(
    encoder,
    Array.from({ length: repeats }, () => d),
    `tune/${d.label}`,
  );
  const commands = encoder.finish();
  const t0 = performance.now();
  device.queue.submit([commands]);
  await device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

/** How many copies of `d` make a round of at least ROUND_MS (doubling from one). */
export async function calibrate(device: GPUDevice, d: Dispatch): Promise<number> {
  let repeats = 1;
  while (repeats < MAX_REPEATS && (await timeRound(device, d, repeats)) < ROUND_MS) repeats *= 2;
  return repeats;
}

/** Stops a tuning that was called off (its AbortSignal): the dispatches' buffers may be gone. */
function checkGoing(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Error('tuning called off');
}

/** Times the candidates against each other (same number of copies per round, rounds in turn). */
async function fastest(device: GPUDevice, candidates: Dispatch[], signal?: AbortSignal): Promise<{ best: Dispatch; ms: Record<string, number> }> {
  // Checked before each submit: a caller's buffers may have been destroyed while this waited.
  for (const c of candidates) {
    checkGoing(signal);
    await timeRound(device, c, 1); // first use of each pipeline: not timed
  }
  checkGoing(signal);
  const repeats = await calibrate(device, candidates[0]!);
  const perDispatch = candidates.map(() => Infinity);
  let alive = candidates.map((_, i) => i);
  for (let round = 0; round < ROUNDS; round++) {
    for (const i of alive) {
      checkGoing(signal);
      perDispatch[i] = Math.min(perDispatch[i]!, (await timeRound(device, candidates[i]!, repeats)) / repeats);
    }
    const best = Math.min(...perDispatch);
    alive = alive.filter((i) => perDispatch[i]! <= HOPELESS * best);
  }
  const bestIndex = perDispatch.indexOf(Math.min(...perDispatch));
  const ms = Object.fromEntries(candidates.map((c, i) => [c.variant ?? 'default', perDispatch[i]!]));
  return { best: candidates[bestIndex]!, ms };
}

/**
 * Replaces each dispatch of `lists` that has alternatives with the fastest of them, in place, and
 * destroys the uniform blocks of the others: a copy of a list taken before this call may hold
 * dispatches that can no longer be encoded. Running the candidates overwrites the dispatches'
 * outputs, so call it before those buffers hold anything that matters (a model's scratch, per-row
 * loss and gradient buffers). `onProgress` hears of each problem as its timing starts (1-based, of
 * the problems not timed before on this device): timing a large model's products takes a while.
 * An aborted `signal` stops it before its next submit, with an error (the list keeps the dispatches
 * it had).
 */
export async function tuneDispatches(
  device: GPUDevice,
  lists: Dispatch[][],
  onProgress?: (current: number, total: number) => void,
  signal?: AbortSignal,
): Promise<TuneReport[]> {
  const reports: TuneReport[] = [];
  const pending = new Set(
    lists
      .flat()
      .filter((d) => d.alternatives && d.tuneKey && rememberedVariant(device, d.tuneKey) === undefined)
      .map((d) => d.tuneKey),
  );
  let started = 0;
  let warm = false;
  for (const list of lists) {
    for (let i = 0; i < list.length; i++) {
      const current = list[i]!;
      if (!current.alternatives || !current.tuneKey) continue;
      const key = current.tuneKey;
      const chosen = rememberedVariant(device, key);
      if (chosen !== undefined) {
        // Timed before: a dispatch bound since then is on the kept entry point already (the kernel's
        // choice reads this same memory); one bound before it (the second product of the same sizes
        // in these lists, or a quick start's) is moved onto it here.
        if (current.variant !== chosen) {
          const others = current.alternatives();
          const match = others.find((d) => d.variant === chosen);
          for (const d of others) if (d !== match) d.uniform.destroy();
          if (match) {
            current.uniform.destroy();
            list[i] = match;
          }
        }
        reports.push({ label: current.label, key, chosen: list[i]!.variant ?? 'default', ms: {} });
        continue;
      }
      onProgress?.(++started, pending.size);
      const candidates = [current, ...current.alternatives()];
      let best = current;
      let ms: Record<string, number> = {};
      try {
        if (!warm) {
          const t0 = performance.now();
          while (performance.now() - t0 < WARMUP_MS) {
            checkGoing(signal);
            await timeRound(device, current, 16);
          }
          warm = true;
        }
        ({ best, ms } = await fastest(device, candidates, signal));
        remember(device, key, best.variant ?? 'default');
      } finally {
        // On an error the list keeps `current`; every other candidate's uniform block goes.
        for (const c of candidates) if (c !== best) c.uniform.destroy();
      }
      list[i] = best;
      reports.push({ label: current.label, key, chosen: best.variant ?? 'default', ms });
    }
  }
  return reports;
}
