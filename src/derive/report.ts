// What checking a derivation gives back, line by line and as a whole: the types the CLI prints and a
// page card draws (verdict, heatmap of the wrong entries, the tree with each node's shape), and the
// wording of the verdicts.
import { describeScale, type Comparison } from './compare';
import type { Bindings, Layout } from './bindings';
import type { Shape } from './dims';
import type { Tensor } from './tensor';
import type { Definition, Expr } from './tree';

/** 'helper' for a line whose name has no true value to check against (and for function lines). */
export type Verdict = 'right' | 'wrong' | 'error' | 'helper';

/** A gradient dNAME, a helper tensor, or a function `name(v) = …`. */
export type LineKind = 'gradient' | 'helper' | 'function';

export interface LineReport {
  /** 1-based line in the text. */
  line: number;
  /** The defined name; null when the line does not parse that far. */
  name: string | null;
  kind: LineKind;
  verdict: Verdict;
  /** ‖g − t‖ / ‖t‖ for a checked line that evaluated to finite numbers; else null. */
  relError: number | null;
  /** One sentence for the student (an error starts with "line L, column C: "). */
  message: string;
  /** Where an error points, 1-based. */
  column?: number;
  /** The line is the true tensor times this constant (≠ 1). */
  scale?: number;
  /** The line holds the true tensor transposed. */
  transposed?: true;
  /** Right in some rows only: the wrong rows (from 0) of `total`. */
  rows?: { wrong: number[]; total: number };
  /** Checked lines this one uses that are wrong or in error, with whose true values it would be right. */
  inherits?: string[];
  /** Every name the line reads (tensors, dimensions, functions), once each, in order. */
  dependsOn: string[];
  /** The parsed line (null where it does not parse): the tree a code generator walks. */
  definition: Definition | null;
  /** The shape of the line's value, and of every node of its tree (null where the shapes do not fit). */
  shape: Shape | null;
  shapes: Map<Expr, Shape> | null;
  /** The line's tensor, the true one, and 1 where they differ (for a heatmap); null where not computed. */
  value: Tensor | null;
  truth: Tensor | null;
  wrongMask: Uint8Array | null;
}

export interface DerivationSummary {
  /** Checked lines (gradients, and a custom activation's fprime) by verdict; helpers counted apart. */
  right: number;
  wrong: number;
  errors: number;
  helpers: number;
  /** Required names that no line defines. */
  missing: string[];
  /** No line wrong or in error, and nothing required missing. */
  allRight: boolean;
  message: string;
}

export interface DerivationReport {
  /** The problem's names and shapes. */
  layout: Layout;
  /** Their values and the true gradients; null when there is no forward pass (a custom activation without a usable f). */
  bindings: Bindings | null;
  lines: LineReport[];
  summary: DerivationSummary;
}

/** "2.3e-17". */
export function formatError(e: number): string {
  return e.toExponential(1);
}

/** What kind of wrong a comparison shows, in a few words ('' when it shows nothing particular). */
export function diagnosis(c: Comparison, B: number, name: string): string {
  if (c.nonFinite > 0) return `${c.nonFinite} of ${c.wrongMask.length} entries are NaN or infinite`;
  if (c.zero) return 'it is zero everywhere';
  if (c.scale !== undefined) return describeScale(c.scale, B);
  if (c.transposed) return `it holds the true ${name}, transposed`;
  if (c.rows) {
    const { wrong, total } = c.rows;
    const listed = wrong.length > 8 ? `${wrong.slice(0, 8).join(', ')}, …` : wrong.join(', ');
    return `right in ${total - wrong.length} of ${total} rows; wrong in row${wrong.length > 1 ? 's' : ''} ${listed} (counting from 0)`;
  }
  return '';
}

/** "18 of 20 entries differ": what a wrong line without a particular diagnosis says. */
export function differingEntries(c: Comparison): string {
  return `${c.wrongMask.reduce((n, m) => n + m, 0)} of ${c.wrongMask.length} entries differ`;
}

/** "dW1 (uses dV1)" for a wrong line that inherits, else its name. */
function wrongName(r: LineReport): string {
  return r.inherits ? `${r.name} (uses ${r.inherits.join(', ')})` : (r.name ?? `line ${r.line}`);
}

/** Counts and one sentence over all lines. */
export function summarize(lines: LineReport[], missing: string[]): DerivationSummary {
  const checked = lines.filter((r) => r.verdict !== 'helper');
  const count = (v: LineReport['verdict']) => checked.filter((r) => r.verdict === v).length;
  const right = count('right');
  const wrong = count('wrong');
  const errors = count('error');
  const helpers = lines.length - checked.length;
  const allRight = wrong === 0 && errors === 0 && missing.length === 0;
  const parts: string[] = [];
  const evaluated = right + wrong;
  if (allRight) parts.push(`all ${right} checked line${right === 1 ? ' is' : 's are'} right`);
  else if (evaluated > 0) parts.push(`${right} of ${evaluated} checked line${evaluated === 1 ? '' : 's'} right`);
  else parts.push('no line could be checked');
  if (wrong > 0)
    parts.push(
      `wrong: ${checked
        .filter((r) => r.verdict === 'wrong')
        .map(wrongName)
        .join(', ')}`,
    );
  if (errors > 0)
    parts.push(
      `error${errors > 1 ? 's' : ''} on line${errors > 1 ? 's' : ''} ${checked
        .filter((r) => r.verdict === 'error')
        .map((r) => r.line)
        .join(', ')}`,
    );
  if (missing.length > 0) parts.push(`not defined yet: ${missing.join(', ')}`);
  return { right, wrong, errors, helpers, missing, allRight, message: parts.join('; ') };
}
