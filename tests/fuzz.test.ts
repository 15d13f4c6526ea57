// Fuzzing every parser of outside input (the URL hash, .csv, .npy, a dropped file, a checkpoint)
// with a few hundred inputs each, generated from a seed: truncations, bit flips, spliced hostile
// tokens, wrong shapes, NaN and Inf, huge headers and dimensions, random bytes, deep or huge JSON.
// Each input must parse to a valid result or be refused with a one-line UserError, quickly; any
// other exception (a TypeError or RangeError from inside) is a bug in the parser.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/data/csv';
import type { Dataset } from '../src/data/dataset';
import { parseNpy } from '../src/data/npy';
import { writeNpy } from '../src/data/npy-write';
import { parseUserFile } from '../src/data/user-file';
import { UserError } from '../src/base/errors';
import { DEFAULT_OPTIMIZER } from '../src/reference/optimizer';
import { captureCheckpoint } from '../src/train/checkpoint';
import { serializeCheckpoint } from '../src/train/checkpoint-file';
import type { Checkpoint } from '../src/train/checkpoint-format';
import { parseCheckpoint } from '../src/train/checkpoint-reader';
import { Rng } from '../src/base/rng';
import { Session } from '../src/train/session';
import { CHOICES, decodeHash, DEFAULTS, RANGES } from '../src/ui/settings';
import { LIST_LENGTHS } from '../src/train/run-settings';

/** Inputs per parser; FUZZ_CASES=5000 for a longer search. */
const CASES = Number(process.env.FUZZ_CASES ?? 300);
/** Per input; the slowest parse so far takes a few milliseconds. */
const MAX_MS = 1000;

interface Tally {
  parsed: number;
  refused: number;
  slowestMs: number;
}

/** Runs one input: a valid result goes to `check`, a UserError must be one short line, anything else fails. */
function attempt<T>(tally: Tally, label: string, parse: () => T, check: (result: T) => void): void {
  const started = performance.now();
  let result: T;
  try {
    result = parse();
  } catch (error) {
    const ms = performance.now() - started;
    tally.slowestMs = Math.max(tally.slowestMs, ms);
    if (!(error instanceof UserError)) {
      const e = error as Error;
      throw new Error(`${label}: ${e?.name ?? typeof e} escaped the parser: ${String(e?.message).slice(0, 200)}`);
    }
    expect(error.message, label).toMatch(/\S/);
    expect(error.message, label).not.toMatch(/[\n\r]/);
    expect(error.message.length, `${label}: ${error.message.slice(0, 200)}…`).toBeLessThan(400);
    tally.refused++;
    return;
  }
  tally.slowestMs = Math.max(tally.slowestMs, performance.now() - started);
  check(result);
  tally.parsed++;
}

function finish(tally: Tally, name: string): void {
  console.info(`${name}: ${tally.parsed} parsed, ${tally.refused} refused, slowest ${tally.slowestMs.toFixed(1)} ms`);
  expect(tally.parsed + tally.refused).toBe(CASES);
  expect(tally.refused).toBeGreaterThan(0);
  expect(tally.slowestMs).toBeLessThan(MAX_MS);
}

const newTally = (): Tally => ({ parsed: 0, refused: 0, slowestMs: 0 });

const HOSTILE_TOKENS = [
  'NaN',
  'nan',
  '-inf',
  'Infinity',
  '1e999',
  '-1e999',
  '1e-999',
  '-0',
  '0x10',
  '1_000',
  '١٢',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '((((((((',
  '))))',
  '[[[[',
  '{',
  '}',
  "'",
  '"',
  '\\',
  ',,,,',
  '\r',
  '\n',
  '\r\n',
  ' ',
  '\t',
  '9'.repeat(400),
  '4294967296',
  '9007199254740993',
  '-1',
  '1L',
  'True',
  'False',
  'None',
  '%',
  '%zz',
  '%E0%A4%A',
  '&',
  '=',
  '#',
  '__proto__',
  'constructor',
  'prototype',
  '<script>',
  'é',
  '😀',
];

