// `derive FILE`: checks a hand-derived backward pass (docs/derive.md) on the first batch of the run
// the train command's flags define, at the run's initial parameters; --assignment ID takes the
// model, the activation and the number of hidden layers from a built-in assignment. Exit 0 when
// every checked line is right and nothing required is missing, 1 otherwise (2, through command-line.ts,
// when the command cannot run).
import { readFile } from 'node:fs/promises';
import { Rng } from '../base/rng';
import { UserError } from '../base/errors';
import { gatherRows } from '../data/dataset';
import { BatchSchedule } from '../data/schedule';
import { ASSIGNMENTS, assignmentById, type Assignment } from '../derive/assignments';
import { checkDerivation } from '../derive/check';
import { sameSizedDimensions } from '../derive/dims';
import type { Problem } from '../derive/problem';
import type { DerivationReport, LineReport } from '../derive/report';
import { specTensorShapes } from '../models/build';
import { initParams } from '../train/init';
import { RUN_DEFAULTS } from '../train/run-settings';
import type { CliIo } from './io';
import { runFromFlags } from './train';

/** A derivation is a few dozen lines; a larger file is not one. */
const MAX_FILE_BYTES = 100_000;

export async function deriveCommand(files: string[], flags: Record<string, unknown>, io: CliIo): Promise<number> {
  if (files.length === 0) throw new UserError('derive needs the file of your derivation: npm run cli -- derive FILE [flags]');
  if (files.length > 1) throw new UserError(`unexpected argument '${files[1]}' (derive checks one file)`);
  const file = files[0]!;
  const text = await readDerivation(file);
  const assignment = assignmentFlag(flags);
  const { problem, about } = await problemOfRun(assignment ? withAssignment(flags, assignment) : flags, assignment);
  const report = checkDerivation(text, problem, assignment ? { required: assignment.required } : {});
  const same = sameSizedDimensions(report.layout.dimensions);
  if (flags.json === true) io.out(`${JSON.stringify(asJson(report, about, assignment, same))}\n`);
  else io.out(readable(report, about, same));
  return report.summary.allRight ? 0 : 1;
}

async function readDerivation(file: string): Promise<string> {
  const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a folder' : e.message}`);
  });
  if (bytes.length > MAX_FILE_BYTES) throw new UserError(`${file} is larger than a derivation can be (${MAX_FILE_BYTES} bytes)`);
  return new TextDecoder().decode(bytes);
}

function assignmentFlag(flags: Record<string, unknown>): Assignment | null {
  if (flags.assignment === undefined) return null;
  const a = assignmentById(String(flags.assignment));
  if (!a) throw new UserError(`unknown --assignment '${String(flags.assignment)}' (expected ${ASSIGNMENTS.map((x) => x.id).join(', ')})`);
  return a;
}

/**
 * The flags with the assignment's model, activation and number of hidden layers, refusing flags that
 * contradict them. Without --hidden the widths are the train default's, halved at each deeper layer
 * (32, 16), so that no two hidden layers have the same size.
 */
function withAssignment(flags: Record<string, unknown>, a: Assignment): Record<string, unknown> {
  const out: Record<string, unknown> = { ...flags, model: a.model };
  const kind = a.model === 'mlp' ? 'an MLP' : 'the autoencoder';
  if (flags.model !== undefined && flags.model !== a.model) throw new UserError(`--assignment ${a.id} is ${kind}: drop --model ${String(flags.model)}`);
  if (a.sizes.model !== 'mlp') return out;
  if (a.activation === 'custom' && flags.activation !== undefined)
    throw new UserError(`--assignment ${a.id} takes its activation from your f: drop --activation`);
  if (a.activation !== 'custom' && flags.activation !== undefined && flags.activation !== a.activation) {
    throw new UserError(`--assignment ${a.id} uses ${a.activation}: drop --activation ${String(flags.activation)}`);
  }
  if (a.activation !== 'custom') out.activation = a.activation;
  const layers = a.sizes.hidden.length;
  if (flags.hidden === undefined) out.hidden = Array.from({ length: layers }, (_, i) => Math.max(1, RUN_DEFAULTS.hidden[0]! >> i)).join(',');
  else if (String(flags.hidden).split(',').length !== layers) {
    throw new UserError(
      `--assignment ${a.id} has ${layers} hidden layer${layers > 1 ? 's' : ''}: give --hidden ${layers} width${layers > 1 ? 's' : ''}, e.g. ${a.sizes.hidden.join(',')}`,
    );
  }
  return out;
}

