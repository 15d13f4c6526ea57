// scripts/failure-report.mjs: what `npm test` prints again at the end of a failed run.
import { describe, expect, it } from 'vitest';
import { failureReport } from '../scripts/failure-report.mjs';

const red = (s: string) => `\x1b[31m${s}\x1b[39m`;

/** A failed run's output as Vitest 4 prints it, in colour, trimmed. */
const FAILED_RUN = [
  ' \x1b[32m✓\x1b[39m tests/a.test.ts (3 tests) 12ms',
  ` ${red('❯')} tests/b.test.ts (2 tests | ${red('1 failed')}) 10ms`,
  `     ${red('×')} adds up`,
  '',
  `${red('⎯⎯⎯⎯⎯⎯⎯')}\x1b[1m\x1b[41m Failed Tests 1 \x1b[49m\x1b[22m${red('⎯⎯⎯⎯⎯⎯⎯')}`,
  '',
  '\x1b[41m\x1b[1m FAIL \x1b[22m\x1b[49m tests/b.test.ts > sums > adds up',
  red('AssertionError: expected 2 to be 3 // Object.is equality'),
  ' ❯ tests/b.test.ts:4:20',
  '',
  `${red('⎯⎯⎯⎯⎯⎯ Unhandled Errors ⎯⎯⎯⎯⎯⎯')}`,
  'Error: late boom',
  '',
  '\x1b[2m Test Files \x1b[22m \x1b[1m\x1b[31m1 failed\x1b[39m\x1b[22m | 1 passed (2)',
  '\x1b[2m      Tests \x1b[22m 1 failed | 4 passed (5)',
  '\x1b[2m   Duration \x1b[22m 5.69s',
];

describe('a failed run’s report', () => {
  it('is Vitest’s failure sections, without colour, up to its summary', () => {
    const report = failureReport();
    for (const line of FAILED_RUN) report.add(line);
    const lines = report.lines();
    expect(lines[0]).toBe('⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯');
    expect(lines).toContain(' FAIL  tests/b.test.ts > sums > adds up');
    expect(lines).toContain('AssertionError: expected 2 to be 3 // Object.is equality');
    expect(lines).toContain('Error: late boom');
    expect(lines.some((l) => /Test Files|Duration|✓/.test(l))).toBe(false);
  });

  it('is the run’s last lines where it died without a summary, and keeps to its length', () => {
    const report = failureReport({ maxLines: 3, tailLines: 2 });
    for (const line of ['one', 'two', 'Error: the browser closed']) report.add(line);
    expect(report.lines()).toEqual(['two', 'Error: the browser closed']);
    const long = failureReport({ maxLines: 3 });
    for (const line of ['⎯⎯ Failed Tests 9 ⎯⎯', 'a', 'b', 'c', 'd']) long.add(line);
    expect(long.lines()).toEqual(['⎯⎯ Failed Tests 9 ⎯⎯', 'a', 'b']);
  });
});
