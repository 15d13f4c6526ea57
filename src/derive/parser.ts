// The derivation language's parser: one definition per line, `name = expression` or
// `name(v) = expression`, read by recursive descent with numpy's precedence:
//   postfix .T and calls  >  **  >  unary minus  >  @ * / (left to right)  >  + - (left to right)
// A line that does not parse becomes an error at a line and column; the other lines still parse.
// Never evaluates text: the result is a tree (tree.ts).
import { tokenize, type Token } from './lexer';
import { deriveError, joinSpans, type DeriveError, type Definition, type Expr, type ParsedLine, type Program, type Span } from './tree';

/** Most tokens on one line, and most levels of nesting: no derivation comes near them. */
const MAX_TOKENS = 2000;
const MAX_DEPTH = 100;

/** Thrown inside one line's parse and caught at its end: the line becomes an error. */
class LineFailure {
  constructor(readonly error: DeriveError) {}
}

/** Parses a whole derivation; blank lines and comment lines are left out. */
export function parseDerivation(text: string): Program {
  const lines: ParsedLine[] = [];
  text.split('\n').forEach((lineText, index) => {
    const parsed = parseLine(lineText, index + 1);
    if (parsed) lines.push(parsed);
  });
  return { lines };
}

/** One line's definition or error; null for a blank or comment-only line. */
export function parseLine(text: string, line: number): ParsedLine | null {
  const lexed = tokenize(text, line);
  if ('error' in lexed) return { line, text, definition: null, error: lexed.error, name: definedName(text) };
  const { tokens } = lexed;
  if (tokens[0]!.kind === 'end') return null;
  if (tokens.length > MAX_TOKENS) {
    return {
      line,
      text,
      definition: null,
      error: deriveError(line, tokens[MAX_TOKENS]!.column, `more than ${MAX_TOKENS} tokens on one line: split it with helpers`),
      name: definedName(text),
    };
  }
  try {
    return { line, text, definition: new LineParser(tokens, line).definition(), error: null };
  } catch (failure) {
    if (!(failure instanceof LineFailure)) throw failure;
    return { line, text, definition: null, error: failure.error, name: definedName(text) };
  }
}

/** The name a line starts to define (`dW1 = …`, `f(v) = …`), read loosely, for the lines that use it. */
function definedName(text: string): string | null {
  return /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*)?=/.exec(text)?.[1] ?? null;
}

