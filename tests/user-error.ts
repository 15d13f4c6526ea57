// Shared by the data tests: a bad input must fail as a UserError with a one-line message (the CLI
// and the page print it as it is).
import { expect } from 'vitest';
import { UserError } from '../src/base/errors';

export function expectUserError(f: () => unknown, pattern: RegExp): void {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    const message = (err as Error).message;
    expect(message).toMatch(pattern);
    expect(message).not.toMatch(/[\n\r]/);
    return;
  }
  expect.fail(`expected a UserError matching ${pattern}`);
}
