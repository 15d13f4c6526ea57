// The link (the address bar's hash) and its one owner: read at start and whenever the user edits
// it, written after every change, so that the address bar always links to the run that shows.
// The settings' codec is settings.ts; the teacher's hide list is teacher.ts; a derivation's part
// (derive/derive-link.ts) is read here and dropped by the next write: the work then lives in the
// browser's storage, and a reload does not bring the link's text back over the student's edits.
import { readDeriveLink, type DeriveLink } from './derive/derive-link';
import { decodeHash, encodeHash, type PageSettings } from './settings';
import { copyText, readHide, withHide } from './teacher';

/** A link as read: its settings, the sections and controls it hides, and what it said that was ignored. */
export interface ReadLink {
  settings: PageSettings;
  hide: string[];
  problems: string[];
  /** The settings whose values the link gave but were refused (at their defaults in `settings`). */
  refused: Array<keyof PageSettings>;
  /** Whether the link names a data set (a file of the user's cannot travel in a link). */
  namesDataset: boolean;
  /** A derivation to open in the derive card, and what of it was ignored. */
  derive: { link: DeriveLink | null; problems: string[] };
}

export class LinkSync {
  /** Controls and sections the link hides (teacher mode: `hide=`). */
  hide: string[] = [];

  /** Reads the current link; its hide list becomes the page's. */
  read(): ReadLink {
    const { settings, problems, refused } = decodeHash(location.hash);
    const hidden = readHide(location.hash);
    this.hide = hidden.hide;
    return {
      settings,
      hide: hidden.hide,
      problems: [...problems, ...hidden.problems],
      refused,
      namesDataset: new URLSearchParams(location.hash.slice(1)).has('dataset'),
      derive: readDeriveLink(location.hash),
    };
  }

  /** Calls `edited` whenever the user edits the link or follows one within the page. */
  listen(edited: (link: ReadLink) => void): void {
    window.addEventListener('hashchange', () => edited(this.read()));
  }

  /** The address bar holds `s` (a link to this run), without adding a history entry. */
  write(s: PageSettings): void {
    history.replaceState(null, '', withHide(encodeHash(s), this.hide) || location.pathname + location.search);
  }

  /** Copies the link to the run of `s` (its settings and hide list) for a student or a slide; returns what to tell the user. */
  async copy(s: PageSettings): Promise<string> {
    this.write(s);
    const link = location.href;
    return (await copyText(link)) ? `Link copied: ${link}` : `Copy this link (the browser did not allow the page to copy it): ${link}`;
  }

  /** Follows a preset's link, keeping the hide list; applied through `listen` as an edited link is. */
  follow(hash: string): void {
    location.hash = withHide(hash, this.hide);
  }
}
