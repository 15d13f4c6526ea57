/** Types for failure-report.mjs, read by its test. */
export function failureReport(options?: { maxLines?: number; tailLines?: number }): {
  add(line: string, stream?: 'stdout' | 'stderr'): void;
  lines(): string[];
};
