// scripts/failure-report.mjs: what `npm test` prints again at the end of a failed run.
import { describe, expect, it } from 'vitest';
import { failureReport } from '../scripts/failure-report.mjs';

const red = (s: string) => `\x1b[31m${s}\x1b[39m`;

/** A failed run as Vitest 4 prints it, in colour, trimmed: the progress and summary on stdout… */
const STDOUT = [
  ' \x1b[32m✓\x1b[39m tests/a.test.ts (3 tests) 12ms',
  ` ${red('❯')} tests/b.test.ts (2 tests | ${red('1 failed')}) 10ms`,
  `     ${red('×')} adds up`,
  '\x1b[2m Test Files \x1b[22m \x1b[1m\x1b[31m1 failed\x1b[39m\x1b[22m | 1 passed (2)',
  '\x1b[2m      Tests \x1b[22m 1 failed | 4 passed (5)',
  '\x1b[2m     Errors \x1b[22m 1 error',
];
/** …and its failure sections on stderr. */
const STDERR = [
  'a console warning of a test file, before any section',
  '',
  `${red('⎯⎯⎯⎯⎯⎯⎯')}\x1b[1m\x1b[41m Failed Tests 1 \x1b[49m\x1b[22m${red('⎯⎯⎯⎯⎯⎯⎯')}`,
  '',
  '\x1b[41m\x1b[1m FAIL \x1b[22m\x1b[49m tests/b.test.ts > sums > adds up',
  red('AssertionError: expected 2 to be 3 // Object.is equality'),
  ' ❯ tests/b.test.ts:4:20',
  '',
  red('⎯⎯⎯⎯⎯⎯ Unhandled Errors ⎯⎯⎯⎯⎯⎯'),
  '⎯⎯⎯⎯⎯ Uncaught Exception ⎯⎯⎯⎯⎯',
  'Error: late boom',
];

describe('a failed run’s report', () => {
  it('is Vitest’s failure sections from stderr, without colour, however the two pipes interleave', () => {
    const report = failureReport();
    // The summary on stdout may be read before the last lines of stderr.
    for (const line of STDERR.slice(0, 6)) report.add(line, 'stderr');
    for (const line of STDOUT) report.add(line, 'stdout');
    for (const line of STDERR.slice(6)) report.add(line, 'stderr');
    const lines = report.lines();
    expect(lines[0]).toBe('⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯');
    expect(lines).toContain(' FAIL  tests/b.test.ts > sums > adds up');
    expect(lines).toContain('AssertionError: expected 2 to be 3 // Object.is equality');
    expect(lines.at(-1)).toBe('Error: late boom');
    expect(lines.some((l) => /Test Files|console warning|✓/.test(l))).toBe(false);
  });

  it('starts at each of Vitest’s failure headings, and at no ordinary line that names errors', () => {
    for (const heading of ['Failed Suites 2', 'Unhandled Error', 'Unhandled Errors', 'Async Leaks 1', 'Collect Error']) {
      const report = failureReport();
      report.add(`⎯⎯⎯⎯ ${heading} ⎯⎯⎯⎯`);
      report.add('why');
      expect(report.lines(), heading).toEqual([`⎯⎯⎯⎯ ${heading} ⎯⎯⎯⎯`, 'why']);
    }
    const plain = failureReport({ tailLines: 1 });
    for (const line of ['x ⎯ Errors are bad', 'Failed Tests were retried']) plain.add(line);
    expect(plain.lines()).toEqual(['Failed Tests were retried']); // the tail: no section began
  });

  it('is the run’s last lines where it died without a section, and keeps to its length', () => {
    const report = failureReport({ maxLines: 3, tailLines: 2 });
    report.add('one', 'stdout');
    report.add('two', 'stderr');
    report.add('Error: the browser closed', 'stderr');
    expect(report.lines()).toEqual(['two', 'Error: the browser closed']);
    const long = failureReport({ maxLines: 3 });
    for (const line of ['⎯⎯ Failed Tests 9 ⎯⎯', 'a', 'b', 'c', 'd']) long.add(line);
    expect(long.lines()).toEqual(['⎯⎯ Failed Tests 9 ⎯⎯', 'a', 'b']);
  });
});
