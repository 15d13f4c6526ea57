// How each line's verdict shows: a symbol and a word (the word for screen readers, the symbol and
// its colour for the eye). A line that is wrong or in error only because it uses such a line is
// shown as inheriting it, so that the student looks for the first mistake, not the last. No DOM here.
import type { LineReport } from '../../derive/index';

export type ShownVerdict = 'right' | 'wrong' | 'error' | 'inherits' | 'helper';

export const MARKS: Readonly<Record<ShownVerdict, { symbol: string; word: string }>> = {
  right: { symbol: '✓', word: 'right' },
  wrong: { symbol: '✗', word: 'wrong' },
  error: { symbol: '⚠', word: 'error' },
  inherits: { symbol: '↑', word: 'inherits' },
  helper: { symbol: '·', word: 'helper' },
};

/** The verdict a line shows: its own, or 'inherits' where it would be right with the true values of the lines it uses. */
export function shownVerdict(r: Pick<LineReport, 'verdict' | 'inherits'>): ShownVerdict {
  if ((r.verdict === 'wrong' || r.verdict === 'error') && (r.inherits?.length ?? 0) > 0) return 'inherits';
  return r.verdict;
}
