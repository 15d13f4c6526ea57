// The CSV parser and the table-to-dataset step (labelled and unlabelled), including the
// extension dispatch and UTF-8 check of parseUserFile.

import { describe, expect, it } from 'vitest';
import { UserError } from '../src/base/errors';
import { parseCsv } from '../src/data/csv';
import { labelsAsTargets } from '../src/data/dataset';
import { datasetFromTable, parseUserFile, UserFileSource } from '../src/data/user-file';
import { Rng } from '../src/base/rng';
import { expectUserError } from './user-error';

function table(rows: number[][]): { rows: number; cols: number; data: Float64Array } {
  return { rows: rows.length, cols: rows[0]?.length ?? 0, data: Float64Array.from(rows.flat()) };
}

describe('parseCsv on good files', () => {
  it('reads rows of numbers in every common notation', () => {
    const { rows, cols, data } = parseCsv('1,2.5,-3\n.5,1e-3,+2.5E+2\n0,-0.0,7.\n', 'a.csv');
    expect([rows, cols]).toEqual([3, 3]);
    expect(Array.from(data)).toEqual([1, 2.5, -3, 0.5, 0.001, 250, 0, -0, 7]);
  });

  it('round-trips random values written with full precision', () => {
    const rng = new Rng(5);
    const values = Array.from({ length: 40 }, () => rng.normal() * 10 ** rng.int(8));
    const text = Array.from({ length: 10 }, (_, r) => values.slice(r * 4, r * 4 + 4).join(',')).join('\n');
    expect(Array.from(parseCsv(text, 'r.csv').data)).toEqual(values);
  });

  it('skips one header line without numbers', () => {
    const { rows, cols, data } = parseCsv('x, y, label\n1, 2, 0\n3, 4, 1\n', 'h.csv');
    expect([rows, cols]).toEqual([2, 3]);
    expect(Array.from(data)).toEqual([1, 2, 0, 3, 4, 1]);
  });

  it('allows whitespace around cells and commas, blank lines, tabs and a BOM', () => {
    const { rows, cols, data } = parseCsv('\uFEFF\n  1 ,\t2  \n\n   \n3,4\n\n', 'w.csv');
    expect([rows, cols]).toEqual([2, 2]);
    expect(Array.from(data)).toEqual([1, 2, 3, 4]);
  });

  it('reads CRLF and CR line endings', () => {
    expect(Array.from(parseCsv('a,b\r\n1,2\r\n3,4\r\n', 'crlf.csv').data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(parseCsv('1,2\r3,4', 'cr.csv').data)).toEqual([1, 2, 3, 4]);
  });

  it('reads a single column and space-separated values', () => {
    expect(parseCsv('1\n2\n3', 'c.csv')).toMatchObject({ rows: 3, cols: 1 });
    expect(Array.from(parseCsv('1 2\n3  4', 's.csv').data)).toEqual([1, 2, 3, 4]);
  });
});

describe('parseCsv refuses', () => {
  it('ragged rows, naming the line', () => {
    expectUserError(() => parseCsv('h1,h2,h3\n1,2,3\n\n4,5\n', 'data.csv'), /^data\.csv line 4: expected 3 numbers, found 2$/);
  });

  it('text in a cell, naming line and column', () => {
    expectUserError(() => parseCsv('1,2\n3,abc\n', 'd.csv'), /^d\.csv line 2, column 2: "abc" is not a number$/);
    expectUserError(() => parseCsv('1,2\n0x10,3\n', 'd.csv'), /line 2, column 1: "0x10" is not a number/);
  });

  it('a second header line', () => {
    expectUserError(() => parseCsv('a,b\nc,d\n1,2\n', 'd.csv'), /line 2, column 1: "c" is not a number/);
  });

  it('empty cells', () => {
    expectUserError(() => parseCsv('1,2\n3,,4\n', 'e.csv'), /line 2: expected 2 numbers, found 3/);
    expectUserError(() => parseCsv('1,,2\n', 'e.csv'), /line 1, column 2: empty cell/);
  });

  it('NaN and infinite values', () => {
    expectUserError(() => parseCsv('1,2\n3,NaN\n', 'n.csv'), /^n\.csv line 2, column 2: NaN is not allowed/);
    expectUserError(() => parseCsv('1,-inf\n', 'n.csv'), /line 1, column 2: -inf is not allowed/);
    expectUserError(() => parseCsv('1,Infinity\n', 'n.csv'), /line 1, column 2: Infinity is not allowed/);
    expectUserError(() => parseCsv('1e999,1\n', 'n.csv'), /line 1, column 1: "1e999" is too large/);
  });

  it('files with no data rows', () => {
    expectUserError(() => parseCsv('', 'empty.csv'), /^empty\.csv: no rows of numbers found$/);
    expectUserError(() => parseCsv('\n \r\n', 'blank.csv'), /no rows of numbers/);
    expectUserError(() => parseCsv('a,b,c\n', 'header.csv'), /no rows of numbers/);
  });
});

describe('datasetFromTable', () => {
  it('takes the last column as the label when labelled', () => {
    const ds = datasetFromTable(
      table([
        [0.5, 1, 2],
        [3, 4, 0],
        [5, 6, 2],
      ]),
      'l.csv',
      { labelled: true },
    );
    expect(ds).toMatchObject({ name: 'l.csv', N: 3, D: 2, classes: 3 });
    expect(Array.from(ds.X)).toEqual([0.5, 1, 3, 4, 5, 6]);
    expect(Array.from(ds.labels)).toEqual([2, 0, 2]);
  });

  it('keeps every column as a feature when unlabelled', () => {
    const ds = datasetFromTable(
      table([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      'u.csv',
      { labelled: false },
    );
    expect(ds).toMatchObject({ N: 2, D: 3, classes: 1 });
    expect(Array.from(ds.X)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(ds.labels)).toEqual([0, 0]);
  });

  it('refuses negative and non-integer labels, naming the row', () => {
    expectUserError(
      () =>
        datasetFromTable(
          table([
            [1, 0],
            [2, -1],
          ]),
          'b.csv',
          { labelled: true },
        ),
      /^b\.csv row 2: label -1 is not a whole number >= 0$/,
    );
    expectUserError(() => datasetFromTable(table([[1, 1.5]]), 'b.csv', { labelled: true }), /row 1: label 1.5 is not a whole number/);
  });

  it('refuses more than 1000 classes', () => {
    expect(datasetFromTable(table([[1, 999]]), 'c.csv', { labelled: true }).classes).toBe(1000);
    expectUserError(() => datasetFromTable(table([[1, 1000]]), 'c.csv', { labelled: true }), /label 1000 is too large \(at most 1000 classes\)/);
  });

  it('refuses a labelled table without a feature column', () => {
    expectUserError(() => datasetFromTable(table([[1], [2]]), 'one.csv', { labelled: true }), /at least 2 columns .*found 1/);
  });

  it('refuses values beyond float32 range', () => {
    expectUserError(
      () =>
        datasetFromTable(
          table([
            [1, 2],
            [1e300, 3],
          ]),
          'big.csv',
          { labelled: false },
        ),
      /row 2, column 1: 1e\+300 is too large for float32/,
    );
  });
});

describe('parseUserFile', () => {
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

  it('reads .csv files by extension, in any case', () => {
    const ds = parseUserFile(encode('a,b,y\n1,2,1\n3,4,0\n'), 'Points.CSV', { labelled: true });
    expect(ds).toMatchObject({ name: 'Points.CSV', N: 2, D: 2, classes: 2 });
  });

  it('reads .npy files by extension', () => {
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }";
    const padded = `${header + ' '.repeat(128 - 10 - header.length - 1)}\n`;
    const bytes = new Uint8Array(128 + 16);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
    bytes.set(encode(padded), 10);
    new DataView(bytes.buffer).setFloat64(128, 0.5, true);
    new DataView(bytes.buffer).setFloat64(136, 3, true);
    const ds = parseUserFile(bytes, 'x.npy', { labelled: true });
    expect(ds).toMatchObject({ N: 1, D: 1, classes: 4 });
    expect(Array.from(ds.X)).toEqual([0.5]);
  });

  it('refuses other extensions', () => {
    expectUserError(() => parseUserFile(encode('{}'), 'x.json', { labelled: false }), /^x\.json: has unsupported type '\.json' \(use \.npy or \.csv\)$/);
    expectUserError(() => parseUserFile(encode('1'), 'data', { labelled: false }), /^data: has no extension/);
  });

  it('refuses CSV bytes that are not valid UTF-8', () => {
    const bytes = Uint8Array.from([0x31, 0x2c, 0xff, 0xfe, 0x0a]);
    expectUserError(() => parseUserFile(bytes, 'bad.csv', { labelled: false }), /^bad\.csv: not valid UTF-8 text$/);
  });
});

describe('UserFileSource', () => {
  const [classes, features, regression] = [{ labelled: true }, { labelled: false }, { labelled: true, regression: true }];

  it('reads the last column as labels for the MLP and as one more feature for the autoencoder, again on each switch', () => {
    const bytes = new TextEncoder().encode('x,y,label\n0.5,1,0\n2,3,1\n4,5,2\n');
    const source = new UserFileSource('mine.csv', bytes, classes);
    expect(source.dataset(classes)).toMatchObject({ name: 'mine.csv', N: 3, D: 2, classes: 3 });
    const plain = source.dataset(features);
    expect(plain).toMatchObject({ N: 3, D: 3, classes: 1 });
    expect(Array.from(plain.X.slice(0, 3))).toEqual([0.5, 1, 0]);
    expect(source.dataset(classes).D).toBe(2);
  });

  it('reads a real-valued last column as a regression’s targets, carried as float32 bits in the labels', () => {
    const source = new UserFileSource('real.csv', new TextEncoder().encode('x,t\n1,2.5\n3,-4.25\n5,0.1\n'), regression);
    const set = source.dataset(regression);
    expect(set).toMatchObject({ N: 3, D: 1, classes: 1, regression: true });
    expect(Array.from(labelsAsTargets(set.labels))).toEqual([2.5, -4.25, Math.fround(0.1)]);
    expect(() => source.dataset(classes)).toThrow(/label 2\.5 is not a whole number/); // the same file as classes
    expect(() => new UserFileSource('big.csv', new TextEncoder().encode('1,1e39\n'), regression)).toThrow(/target 1e\+39 is too large for float32/);
  });

  it('refuses a bad file when it is given, and a reading the data does not allow when it is asked for', () => {
    expect(() => new UserFileSource('bad.csv', new TextEncoder().encode('1,x\n'), features)).toThrow(UserError);
    const source = new UserFileSource('real.csv', new TextEncoder().encode('1,2.5\n3,4.5\n'), features);
    expect(source.dataset(features).D).toBe(2);
    expect(() => source.dataset(classes)).toThrow(/real\.csv/); // 2.5 is no class label
    expect(source.dataset(features).D).toBe(2); // the failed reading changed nothing
  });
});
