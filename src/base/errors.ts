// Errors caused by what a user gave us (a file, a flag, a size): shown as one clear line,
// never as a stack trace. Anything else is a bug and keeps its stack.

/** An error whose message is meant for the user, complete and on one line. */
export class UserError extends Error {
  override name = 'UserError';
}
