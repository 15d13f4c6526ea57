// Standard base64 (RFC 4648, '=' padding) for tensor bytes in JSON files, and its URL-safe form for
// text in a link; the decoder checks the length before it allocates and names the first bad character.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 with '=' padding. */
export function encodeBase64(bytes: Uint8Array): string {
  const chunks: string[] = [];
  const CHUNK = 3 * 8192; // a multiple of 3: only the last chunk has a partial group
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    let s = '';
    for (let i = start; i < end; i += 3) {
      const rest = end - i;
      const n = (bytes[i]! << 16) | ((rest > 1 ? bytes[i + 1]! : 0) << 8) | (rest > 2 ? bytes[i + 2]! : 0);
      s += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + (rest > 1 ? ALPHABET[(n >> 6) & 63]! : '=') + (rest > 2 ? ALPHABET[n & 63]! : '=');
    }
    chunks.push(s);
  }
  return chunks.join('');
}

/**
 * Decodes standard padded base64 that must hold exactly `byteLength` bytes; the length is checked
 * before anything is allocated. Calls `fail` (which throws) on any other text.
 */
export function decodeBase64(text: string, byteLength: number, fail: (what: string) => never): Uint8Array {
  const chars = 4 * Math.ceil(byteLength / 3);
  if (text.length !== chars) fail(`has ${text.length} characters, ${chars} expected for ${byteLength} bytes`);
  const dataChars = Math.ceil((byteLength * 4) / 3);
  const out = new Uint8Array(byteLength);
  let o = 0;
  for (let i = 0; i < chars; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const j = i + k;
      const code = text.charCodeAt(j);
      let d: number;
      if (j < dataChars) {
        d = code < 128 ? DIGIT[code]! : -1;
        if (d < 0) fail(`is not base64 (character ${j} is ${JSON.stringify(text[j])})`);
      } else {
        if (code !== 61) fail(`is not base64 (padding expected at character ${j})`);
        d = 0;
      }
      n = (n << 6) | d;
    }
    if (o < byteLength) out[o++] = n >> 16;
    if (o < byteLength) out[o++] = (n >> 8) & 255;
    if (o < byteLength) out[o++] = n & 255;
  }
  return out;
}

/** base64url (RFC 4648 §5: '-' and '_' for '+' and '/', no padding), for bytes in a link. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_');
}

/** Decodes unpadded base64url; calls `fail` (which throws) on any other text. */
export function decodeBase64Url(text: string, fail: (what: string) => never): Uint8Array {
  if (text.length % 4 === 1) fail(`has ${text.length} characters, which no whole number of bytes gives`);
  if (/[+/=]/.test(text)) fail('is not base64url (it holds +, / or =)');
  const byteLength = Math.floor((text.length * 3) / 4);
  const padded = text
    .replaceAll('-', '+')
    .replaceAll('_', '/')
    .padEnd(4 * Math.ceil(text.length / 4), '=');
  return decodeBase64(padded, byteLength, fail);
}
