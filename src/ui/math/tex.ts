// KaTeX, loaded beside the page rather than in its first chunk (it is 270 kB of the page's
// JavaScript): the load starts with this module, and a formula asked for before it is in shows
// its TeX source until then.
import 'katex/dist/katex.min.css';

type Katex = typeof import('katex')['default'];

let katex: Katex | null = null;
const loaded: Promise<Katex> = import('katex').then((m) => (katex = m.default));

/** Typesets `tex` into `el` (inline), now or once KaTeX is in; a TeX error throws (now) or is logged (later). */
export function renderTex(tex: string, el: HTMLElement): void {
  if (katex) {
    katex.render(tex, el, { throwOnError: true, displayMode: false });
    return;
  }
  el.textContent = tex;
  void loaded.then(
    (k) => k.render(tex, el, { throwOnError: true, displayMode: false }),
    (error: unknown) => console.error(`KaTeX did not load: ${error instanceof Error ? error.message : String(error)}`),
  );
}
