// Waiting for work that an AbortSignal may call off: the benchmark's cancel button, a build that a
// newer one replaces.

/**
 * `work`'s result, or a rejection with the signal's reason as soon as it aborts: the work itself may
 * run on (work on another thread, or that never ends). A result that comes after the abort is handed
 * to `discard`, so that what it holds (GPU buffers) can be let go.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal, discard?: (late: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason);
      if (discard) work.then(discard, () => {});
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
