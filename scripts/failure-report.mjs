// What a failed Vitest run said of its failures, kept from its output for scripts/test-tiers.mjs to
// print again at the end: a CI log read from its tail then says what failed, not only that
// something did. Vitest's failure sections start at a heading such as "⎯⎯ Failed Tests 2 ⎯⎯" or
// "⎯⎯ Unhandled Errors ⎯⎯" and end at its summary ("Test Files …"); where a run died without one,
// its last lines stand in.
import { stripVTControlCharacters } from 'node:util';

const HEADING = /⎯ (Failed Tests|Unhandled Errors?|Errors?)\b/;
const SUMMARY = /^\s*Test Files\s/;

/** Collects a run's lines (`add`, colours and all); `lines()` is its failure report. */
export function failureReport({ maxLines = 120, tailLines = 30 } = {}) {
  const report = [];
  const tail = [];
  let inReport = false;
  return {
    add(line) {
      const text = stripVTControlCharacters(line);
      if (HEADING.test(text)) inReport = true;
      else if (SUMMARY.test(text)) inReport = false;
      if (inReport && report.length < maxLines) report.push(text);
      tail.push(text);
      if (tail.length > tailLines) tail.shift();
    },
    lines: () => (report.length > 0 ? [...report] : [...tail]),
  };
}
