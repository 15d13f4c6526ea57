// The matmul tuner's choices (src/gpu/tune.ts) kept in the browser's localStorage, per adapter and
// driver, so that a later visit on the same GPU starts every product on its fastest entry point and
// times nothing. The engine sees only the TuneStore interface: it never touches the window.
import type { TuneStore } from '../gpu/tune';

/** Every key begins so; the tuner's own key names the adapter, the kernel variant and the sizes. */
const PREFIX = 'webgpu-backprop/tune: ';

/** The page's store, or null where the browser refuses storage (some private windows and policies). */
export function localTuneStore(): TuneStore | null {
  let storage: Storage;
  try {
    storage = window.localStorage;
  } catch {
    return null;
  }
  return {
    get: (key) => storage.getItem(PREFIX + key),
    set: (key, value) => storage.setItem(PREFIX + key, value),
  };
}
