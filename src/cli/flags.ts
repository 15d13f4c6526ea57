// Reading numeric and enumerated command-line flags, refusing bad values with one clear line.
import { UserError } from '../base/errors';

/** Why --wrong-derivative is refused with another activation than swish (train and check alike). */
export const WRONG_DERIVATIVE_NEEDS_SWISH = '--wrong-derivative is swish′ σ(v)(2 − σ(v)): it needs --activation swish';

/** An integer flag in [min, max], or `fallback` when absent. */
export function intFlag(flags: Record<string, unknown>, name: string, fallback: number, min = 1, max = 2 ** 31 - 1): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(String(raw).trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UserError(`--${name} must be an integer from ${min} to ${max}, got '${String(raw)}'`);
  }
  return value;
}

/** A list of 1 to `maxLength` integers in [min, max] written "64,32" (the hidden widths), or `fallback` when absent. */
export function intListFlag(
  flags: Record<string, unknown>, name: string, fallback: number[], maxLength: number, min = 1, max = 2 ** 31 - 1,
): number[] {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const entries = String(raw).split(',').map((e) => e.trim());
  const bad = entries.length > maxLength || entries.some((e) => !/^\d+$/.test(e) || Number(e) < min || Number(e) > max);
  if (bad) {
    throw new UserError(`--${name} must be 1 to ${maxLength} comma-separated integers from ${min} to ${max} (one per hidden layer), got '${String(raw)}'`);
  }
  return entries.map(Number);
}

/** A finite number flag in [min, max], or `fallback` when absent. */
export function numberFlag(flags: Record<string, unknown>, name: string, fallback: number, min = -Infinity, max = Infinity): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (String(raw).trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UserError(`--${name} must be a number from ${min} to ${max}, got '${String(raw)}'`);
  }
  return value;
}

/** One of `choices`, or `fallback` when absent. */
export function choiceFlag<T extends string>(flags: Record<string, unknown>, name: string, choices: readonly T[], fallback: T): T {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  if (!choices.includes(raw as T)) {
    throw new UserError(`unknown --${name} '${String(raw)}' (expected ${choices.join(', ')})`);
  }
  return raw as T;
}
