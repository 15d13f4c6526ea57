// When the page's gradient check runs again while training: every `checkEvery` steps, but no sooner
// than CHECK_SPACING times the last check's own cost after it started, so that checks take at most
// a twentieth of the page's time. A fast engine passes `checkEvery` steps at every refresh of the
// views, where each check (some 60 ms of JavaScript on a small network, seconds on a large one)
// would take the main thread from training for a table that cannot change that fast.

export const CHECK_SPACING = 20;

/** The last check: its step, when it started and how long it took (performance.now() ms). */
export interface LastCheck {
  step: number;
  at: number;
  ms: number;
}

/** Whether a check is due at `step` and time `now`; the first one always is, and `checkEvery` 0 asks for none after it. */
export function checkDue(last: LastCheck | null, step: number, now: number, checkEvery: number): boolean {
  if (last === null) return true;
  return checkEvery > 0 && step - last.step >= checkEvery && now - last.at >= CHECK_SPACING * last.ms;
}
