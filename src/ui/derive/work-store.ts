// A student's derivations kept in the browser's localStorage, one text per assignment, and the
// assignment they worked on last: a reload finds the work as it was left. Nothing leaves the browser.

const PREFIX = 'webgpu-backprop/derive: ';
const LAST = `${PREFIX}last assignment`;

export interface WorkStore {
  text(assignment: string): string | null;
  save(assignment: string, text: string): void;
  lastAssignment(): string | null;
}

/** The page's store; where the browser refuses storage (some private windows), one that forgets on reload. */
export function localWorkStore(): WorkStore {
  let storage: Storage | null = null;
  try {
    storage = window.localStorage;
  } catch {
    // Storage refused: the work lives as long as the page.
  }
  const memory = new Map<string, string>();
  const get = (key: string) => {
    try {
      return storage?.getItem(key) ?? memory.get(key) ?? null;
    } catch {
      return memory.get(key) ?? null;
    }
  };
  const set = (key: string, value: string) => {
    memory.set(key, value);
    try {
      storage?.setItem(key, value);
    } catch {
      // Full or refused: kept in memory for this visit.
    }
  };
  return {
    text: (assignment) => get(PREFIX + assignment),
    save: (assignment, text) => {
      set(PREFIX + assignment, text);
      set(LAST, assignment);
    },
    lastAssignment: () => get(LAST),
  };
}
