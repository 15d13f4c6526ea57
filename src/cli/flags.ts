// Reading numeric and enumerated command-line flags, refusing bad values with one clear line.
import { UserError } from '../base/errors';
import type { Activation } from '../reference/activations';
import { MISTAKES, mistakeProblem, type Mistake } from '../reference/mistakes';
import type { Problem } from '../reference/problem';

/**
 * --mistake NAME (default none), with --wrong-derivative as another name for swish-prime; refused
 * with one line when unknown, when the two flags disagree, or when the model cannot make it.
 */
export function mistakeFlag(flags: Record<string, unknown>, model: 'mlp' | 'autoencoder', activation: Activation | null, problem?: Problem): Mistake {
  const raw = flags.mistake;
  const alias = flags['wrong-derivative'] === true;
  if (raw !== undefined && !MISTAKES.includes(String(raw) as Mistake)) {
    throw new UserError(`unknown --mistake '${String(raw)}' (expected ${MISTAKES.join(', ')})`);
  }
  if (alias && raw !== undefined && raw !== 'swish-prime')
    throw new UserError(`--wrong-derivative is --mistake swish-prime: drop one of --wrong-derivative and --mistake ${String(raw)}`);
  const mistake = alias ? 'swish-prime' : ((raw as Mistake | undefined) ?? 'none');
  const refused = mistakeProblem(mistake, model, activation, problem);
  if (refused) throw new UserError(`${alias ? '--wrong-derivative' : '--mistake'}: ${refused}`);
  return mistake;
}

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
export function intListFlag(flags: Record<string, unknown>, name: string, fallback: number[], maxLength: number, min = 1, max = 2 ** 31 - 1): number[] {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const entries = String(raw)
    .split(',')
    .map((e) => e.trim());
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

/**
 * `--lr -1` as `--lr=-1`: Node's parser takes a value that starts with '-' for a flag and refuses it
 * as ambiguous; a negative number after a flag that takes a value is that flag's value (its range
 * check then says what is allowed).
 */
export function joinNegativeNumbers(argv: readonly string[], takesValue: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg.startsWith('--') && !arg.includes('=') && takesValue(arg.slice(2)) && next !== undefined && /^-(\d|\.\d|Infinity\b)/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