class LineParser {
  private at = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly line: number,
  ) {}

  definition(): Definition {
    const first = this.peek();
    if (!this.tokens.some((t) => t.text === '=' && t.kind === 'operator')) {
      this.fail(first, "a line is a definition, name = expression, and this one has no '='");
    }
    if (first.kind !== 'name') this.fail(first, `a line starts with the name it defines, not ${describe(first)}`);
    this.next();
    const nameSpan = this.span(first);
    if (this.peekIs('(')) {
      this.next();
      const param = this.peek();
      if (param.kind !== 'name') this.fail(param, `expected the function's variable, as in ${first.text}(v) = …`);
      this.next();
      this.expect(')', `expected ')' after the variable ${param.text}, as in ${first.text}(${param.text}) = …`);
      this.expect('=', `expected '=' after ${first.text}(${param.text})`);
      const body = this.expression("'='");
      this.expectEnd();
      return { kind: 'function', name: first.text, nameSpan, param: param.text, paramSpan: this.span(param), body };
    }
    this.expect('=', `expected '=' after ${first.text} (a line is name = expression)`);
    const expr = this.expression("'='");
    this.expectEnd();
    return { kind: 'tensor', name: first.text, nameSpan, expr };
  }

  /** + and −, left to right. `after` names what precedes, for the message when nothing follows. */
  private expression(after: string): Expr {
    let left = this.product(after);
    while (this.peekIs('+') || this.peekIs('-')) {
      const op = this.next();
      const right = this.product(`'${op.text}'`);
      left = { kind: 'binary', op: op.text as '+' | '-', left, right, opSpan: this.span(op), span: joinSpans(left.span, right.span) };
    }
    return left;
  }

  /** @, * and /, one level, left to right (as in Python). */
  private product(after: string): Expr {
    let left = this.unary(after);
    while (this.peekIs('@') || this.peekIs('*') || this.peekIs('/')) {
      const op = this.next();
      const right = this.unary(`'${op.text}'`);
      left = { kind: 'binary', op: op.text as '@' | '*' | '/', left, right, opSpan: this.span(op), span: joinSpans(left.span, right.span) };
    }
    return left;
  }

  /** Unary minus (and a plus that changes nothing); binds less tightly than **, as in Python: -x**2 is -(x**2). */
  private unary(after: string): Expr {
    // Every level of nesting passes through here: a bound keeps the walks over the tree off the stack's limit.
    if (++this.depth > MAX_DEPTH) this.fail(this.peek(), `nested more than ${MAX_DEPTH} deep: split the line with helpers`);
    try {
      return this.signed(after);
    } finally {
      this.depth--;
    }
  }

  private signed(after: string): Expr {
    if (this.peekIs('-')) {
      const minus = this.next();
      const operand = this.unary("'-'");
      return { kind: 'negate', operand, span: joinSpans(this.span(minus), operand.span) };
    }
    if (this.peekIs('+')) {
      this.next();
      return this.unary("'+'");
    }
    return this.power(after);
  }

  /** base ** exponent, right to left; the exponent may carry its own sign (2 ** -1). */
  private power(after: string): Expr {
    const base = this.postfix(after);
    if (!this.peekIs('**')) return base;
    const op = this.next();
    const exponent = this.unary("'**'");
    return { kind: 'binary', op: '**', left: base, right: exponent, opSpan: this.span(op), span: joinSpans(base.span, exponent.span) };
  }

  private postfix(after: string): Expr {
    let expr = this.primary(after);
    while (this.peek().kind === 'transpose') {
      const t = this.next();
      expr = { kind: 'transpose', operand: expr, span: joinSpans(expr.span, this.span(t)) };
    }
    return expr;
  }

  private primary(after: string): Expr {
    const token = this.peek();
    if (token.kind === 'number') {
      this.next();
      return { kind: 'number', value: token.value, span: this.span(token) };
    }
    if (token.kind === 'name') {
      this.next();
      if (!this.peekIs('(')) return { kind: 'name', name: token.text, span: this.span(token) };
      return this.call(token);
    }
    if (this.peekIs('(')) {
      const open = this.next();
      const inner = this.expression("'('");
      const close = this.expect(')', `expected ')' to close the '(' at column ${open.column}`);
      // The parentheses belong to the span, so that a message quotes them.
      return { ...inner, span: joinSpans(this.span(open), this.span(close)) } as Expr;
    }
    if (token.kind === 'end') return this.fail(token, `expected an expression after ${after}, but the line ends`);
    return this.fail(token, `expected an expression after ${after}, not ${describe(token)}`);
  }

  private call(callee: Token): Expr {
    const open = this.next();
    const args: Expr[] = [];
    if (!this.peekIs(')')) {
      for (;;) {
        const [arg, after] = [this.peek(), this.tokens[this.at + 1]];
        if (arg.kind === 'name' && after?.kind === 'operator' && after.text === '=') {
          this.fail(arg, `no keyword arguments here: write ${callee.text}(…, 0) rather than ${arg.text}=…`);
        }
        args.push(this.expression(args.length === 0 ? `'${callee.text}('` : "','"));
        if (!this.peekIs(',')) break;
        this.next();
      }
    }
    const close = this.peek();
    if (close.text !== ')' || close.kind !== 'operator') {
      const which = close.kind === 'end' ? 'the line ends' : `found ${describe(close)}`;
      this.fail(close, `expected ')' after the arguments of ${callee.text} (opened at column ${open.column}); ${which}`);
    }
    this.next();
    return { kind: 'call', callee: callee.text, calleeSpan: this.span(callee), args, span: joinSpans(this.span(callee), this.span(close)) };
  }

  private expectEnd(): void {
    const token = this.peek();
    if (token.kind === 'end') return;
    const startsOperand = token.kind === 'name' || token.kind === 'number' || token.text === '(';
    const hint = startsOperand ? ': is an operator missing before it?' : token.text === ')' ? ": is a '(' missing?" : '';
    this.fail(token, `expected an operator or the end of the line, not ${describe(token)}${hint}`);
  }

  private expect(text: string, reason: string): Token {
    const token = this.peek();
    if (token.kind !== 'operator' || token.text !== text) this.fail(token, reason);
    return this.next();
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private peekIs(operator: string): boolean {
    const t = this.peek();
    return t.kind === 'operator' && t.text === operator;
  }

  private next(): Token {
    const t = this.tokens[this.at]!;
    if (t.kind !== 'end') this.at++;
    return t;
  }

  private span(t: Token): Span {
    return { line: this.line, column: t.column, endColumn: t.endColumn };
  }

  private fail(token: Token, reason: string): never {
    throw new LineFailure(deriveError(this.line, token.column, reason));
  }
}

/** "'*'", "the name X", "the number 2", "the end of the line". */
function describe(t: Token): string {
  if (t.kind === 'end') return 'the end of the line';
  if (t.kind === 'name') return `the name ${t.text}`;
  if (t.kind === 'number') return `the number ${t.text}`;
  return `'${t.text}'`;
}
