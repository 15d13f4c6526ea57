// The find-the-bug exercise's tries: the student picks the line they believe is wrong, up to three
// times; each wrong pick is said with the tries left, and after the last one the answer is offered,
// never shown unasked. Plain state, no DOM.

/** Picks a student gets before the answer is offered. */
export const TRIES = 3;

/** What a pick did: found the mistake, missed it, or changed nothing (a line tried already, or the hunt over). */
export type PickResult = 'right' | 'wrong' | 'ignored';

export class BugHunt {
  private readonly tried = new Set<string>();
  private found = false;

  /** `answer`: the keys of the mistake's lines; picking any of them finds it. */
  constructor(
    private readonly answer: readonly string[],
    readonly tries = TRIES,
  ) {}

  /** Wrong picks still allowed. */
  get left(): number {
    return this.tries - this.tried.size;
  }

  /** Found, or no try left: no pick counts any more. */
  get over(): boolean {
    return this.found || this.left === 0;
  }

  /** Whether the line of `key` was picked already (and was wrong). */
  wasTried(key: string): boolean {
    return this.tried.has(key);
  }

  pick(key: string): PickResult {
    if (this.over || this.tried.has(key)) return 'ignored';
    if (this.answer.includes(key)) {
      this.found = true;
      return 'right';
    }
    this.tried.add(key);
    return 'wrong';
  }

  /** The verdict after a wrong pick: how many tries are left, or that the answer may be shown. */
  missText(): string {
    const n = this.left;
    if (n > 0) return `Not that line: ${n} ${n === 1 ? 'try' : 'tries'} left. Look again at the gradient check, then pick another line.`;
    return `Not that line either: that was the last of ${this.tries} tries.`;
  }
}