/** Applies one to three random edits: truncate, flip bits, splice a hostile token, delete, duplicate, random bytes. */
function mutateBytes(rng: Rng, input: Uint8Array): Uint8Array {
  let bytes: Uint8Array = input.slice();
  const edits = 1 + rng.int(3);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(bytes.length + 1);
    switch (rng.int(7)) {
      case 0:
        bytes = bytes.slice(0, at);
        break;
      case 1:
        for (let k = 0, n = 1 + rng.int(8); k < n && bytes.length > 0; k++) bytes[rng.int(bytes.length)]! ^= 1 << rng.int(8);
        break;
      case 2: {
        const token = new TextEncoder().encode(HOSTILE_TOKENS[rng.int(HOSTILE_TOKENS.length)]!);
        bytes = concat(bytes.slice(0, at), token, bytes.slice(at + rng.int(3)));
        break;
      }
      case 3:
        bytes = concat(bytes.slice(0, at), bytes.slice(at + 1 + rng.int(16)));
        break;
      case 4:
        bytes = concat(bytes.slice(0, at), bytes.slice(at, at + 1 + rng.int(64)), bytes.slice(at));
        break;
      case 5:
        bytes = concat(bytes.slice(0, at), randomBytes(rng, 1 + rng.int(32)), bytes.slice(at));
        break;
      default:
        if (bytes.length > 0) bytes[rng.int(bytes.length)] = [0, 0xff, 0x7f, 0x80, 0x2c, 0x0a][rng.int(6)]!;
    }
  }
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function randomBytes(rng: Rng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

/** encodeURIComponent, or the raw text where it refuses (a lone surrogate). */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

const utf8 = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;

/** A random table as CSV text, sometimes with a header, odd separators, blank lines or hostile cells. */
function randomCsv(rng: Rng): string {
  const rows = 1 + rng.int(30);
  const cols = 1 + rng.int(6);
  const sep = pick(rng, [',', ', ', ' , ', ' ', '\t', ';']);
  const eol = pick(rng, ['\n', '\r\n', '\r']);
  const lines: string[] = [];
  if (rng.next() < 0.3) lines.push(Array.from({ length: cols }, (_, c) => `col${c}`).join(sep));
  if (rng.next() < 0.02) lines.push('h'.repeat(200_000)); // a huge header line
  for (let r = 0; r < rows; r++) {
    const cells = Array.from({ length: cols + (rng.next() < 0.05 ? 1 : 0) }, () => {
      const u = rng.next();
      if (u < 0.03) return pick(rng, HOSTILE_TOKENS);
      if (u < 0.5) return String(rng.int(5));
      if (u < 0.9) return String(rng.normal() * 10 ** rng.int(12));
      return (rng.normal() * 1e38).toExponential();
    });
    lines.push(cells.join(sep));
    if (rng.next() < 0.05) lines.push('');
  }
  return lines.join(eol) + (rng.next() < 0.5 ? eol : '');
}

/** A random .npy file: mostly well formed, with random dtypes, shapes, header lengths and values. */
function randomNpy(rng: Rng): Uint8Array {
  const rows = 1 + rng.int(6);
  const cols = 1 + rng.int(6);
  const values = Float64Array.from({ length: rows * cols }, () => (rng.next() < 0.03 ? pick(rng, [NaN, Infinity, -Infinity, 1e300]) : rng.normal()));
  if (rng.next() < 0.4) return rng.next() < 0.5 ? writeNpy(values, [rows, cols]) : writeNpy(Float32Array.from(values), [rows, cols]);
  const descr = pick(rng, ['<f4', '<f8', '>f4', '<i4', '|u1', '<f2', 'O', '', "<f4', 'x': '", '<f8\\n']);
  const dims = pick(rng, [
    `(${rows}, ${cols})`,
    `(${rows},)`,
    '()',
    `(${rows}, ${cols}, 1)`,
    '(0, 3)',
    '(9007199254740993, 1)',
    `(${2 ** 31}, ${2 ** 31})`,
    '(4294967296, 4294967296)',
    '(-1, 2)',
    `(${'9'.repeat(50)}, 1)`,
    '(1, 2',
    `((${rows}, ${cols}))`,
    `(${rows}L, ${cols}L)`,
    '[2, 3]',
    `(${'1, '.repeat(5000)}1)`,
  ]);
  const fortran = pick(rng, ['False', 'True', 'false', '0', "'False'"]);
  const extra = rng.next() < 0.1 ? `'x${'y'.repeat(rng.int(70000))}': ${pick(rng, ['1', "'a'", '(1,)'])}, ` : '';
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${dims}, ${extra}}`;
  const version = pick(rng, [1, 1, 1, 2, 3, 0, 4]);
  const prefix = version === 1 || version === 0 || version === 4 ? 10 : 12;
  const header = new TextEncoder().encode(`${dict + ' '.repeat(rng.int(64))}\n`);
  const itemBytes = descr === '<f4' ? 4 : 8;
  const body = new Uint8Array(Math.max(0, rows * cols * itemBytes + pick(rng, [0, 0, 0, -1, 4, -8])));
  const view = new DataView(body.buffer);
  for (let i = 0; i < rows * cols && (i + 1) * itemBytes <= body.length; i++) {
    if (itemBytes === 4) view.setFloat32(i * 4, values[i]!, true);
    else view.setFloat64(i * 8, values[i]!, true);
  }
  const out = concat(new Uint8Array(prefix), header, body);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const claimed = rng.next() < 0.9 ? header.length : pick(rng, [0, 1, 0xffff, header.length + 1, 2 ** 31]);
  if (prefix === 10) new DataView(out.buffer).setUint16(8, claimed & 0xffff, true);
  else new DataView(out.buffer).setUint32(8, claimed, true);
  return out;
}

function checkTable(t: { rows: number; cols: number; data: Float64Array }, inputBytes: number): void {
  expect(t.rows).toBeGreaterThan(0);
  expect(t.cols).toBeGreaterThan(0);
  expect(t.data.length).toBe(t.rows * t.cols);
  expect(t.data.length).toBeLessThanOrEqual(inputBytes); // no allocation beyond the input's size
  expect(t.data.every(Number.isFinite)).toBe(true);
}

function checkDataset(d: Dataset, inputBytes: number): void {
  expect(d.N).toBeGreaterThan(0);
  expect(d.D).toBeGreaterThan(0);
  expect(d.X.length).toBe(d.N * d.D);
  expect(d.X.length).toBeLessThanOrEqual(inputBytes);
  expect(d.labels.length).toBe(d.N);
  expect(d.X.every(Number.isFinite)).toBe(true);
  expect(d.classes).toBeGreaterThanOrEqual(1);
  expect(d.classes).toBeLessThanOrEqual(1000);
  expect(d.labels.every((l) => l < d.classes)).toBe(true);
}

describe('fuzzing the parsers of outside input', () => {
  it('decodeHash: every link gives valid settings and one message per problem, never an exception', () => {
    const rng = new Rng(1);
    const tally = newTally();
    const keys = [...Object.keys(DEFAULTS), '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'LR', 'lr ', 'a'.repeat(300)];
    const good = '#model=autoencoder&dataset=blobs&hidden=12&lr=0.05&seed=7&optimizer=momentum&nesterov=true';
    for (let i = 0; i < CASES; i++) {
      let hash: string;
      if (i % 3 === 0) {
        hash = utf8(mutateBytes(rng, new TextEncoder().encode(good)));
      } else {
        const pairs = Array.from({ length: rng.int(12) }, () => {
          const key = pick(rng, keys);
          const u = rng.next();
          const value =
            u < 0.3
              ? pick(rng, HOSTILE_TOKENS)
              : u < 0.6
                ? String(rng.normal() * 10 ** rng.int(8))
                : pick(rng, [...Object.values(CHOICES).flat(), 'true', 'false', '']);
          return rng.next() < 0.1 ? key : `${encode(key)}=${rng.next() < 0.8 ? encode(value) : value}`;
        });
        hash = (rng.next() < 0.8 ? '#' : '') + pairs.join(pick(rng, ['&', '&&', ';', '&amp;']));
        if (rng.next() < 0.05) hash += '&seed=1'.repeat(700);
      }
      attempt(
        tally,
        `hash ${JSON.stringify(hash.slice(0, 80))}`,
        () => {
          const r = decodeHash(hash);
          if (r.problems.length > 0) throw new UserError(r.problems[0]!); // count refusals; the settings are still checked below
          return r;
        },
        () => {},
      );
      const { settings, problems } = decodeHash(hash);
      expect(Object.keys(settings).sort()).toEqual(Object.keys(DEFAULTS).sort());
      expect(Object.getPrototypeOf(settings)).toBe(Object.prototype);
      for (const [key, value] of Object.entries(settings)) {
        const range = RANGES[key];
        if (Array.isArray(value)) {
          const [min, max] = LIST_LENGTHS[key]!;
          expect(value.length).toBeGreaterThanOrEqual(min);
          expect(value.length).toBeLessThanOrEqual(max);
          for (const entry of value) {
            if (range) expect(entry >= range.min && entry <= range.max && (!range.int || Number.isInteger(entry)), String(entry)).toBe(true);
            else expect(CHOICES[key]).toContain(entry);
          }
        } else if (range) {
          expect(value).toBeGreaterThanOrEqual(range.min);
          expect(value).toBeLessThanOrEqual(range.max);
          if (range.int) expect(Number.isInteger(value)).toBe(true);
        } else if (CHOICES[key]) {
          expect(CHOICES[key]).toContain(value);
        } else {
          expect(typeof value).toBe('boolean');
        }
      }
      expect(settings.dataset).not.toBe('file');
      for (const p of problems) expect(p.length).toBeLessThan(200);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    finish(tally, 'decodeHash');
  });

  it('parseCsv: a valid table or a UserError', () => {
    const rng = new Rng(2);
    const tally = newTally();
    for (let i = 0; i < CASES; i++) {
      const source = randomCsv(rng);
      const text = i % 2 === 0 ? source : utf8(mutateBytes(rng, new TextEncoder().encode(source)));
      attempt(
        tally,
        `csv ${JSON.stringify(text.slice(0, 60))}`,
        () => parseCsv(text, 'f.csv'),
        (t) => checkTable(t, text.length),
      );
    }
    finish(tally, 'parseCsv');
  });

  it('parseNpy: a valid array or a UserError', () => {
    const rng = new Rng(3);
    const tally = newTally();
    for (let i = 0; i < CASES; i++) {
      const source = randomNpy(rng);
      const bytes = i % 3 === 0 ? mutateBytes(rng, source) : i % 3 === 1 ? source : randomBytes(rng, rng.int(200));
      // sometimes a view into a larger buffer, as a File's bytes may be
      const input = rng.next() < 0.2 ? concat(new Uint8Array(3), bytes).subarray(3) : bytes;
      attempt(
        tally,
        `npy #${i}`,
        () => parseNpy(input, 'f.npy'),
        (a) => checkTable({ rows: a.shape[0], cols: a.shape[1], data: a.data }, input.length),
      );
    }
    finish(tally, 'parseNpy');
  });

  it('parseUserFile: a valid dataset or a UserError', () => {
    const rng = new Rng(4);
    const tally = newTally();
    const names = ['a.csv', 'a.npy', 'A.CSV', 'b.NPY', 'noext', 'x.txt', '.csv', 'a.b.npy', 'csv', 'a.csv.exe', ''];
    for (let i = 0; i < CASES; i++) {
      const csv = rng.next() < 0.5;
      let bytes = csv ? new TextEncoder().encode(randomCsv(rng)) : randomNpy(rng);
      if (rng.next() < 0.4) bytes = mutateBytes(rng, bytes);
      const name = rng.next() < 0.8 ? (csv ? 'data.csv' : 'data.npy') : pick(rng, names);
      const labelled = rng.next() < 0.6;
      attempt(
        tally,
        `file ${name} #${i}`,
        () => parseUserFile(bytes, name, { labelled }),
        (d) => checkDataset(d, bytes.length),
      );
    }
    finish(tally, 'parseUserFile');
  });

  it('parseCheckpoint: a checkpoint that round-trips, or a UserError', async () => {
    const rng = new Rng(6);
    const tally = newTally();
    const N = 40;
    const data = {
      name: 'random',
      X: Float32Array.from({ length: N * 3 }, () => rng.normal()),
      labels: Uint32Array.from({ length: N }, () => rng.int(3)),
      N,
      D: 3,
      classes: 3,
    };
    const session = await Session.create(
      {
        spec: { kind: 'mlp', shape: { D: 3, hidden: [4], C: 3 } },
        batch: 8,
        optimizer: { ...DEFAULT_OPTIMIZER, kind: 'adam' },
        seed: 2,
        initScale: 1,
        engines: ['reference'],
      },
      { train: data },
      null,
    );
    session.run(7, Infinity);
    const good = serializeCheckpoint(await captureCheckpoint(session, { model: 'mlp', lr: 0.01 }));
    const doc = JSON.parse(good);
    const paths = jsonPaths(doc);
    const HOSTILE_JSON = [
      'null',
      'true',
      '-1',
      '0',
      '1.5',
      '4294967296',
      '1e999',
      '-1e999',
      '1e308',
      '""',
      '"x"',
      `"${'A'.repeat(100000)}"`,
      '[]',
      '{}',
      '[1,2]',
      `${'['.repeat(100000)}${']'.repeat(100000)}`,
      `${'{"a":'.repeat(50000)}1${'}'.repeat(50000)}`,
      `[${'0,'.repeat(100000)}0]`,
      '{"__proto__": {"polluted": 1}}',
      '"float16"',
      '"mlp"',
      '[4294967295, 4294967295]',
      '[1e300, 1e300]',
      '"AAAA"',
      '"////////"',
      '"AAA="',
      '"AA=="',
    ];
    for (let i = 0; i < CASES; i++) {
      let text: string;
      const u = i % 4;
      if (u === 0) {
        text = utf8(mutateBytes(rng, new TextEncoder().encode(good)));
      } else if (u === 1 || u === 2) {
        const copy = structuredClone(doc);
        const path = pick(rng, paths);
        if (rng.next() < 0.15) {
          deleteAt(copy, path);
          text = JSON.stringify(copy);
        } else {
          setAt(copy, path, '__FUZZ__');
          text = JSON.stringify(copy).replace('"__FUZZ__"', () => pick(rng, HOSTILE_JSON));
        }
      } else if (rng.next() < 0.5) {
        text = utf8(randomBytes(rng, rng.int(300)));
      } else {
        text = good.slice(0, rng.int(good.length));
      }
      const input = rng.next() < 0.5 ? text : new TextEncoder().encode(text);
      attempt(
        tally,
        `checkpoint #${i}`,
        () => parseCheckpoint(input, 'run.json'),
        (cp) => checkCheckpoint(cp),
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => parseCheckpoint(' '.repeat(257 * 2 ** 20), 'big.json')).toThrow(/MiB, more than a checkpoint can be/);
    finish(tally, 'parseCheckpoint');
  });
});

function checkCheckpoint(cp: Checkpoint): void {
  const again = parseCheckpoint(serializeCheckpoint(cp), 'again.json');
  expect(again).toEqual(cp);
  for (const state of Object.values(cp.engines)) {
    for (const part of [state.params, state.m, state.v]) {
      for (const t of Object.values(part)) expect(t.every(Number.isFinite)).toBe(true);
    }
  }
}

type Path = Array<string | number>;

/** Every path into a small JSON document (its own nodes, not the fuzzed ones). */
function jsonPaths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...jsonPaths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...jsonPaths(v, [...prefix, k]));
  return out;
}

function parentOf(doc: unknown, path: Path): Record<string | number, unknown> {
  let node = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  return node;
}

function setAt(doc: unknown, path: Path, value: unknown): void {
  parentOf(doc, path)[path.at(-1)!] = value;
}

function deleteAt(doc: unknown, path: Path): void {
  const parent = parentOf(doc, path);
  if (Array.isArray(parent)) parent.splice(path.at(-1) as number, 1);
  else delete parent[path.at(-1)!];
}
