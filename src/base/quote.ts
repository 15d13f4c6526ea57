// Quoting what a user gave (a file's cell, a link's value, a JSON field) inside a one-line message:
// cut short, and never a control character or a line break that could break the line.

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds, to escape them
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** At most `length` characters of `text` on one line ('…' when cut; control characters escaped as \uXXXX). */
export function clip(text: string, length: number): string {
  const short = text.length > length ? `${text.slice(0, length)}…` : text;
  return short.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value from a link: at most 40 characters, control characters shown as '?'. */
export function shorten(text: string): string {
  return text.slice(0, 40).replace(CONTROL, '?');
}

/** A short description of a JSON value; never walks into it (it may be nested deeply). */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  if (typeof value === 'string') return clip(JSON.stringify(value.slice(0, 41)), 40);
  return clip(String(value), 40);
}

/** A table cell in double quotes, JSON-escaped, cut after `max` characters with '...'. */
export function quoteCell(cell: string, max = 40): string {
  const short = cell.length > max ? `${cell.slice(0, max)}...` : cell;
  return JSON.stringify(short);
}

/** A header string in single quotes (at most 40 characters), JSON-escaped unless it is printable ASCII. */
export function quoteHeader(text: string): string {
  const short = text.length > 40 ? text.slice(0, 40) : text;
  const quoted = /^[\x20-\x26\x28-\x7e]*$/.test(short) ? `'${short}'` : JSON.stringify(short);
  return short === text ? quoted : `${quoted}…`;
}