/** The first batch of the run the flags define, at its initial parameters (as the first training step sees them). */
async function problemOfRun(flags: Record<string, unknown>, a: Assignment | null): Promise<{ problem: Problem; about: Record<string, unknown> }> {
  const { plan, data, settings } = await runFromFlags(flags);
  const { spec, batch: B, seed, initScale } = plan;
  const initial = initParams(specTensorShapes(spec), new Rng(seed), initScale);
  const rows = new BatchSchedule(seed, data.train.N, B).rows(0);
  const X = Float64Array.from(gatherRows(data.train, rows));
  const about = { model: spec.kind, dataset: data.train.name, batch: B, seed, assignment: a?.id ?? null };
  if (spec.kind === 'autoencoder') {
    return { problem: { model: 'autoencoder', shape: spec.shape, W: Float64Array.from(initial.W!), X, B }, about: { ...about, code: spec.shape.m } };
  }
  const params = Object.fromEntries(Object.entries(initial).map(([name, v]) => [name, Float64Array.from(v)]));
  const activation = a?.activation === 'custom' ? 'custom' : settings.activation;
  const { D, hidden, C } = spec.shape;
  const labels = Uint32Array.from(rows, (r) => data.train.labels[r]!);
  const network = `MLP ${[D, ...hidden, C].join('-')} ${activation === 'custom' ? 'with your f' : activation}`;
  return { problem: { model: 'mlp', shape: { D, hidden, C }, activation, params, X, labels, B }, about: { ...about, network } };
}

/** The JSON line: every line of the derivation (helpers with verdict "helper"), the summary, the run. */
function asJson(r: DerivationReport, about: Record<string, unknown>, a: Assignment | null, same: string[][]): Record<string, unknown> {
  return {
    lines: r.lines.map(lineJson),
    summary: r.summary,
    ...about,
    assignment: a?.id ?? null,
    dimensions: Object.fromEntries(r.layout.dimensions.map((d) => [d.name, d.size])),
    sameSizedDimensions: same,
    loss: r.bindings?.loss ?? null,
  };
}

function lineJson(l: LineReport): Record<string, unknown> {
  return {
    line: l.line,
    name: l.name,
    kind: l.kind,
    verdict: l.verdict,
    relError: l.relError,
    message: l.message,
    ...(l.column !== undefined ? { column: l.column } : {}),
    ...(l.scale !== undefined ? { scale: l.scale } : {}),
    ...(l.transposed ? { transposed: true } : {}),
    ...(l.rows ? { rows: l.rows } : {}),
    ...(l.inherits ? { inherits: l.inherits } : {}),
  };
}

const LABEL = { right: 'right', wrong: 'WRONG', error: 'ERROR', helper: 'helper' } as const;

/** One line per line of the derivation, then the summary. */
function readable(r: DerivationReport, about: Record<string, unknown>, same: string[][]): string {
  const head = `derive: ${about.network ?? `autoencoder, code ${about.code}`} on the first batch (${about.batch} rows) of ${about.dataset}, seed ${about.seed}${about.assignment ? `, assignment ${about.assignment}` : ''}`;
  const width = Math.max(4, ...r.lines.map((l) => (l.name ?? '').length));
  const lines = r.lines.map((l) => `${String(l.line).padStart(3)}  ${(l.name ?? '?').padEnd(width)}  ${LABEL[l.verdict].padEnd(6)}  ${detail(l)}`);
  const notes = same.map(
    (names) =>
      `note: ${names.join(' = ')} = ${r.layout.dimensions.find((d) => d.name === names[0])!.size}, so a slip between them is a wrong value, not a shape error`,
  );
  return `${[head, ...lines, r.summary.message, ...notes].join('\n')}\n`;
}

/** The message without what the columns already say (the line number, the verdict). */
function detail(l: LineReport): string {
  if (l.verdict === 'error') return l.message.replace(/^line \d+, /, '');
  if (l.verdict === 'right') return l.message.replace(/^right \((.*)\)$/, '$1');
  if (l.verdict === 'wrong' && l.kind === 'gradient') return l.message.replace(/^wrong: /, '');
  return l.message;
}
