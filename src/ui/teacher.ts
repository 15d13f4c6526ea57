// Teacher mode: a link can hide controls and sections (`hide=lr,optimizer,math`, as Playground's
// links do), the page copies its own link, and a few named presets open the runs a lecture uses.
// The hide list belongs to the link, not to the run: it is not a setting and no run file keeps it.
import { DEFAULTS, type PageSettings } from './settings';

/** Sections of the page a link may hide, beside any setting's own control. */
export const SECTIONS = ['settings', 'intro', 'diagram', 'output', 'loss', 'math', 'views', 'bench', 'presets'] as const;

/** Named runs reachable from the page: what a lecture shows first. */
export const PRESETS: ReadonlyArray<{ name: string; hash: string; about: string }> = [
  { name: "MNIST with the assignment's network", hash: '#dataset=mnist&hidden=128&batch=64', about: '784-128-10, swish, softmax cross-entropy' },
  {
    name: 'Overfitting a small spiral',
    hash: '#dataset=spiral&samples=120&noise=0.25&testShare=0.5&hidden=64,64&activation=relu&stepsPerFrame=16',
    about: 'training loss falls, test loss turns back up',
  },
  {
    name: 'The swish′ trap',
    hash: '#dataset=spiral&mistake=swish-prime&checkEvery=100',
    about: "the original derivation's wrong derivative, caught by the gradient check",
  },
  { name: 'PCA in one dimension', hash: '#model=autoencoder&dataset=blobs&code=1', about: 'the tied autoencoder finds the principal direction' },
  { name: 'Find the bug', hash: '#exercise=1', about: 'one hidden backprop mistake to find' },
];

/** The `hide=` list of a hash: known names kept, in order; unknown ones reported. */
export function readHide(hash: string): { hide: string[]; problems: string[] } {
  const raw = new URLSearchParams(hash.replace(/^#/, '')).get('hide');
  if (raw === null) return { hide: [], problems: [] };
  const known = new Set<string>([...SECTIONS, ...Object.keys(DEFAULTS)]);
  const hide: string[] = [];
  const problems: string[] = [];
  for (const name of raw
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)) {
    if (!known.has(name)) problems.push(`hide=${name}: no such control or section`);
    else if (!hide.includes(name)) hide.push(name);
  }
  return { hide, problems };
}

/** A hash with the hide list appended (after the settings' own). */
export function withHide(hash: string, hide: readonly string[]): string {
  if (hide.length === 0) return hash;
  return `${hash ? `${hash}&` : '#'}hide=${hide.join(',')}`;
}

/** Settings whose controls belong to a section: hiding the section hides them in the panel too. */
const SECTION_SETTINGS: Readonly<Partial<Record<(typeof SECTIONS)[number], ReadonlyArray<keyof PageSettings>>>> = {
  // The gallery's choice and the check's interval act only on the math cards.
  math: ['mistake', 'checkEvery'],
};

/** The settings' keys in a hide list, named or hidden with their section (the panel hides their controls). */
export function hiddenSettings(hide: readonly string[]): Array<keyof PageSettings> {
  const keys = hide.filter((name) => name in DEFAULTS) as Array<keyof PageSettings>;
  for (const name of hide) keys.push(...(SECTION_SETTINGS[name as (typeof SECTIONS)[number]] ?? []));
  return [...new Set(keys)];
}

/** Sections hidden by a list, as the page's body attribute (CSS hides them: see style.css). */
export function applyHiddenSections(hide: readonly string[]): void {
  const sections = hide.filter((name) => (SECTIONS as readonly string[]).includes(name));
  if (sections.length > 0) document.body.dataset.hide = sections.join(' ');
  else delete document.body.dataset.hide;
}

/** Copies `text` to the clipboard; false where the page may not (no permission, no secure context). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
