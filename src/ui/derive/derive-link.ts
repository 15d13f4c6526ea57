// The derive card's part of a link: which assignment, the student's text, and the lines a teacher
// gives (`#derive=swish-mlp&work=<base64url of the text>&given=dZ,dW2`). Page state, not a run
// setting: the settings' codec leaves these keys to this one, and the address bar drops them once
// read (the work then lives in the browser's storage). No DOM here.
import { decodeBase64Url, encodeBase64Url } from '../../base/base64';
import { shorten } from '../../base/quote';
import { ASSIGNMENTS, assignmentById } from '../../derive/index';

/** The keys of a link that belong to the derive card. */
export const DERIVE_LINK_KEYS: readonly string[] = ['derive', 'work', 'given'];

/** The longest text a link carries: a derivation is a few dozen lines (a file can be longer). */
export const MAX_LINK_TEXT_BYTES = 8192;

export interface DeriveLink {
  /** An assignment's id (ASSIGNMENTS). */
  assignment: string;
  /** The student's text, or null for the assignment's starting text. */
  work: string | null;
  /** The names of the lines to give at the start (a teacher's choice), or null for the assignment's own. */
  given: string[] | null;
}

/** The hash of a link to this work: "#derive=swish-mlp&work=…" (given only where chosen). */
export function encodeDeriveLink(link: DeriveLink): string {
  const params = new URLSearchParams({ derive: link.assignment });
  if (link.work !== null) params.set('work', encodeBase64Url(new TextEncoder().encode(link.work)));
  if (link.given !== null) params.set('given', link.given.join(','));
  return `#${params.toString().replaceAll('%2C', ',')}`;
}

/**
 * The derive part of a hash: null where it names no assignment. What cannot be read is left out,
 * each with a problem in words (an unknown assignment leaves the whole link out).
 */
export function readDeriveLink(hash: string): { link: DeriveLink | null; problems: string[] } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const id = params.get('derive');
  if (id === null) {
    const stray = DERIVE_LINK_KEYS.filter((k) => params.has(k));
    return { link: null, problems: stray.length > 0 ? [`${stray.join(' and ')} without derive= names no assignment`] : [] };
  }
  const assignment = assignmentById(id);
  if (!assignment) {
    return { link: null, problems: [`derive=${shorten(id)}: no such assignment (the assignments are ${ASSIGNMENTS.map((a) => a.id).join(', ')})`] };
  }
  const problems: string[] = [];
  const work = readWork(params.get('work'), problems);
  let given: string[] | null = null;
  const rawGiven = params.get('given');
  if (rawGiven !== null) {
    const names = new Set(assignment.solution.map((l) => /^[A-Za-z_]\w*/.exec(l.text)![0]));
    const listed = rawGiven
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    const unknown = listed.filter((n) => !names.has(n));
    if (unknown.length > 0) problems.push(`given=: ${unknown.map(shorten).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a line of ${id}`);
    given = [...new Set(listed.filter((n) => names.has(n)))];
  }
  return { link: { assignment: id, work, given }, problems };
}

/** The work's text, or null (with a problem) where it is not base64url of UTF-8 text of a link's size. */
function readWork(raw: string | null, problems: string[]): string | null {
  if (raw === null) return null;
  const fail = (what: string): never => {
    throw new RangeError(what);
  };
  try {
    if (raw.length > Math.ceil((MAX_LINK_TEXT_BYTES * 4) / 3)) fail(`is longer than a link's derivation can be (${MAX_LINK_TEXT_BYTES} bytes)`);
    return new TextDecoder('utf-8', { fatal: true }).decode(decodeBase64Url(raw, fail));
  } catch (error) {
    problems.push(`work= ${error instanceof RangeError ? error.message : 'is not text (UTF-8)'}`);
    return null;
  }
}
