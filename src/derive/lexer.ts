// Splits one line of a derivation into tokens (numbers, names, operators), each with its columns.
// A '#' starts a comment to the end of the line. Characters a numpy user might reach for but the
// language does not have get a message that says what to write instead.
import { deriveError, type DeriveError } from './tree';

export type TokenKind = 'number' | 'name' | 'transpose' | 'operator' | 'end';

export interface Token {
  kind: TokenKind;
  /** The characters as written ('.T' for a transpose, '' at the end). */
  text: string;
  /** A number's value (0 for the other kinds). */
  value: number;
  /** 1-based column of the first character, and the column just past the last. */
  column: number;
  endColumn: number;
}

/** Two-character operators first, so that '**' is not read as two '*'. */
const OPERATORS = ['**', '@', '*', '/', '+', '-', '(', ')', ',', '='];

/** A decimal number as Python writes one: 1, 0.5, .5, 1., 1e-3, 2.5E+4. */
const NUMBER = /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** What to write instead of a character the language lacks. */
const INSTEAD: Readonly<Record<string, string>> = {
  '^': 'a power is written **',
  "'": 'a transpose is written .T, as in W2.T',
  '[': 'there is no indexing: a line works on whole tensors',
  ';': 'one definition per line',
  σ: 'σ is written sigmoid(…)',
  '⊙': 'the entrywise product is written *',
  '·': 'a matrix product is written @, an entrywise product *',
  '×': 'a matrix product is written @, an entrywise product *',
  '−': 'the minus sign is written -',
  ᵀ: 'a transpose is written .T, as in W2.T',
};

/** The tokens of one line, ending with an 'end' token; or the first character that cannot start one. */
export function tokenize(text: string, line: number): { tokens: Token[] } | { error: DeriveError } {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const ch = text[at]!;
    if (ch === '#') break;
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      at++;
      continue;
    }
    const rest = text.slice(at);
    const column = at + 1;
    const number = NUMBER.exec(rest);
    if (number) {
      const written = number[0];
      if (NAME.test(text.slice(at + written.length))) {
        return {
          error: deriveError(
            line,
            column + written.length,
            `a number is followed by a name: write ${written} * ${NAME.exec(text.slice(at + written.length))![0]}`,
          ),
        };
      }
      if (!Number.isFinite(Number(written))) return { error: deriveError(line, column, `${written} is too large for a float64`) };
      tokens.push({ kind: 'number', text: written, value: Number(written), column, endColumn: column + written.length });
      at += written.length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', text: name[0], value: 0, column, endColumn: column + name[0].length });
      at += name[0].length;
      continue;
    }
    if (ch === '.') {
      const after = NAME.exec(text.slice(at + 1));
      if (after?.[0] === 'T') {
        tokens.push({ kind: 'transpose', text: '.T', value: 0, column, endColumn: column + 2 });
        at += 2;
        continue;
      }
      const afterNp = tokens.at(-1)?.text === 'np';
      const reason = !after
        ? "a '.' must be part of a number or of .T (transpose)"
        : afterNp
          ? `write ${after[0]}(…) without np.`
          : `'.${after[0]}' is not part of the language: only .T (transpose) follows a tensor`;
      return { error: deriveError(line, column, reason) };
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op) {
      tokens.push({ kind: 'operator', text: op, value: 0, column, endColumn: column + op.length });
      at += op.length;
      continue;
    }
    const char = String.fromCodePoint(text.codePointAt(at)!);
    const instead = INSTEAD[char];
    return { error: deriveError(line, column, `unexpected character ${JSON.stringify(char)}${instead ? `: ${instead}` : ''}`) };
  }
  tokens.push({ kind: 'end', text: '', value: 0, column: at + 1, endColumn: at + 1 });
  return { tokens };
}
