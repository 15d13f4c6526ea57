// What a failed Vitest run said of its failures, kept from its output for scripts/test-tiers.mjs to
// print again at the end: a CI log read from its tail then says what failed, not only that
// something did. Vitest 4 writes its failure sections to stderr, each under a heading such as
// "⎯⎯ Failed Tests 2 ⎯⎯" or "⎯⎯ Unhandled Errors ⎯⎯", and its summary ("Test Files …") to stdout; the
// two pipes are read apart, so a section is kept from its heading to the end of stderr. Where a run
// died without one, its last lines stand in.
import { stripVTControlCharacters } from 'node:util';

const HEADING = /^⎯+ (Failed (Tests|Suites)|Unhandled Errors?|Async Leaks|Source Errors|Startup Error|Collect Errors?)( \d+)? ⎯+$/;

/** Collects a run's lines (`add`, colours and all, with the stream each came on); `lines()` is its failure report. */
export function failureReport({ maxLines = 120, tailLines = 30 } = {}) {
  const report = [];
  const tail = [];
  let inReport = false;
  return {
    add(line, stream = 'stderr') {
      const text = stripVTControlCharacters(line);
      if (stream === 'stderr') {
        inReport ||= HEADING.test(text.trim());
        if (inReport && report.length < maxLines) report.push(text);
      }
      tail.push(text);
      if (tail.length > tailLines) tail.shift();
    },
    lines: () => (report.length > 0 ? [...report] : [...tail]),
  };
}
