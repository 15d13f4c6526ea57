// Checks a hand-derived backward pass line by line against the true gradients (float64): parse,
// names, shapes, then each line's tensor entry by entry. A line that uses a line in error is in
// error itself, and says which; a wrong line that uses a wrong line is tested again with the true
// values of what it uses, to tell an inherited mistake from its own. Function lines come first
// (they use no tensors), so that a custom activation's f can build the forward pass.
import { checkDerivative, numericDerivative } from './activation-check';
import { autoencoderBindings, layoutOf, mlpBindings, type Bindings, type GradientName, type Layout } from './bindings';
import { compareTensors, isTransposeOf } from './compare';
import { formatShape, sameSizes, type Shape } from './dims';
import { evaluate, functionFromBody, type ValueScope } from './evaluate';
import { isBuiltin } from './functions';
import { checkNames, type NameContext } from './names';
import { parseDerivation } from './parser';
import type { Problem } from './problem';
import { diagnosis, differingEntries, formatError, summarize, type DerivationReport, type LineReport } from './report';
import { inferShapes } from './shapes';
import type { Tensor } from './tensor';
import { deriveError, namesIn, nodesOf, type DeriveError, type Expr, type FunctionDefinition, type ParsedLine, type TensorDefinition } from './tree';
import { autoencoderTruth, mlpTruth, type ActivationPair } from './truth';

export interface CheckOptions {
  /** Names the derivation must define; default every parameter's gradient, and f and fprime for a custom activation. */
  required?: readonly string[];
}

/** Checks `text` on `problem`. Never throws on any text: what is wrong with it is in the report. */
export function checkDerivation(text: string, problem: Problem, opts: CheckOptions = {}): DerivationReport {
  return new Checker(parseDerivation(text).lines, problem).run(opts.required);
}

type TensorFunction = (t: Tensor) => Tensor;

/** The custom activation's names. */
const F = 'f';
const F_PRIME = 'fprime';

class Checker {
  private readonly reports = new Map<number, LineReport>();
  /** Every line's name → its first line. */
  private readonly definedAt = new Map<string, number>();
  /** Lines that parsed no further than their name, by name. */
  private readonly unparsed = new Map<string, number>();
  private readonly functionLines = new Map<string, number>();
  private readonly tensorLines = new Map<string, number>();
  private readonly shapeOfLine = new Map<string, Shape | null>();
  /** The lines' own values, and their values with every checked name replaced by its true value. */
  private readonly own = new Map<string, Tensor | null>();
  private readonly truthful = new Map<string, Tensor | null>();
  private readonly ownFunctions = new Map<string, TensorFunction | null>();
  private readonly truthfulFunctions = new Map<string, TensorFunction | null>();
  /** The checked names (gradients, a custom fprime) each line rests on, through its helpers. */
  private readonly restsOn = new Map<string, Set<string>>();
  private readonly layout: Layout;
  private readonly gradients: Map<string, GradientName>;
  private bindings: Bindings | null = null;
  /** Why there is no forward pass, when there is none. */
  private noForward: string | null = null;

  constructor(
    private readonly lines: ParsedLine[],
    private readonly problem: Problem,
  ) {
    this.layout = layoutOf(problem);
    this.gradients = new Map(this.layout.gradients.map((g) => [g.name, g]));
    for (const l of lines) {
      const name = l.definition?.name ?? (l.error ? l.name : null);
      if (name === null || this.definedAt.has(name)) continue;
      this.definedAt.set(name, l.line);
      if (l.error && !this.isReserved(name)) this.unparsed.set(name, l.line);
    }
  }

  run(required?: readonly string[]): DerivationReport {
    for (const l of this.lines) {
      if (!l.error) continue;
      const kind = l.name !== null && this.gradients.has(l.name) ? 'gradient' : 'helper';
      this.reports.set(l.line, lineReport(l, { name: l.name, kind, verdict: 'error', message: l.error.message, column: l.error.column }));
    }
    for (const l of this.lines) if (l.definition?.kind === 'function') this.reports.set(l.line, this.functionLine(l, l.definition));
    this.forwardPass();
    for (const l of this.lines) if (l.definition?.kind === 'tensor') this.reports.set(l.line, this.tensorLine(l, l.definition));
    const lines = [...this.reports.values()].sort((a, b) => a.line - b.line);
    const needed = required ?? this.defaultRequired();
    const missing = needed.filter((n) => !this.definedAt.has(n));
    return { layout: this.layout, bindings: this.bindings, lines, summary: summarize(lines, missing) };
  }

  private defaultRequired(): string[] {
    const custom = this.problem.model === 'mlp' && this.problem.activation === 'custom' ? [F, F_PRIME] : [];
    return [...custom, ...[...this.gradients.values()].filter((g) => g.ofParameter).map((g) => g.name)];
  }

  /** A name no line can define: the forward pass's, a dimension's, a built-in function's. */
  private isReserved(name: string): boolean {
    return this.layout.given.some((g) => g.name === name) || this.layout.dimensions.some((d) => d.name === name) || isBuiltin(name);
  }

  /** Whether this line is the one that defines `name` (the first to, and the name is free): later lines see it. */
  private owns(l: ParsedLine, name: string): boolean {
    return this.definedAt.get(name) === l.line && !this.isReserved(name);
  }

  private isCustom(): boolean {
    return this.problem.model === 'mlp' && this.problem.activation === 'custom';
  }

  private functionLine(l: ParsedLine, def: FunctionDefinition): LineReport {
    const nameError = checkNames(def, l.line, this.context(l.line));
    const callees = namesCalled(def.body).filter((c) => this.functionLines.has(c) || this.unparsed.has(c));
    const dependsOn = callees;
    if (!this.owns(l, def.name)) return failed(l, def.name, 'function', nameError!, dependsOn);
    this.functionLines.set(def.name, l.line);
    if (nameError) return failed(l, def.name, 'function', nameError, dependsOn);
    const broken = callees.find((c) => this.hasError(c));
    if (broken) return failed(l, def.name, 'function', this.usesError(l, broken), dependsOn);
    const fn = functionFromBody(def.param, def.body, this.scope('own'));
    this.ownFunctions.set(def.name, fn);
    this.truthfulFunctions.set(def.name, functionFromBody(def.param, def.body, this.scope('truthful')));
    const rests = new Set(callees.flatMap((c) => [...(this.restsOn.get(c) ?? [])]));
    if (this.isCustom() && def.name === F_PRIME) rests.add(F_PRIME);
    this.restsOn.set(def.name, rests);
    const message = this.isCustom() && def.name === F ? 'your activation: Y = f(V) in every hidden layer' : `a function, applied entry by entry`;
    return lineReport(l, { name: def.name, kind: 'function', verdict: 'helper', message, dependsOn, definition: def });
  }

  /** The forward pass and the true gradients; for a custom activation, once its f and fprime are known. */
  private forwardPass(): void {
    const p = this.problem;
    if (p.model === 'autoencoder') {
      this.bindings = autoencoderBindings(p, autoencoderTruth(p));
      return;
    }
    if (p.activation !== 'custom') {
      this.bindings = mlpBindings(p, mlpTruth(p));
      return;
    }
    const f = this.ownFunctions.get(F);
    const fLine = this.functionLines.get(F) ?? this.unparsed.get(F);
    if (!f) {
      this.noForward =
        fLine === undefined
          ? 'the forward pass needs your activation: define it on a line f(v) = …, and its derivative as fprime(v) = …'
          : `the forward pass needs your activation f, and its line (${fLine}) has an error`;
      return;
    }
    const fPrime = this.ownFunctions.get(F_PRIME);
    const check = checkDerivative(f, fPrime ?? f);
    if (check.worst === null && !check.ok) {
      // f itself is not finite somewhere: its line is in error, and there is no forward pass.
      const fReport = this.reports.get(fLine!)!;
      this.reports.set(fLine!, { ...fReport, verdict: 'error', message: deriveError(fLine!, 1, check.message).message, column: 1 });
      this.noForward = `the forward pass needs your activation f, and its line (${fLine}) has an error`;
      return;
    }
    const primeLine = this.functionLines.get(F_PRIME);
    if (fPrime && primeLine !== undefined) {
      const r = this.reports.get(primeLine)!;
      this.reports.set(primeLine, { ...r, kind: 'function', verdict: check.ok ? 'right' : 'wrong', relError: check.relError, message: check.message });
    }
    const truePrime = fPrime && check.ok ? fPrime : numericDerivative(f);
    this.truthfulFunctions.set(F_PRIME, truePrime);
    const pair: ActivationPair = { f, fPrime: truePrime };
    const truth = mlpTruth(p, pair);
    if (!Number.isFinite(truth.loss)) {
      this.noForward = `with your f the forward pass gives a loss of ${truth.loss}: an activation must keep the numbers finite`;
      return;
    }
    this.bindings = mlpBindings(p, truth);
  }

  /** A gradient's true value (there is one wherever there is a forward pass). */
  private truthOf(g: GradientName): Tensor {
    return this.bindings!.truths.get(g.name)!;
  }

  private tensorLine(l: ParsedLine, def: TensorDefinition): LineReport {
    const { name, expr } = def;
    const gradient = this.gradients.get(name);
    const kind = gradient ? 'gradient' : 'helper';
    const dependsOn = [...namesIn(expr), ...namesCalled(expr).filter((c) => this.functionLines.has(c) || this.unparsed.has(c))];
    const nameError = checkNames(def, l.line, this.context(l.line));
    // A second definition of a name, or a line named like X or B, is in error and stays out of sight of the lines below.
    if (!this.owns(l, name)) return failed(l, name, kind, nameError!, dependsOn);
    this.tensorLines.set(name, l.line);
    // What later lines see of this one until it is known: the true shape and value of a gradient, nothing of a helper.
    this.shapeOfLine.set(name, gradient?.shape ?? null);
    this.own.set(name, null);
    this.truthful.set(name, gradient && this.bindings ? this.truthOf(gradient) : null);
    this.restsOn.set(name, gradient ? new Set([name]) : new Set());

    if (!this.bindings) return failed(l, name, kind, deriveError(l.line, def.nameSpan.column, this.noForward ?? 'no forward pass'), dependsOn);
    if (nameError) return failed(l, name, kind, nameError, dependsOn);
    const rests = new Set(dependsOn.flatMap((d) => [...(this.restsOn.get(d) ?? [])]));
    if (!gradient) this.restsOn.set(name, rests);

    const shaped = inferShapes(expr, { shapeOf: (n) => this.shapeOf(n), dimension: (n) => this.dimension(n) }, l.text);
    const broken = dependsOn.filter((d) => this.hasError(d));
    if (broken.length > 0) {
      let error = this.usesError(l, broken[0]!);
      // Only broken gradients have a true value to put in their place.
      const substitutable = gradient && broken.every((b) => this.gradients.has(b)) && shaped.shapes && sameSizes(shaped.shapes.get(expr)!, gradient.shape);
      if (substitutable && compareTensors(evaluate(expr, this.scope('truthful')), this.truthOf(gradient)).right) {
        error = { ...error, message: `${error.message}; with the true ${broken.join(', ')} this line would be right` };
        return failed(l, name, kind, error, dependsOn, { inherits: broken });
      }
      return failed(l, name, kind, error, dependsOn);
    }
    if (shaped.error) return failed(l, name, kind, shaped.error, dependsOn);
    const shapes = shaped.shapes;
    const shape = shapes.get(expr)!;
    const value = evaluate(expr, this.scope('own'));
    const base = { name, kind, dependsOn, definition: def, shape, shapes, value } as const;

    if (!gradient) {
      this.shapeOfLine.set(name, shape);
      this.own.set(name, value);
      this.truthful.set(name, evaluate(expr, this.scope('truthful')));
      const bad = value.data.filter((v) => !Number.isFinite(v)).length;
      const note = bad > 0 ? `; ${bad} of its ${value.data.length} entries are NaN or infinite` : '';
      return lineReport(l, { ...base, verdict: 'helper', message: `a helper, ${formatShape(shape)}${note}` });
    }

    if (!sameSizes(shape, gradient.shape)) {
      const transposed = isTransposeOf(value, this.truthOf(gradient));
      const reason = `${name} is ${formatShape(gradient.shape)} but this line gives ${formatShape(shape)}${transposed ? `; it holds the true ${name}, transposed` : ''}`;
      const error = deriveError(l.line, expr.span.column, reason);
      return failed(l, name, kind, error, dependsOn, { ...base, ...(transposed ? { transposed: true } : {}) });
    }
    this.own.set(name, value);
    const truth = this.truthOf(gradient);
    const c = compareTensors(value, truth);
    const common = { ...base, relError: c.relError, truth, wrongMask: c.wrongMask };
    if (c.right) return lineReport(l, { ...common, verdict: 'right', message: `right (relative error ${formatError(c.relError!)})` });

    const B = this.problem.B;
    const details = {
      ...(c.scale !== undefined ? { scale: c.scale } : {}),
      ...(c.transposed ? { transposed: true as const } : {}),
      ...(c.rows ? { rows: c.rows } : {}),
    };
    const own = diagnosis(c, B, name);
    const error = c.relError === null ? 'not finite' : formatError(c.relError);
    const wrongInputs = [...rests].filter((d) => d !== name && (this.hasError(d) || this.isWrong(d)));
    let message = `wrong: relative error ${error}; ${own || differingEntries(c)}`;
    let inherits: string[] | undefined;
    if (wrongInputs.length > 0) {
      const uses = `uses ${wrongInputs.join(', ')}, which ${wrongInputs.length > 1 ? 'are' : 'is'} wrong`;
      const substituted = compareTensors(evaluate(expr, this.scope('truthful')), truth);
      if (substituted.right) {
        inherits = wrongInputs;
        message = `wrong: ${uses}; with the true ${wrongInputs.join(', ')} this line is right${own ? ` (as it stands, ${own})` : ''}`;
      } else message = `${message}; wrong on its own too: it also ${uses}`;
    }
    return lineReport(l, { ...common, ...details, verdict: 'wrong', message, ...(inherits ? { inherits } : {}) });
  }

  private shapeOf(name: string): Shape | undefined {
    const given = this.layout.given.find((g) => g.name === name);
    return given?.shape ?? this.shapeOfLine.get(name) ?? undefined;
  }

  private dimension(name: string) {
    return this.layout.dimensions.find((d) => d.name === name);
  }

  /** Values for evaluation: the lines' own, or with every checked name at its true value. */
  private scope(which: 'own' | 'truthful'): ValueScope {
    const values = which === 'own' ? this.own : this.truthful;
    const functions = which === 'own' ? this.ownFunctions : this.truthfulFunctions;
    return {
      valueOf: (n) => this.bindings?.values.get(n) ?? values.get(n) ?? undefined,
      sizeOf: (n) => this.dimension(n)?.size,
      functionOf: (n) => functions.get(n) ?? undefined,
    };
  }

  private context(line: number): NameContext {
    const above = (m: Map<string, number>) => new Map([...m, ...this.unparsed].filter(([, at]) => at < line));
    return {
      given: this.layout.given.map((g) => g.name),
      dimensions: this.layout.dimensions.map((d) => d.name),
      tensorsAbove: above(this.tensorLines),
      functionsAbove: above(this.functionLines),
      definedAt: this.definedAt,
    };
  }

  private hasError(name: string): boolean {
    const at = this.tensorLines.get(name) ?? this.functionLines.get(name) ?? this.unparsed.get(name);
    return at !== undefined && this.reports.get(at)?.verdict === 'error';
  }

  private isWrong(name: string): boolean {
    const at = this.tensorLines.get(name) ?? this.functionLines.get(name);
    return at !== undefined && this.reports.get(at)?.verdict === 'wrong';
  }

  /** "uses dY1, which has an error (line 4)", pointing at the first use. */
  private usesError(l: ParsedLine, broken: string): DeriveError {
    const at = this.tensorLines.get(broken) ?? this.functionLines.get(broken) ?? this.unparsed.get(broken);
    const def = l.definition!;
    const nodes = nodesOf(def.kind === 'tensor' ? def.expr : def.body);
    const use = nodes.find((n) => (n.kind === 'name' && n.name === broken) || (n.kind === 'call' && n.callee === broken));
    const column = use?.span.column ?? 1;
    return deriveError(l.line, column, `uses ${broken}, which has an error (line ${at})`);
  }
}

function failed(l: ParsedLine, name: string, kind: LineReport['kind'], error: DeriveError, dependsOn: string[], extra: Partial<LineReport> = {}): LineReport {
  return lineReport(l, { ...extra, name, kind, verdict: 'error', message: error.message, column: error.column, dependsOn, definition: l.definition });
}

/** A line's report, with null for what `r` does not give. */
function lineReport(l: ParsedLine, r: Partial<LineReport> & Pick<LineReport, 'verdict' | 'message' | 'kind'>): LineReport {
  return {
    line: l.line,
    name: null,
    relError: null,
    dependsOn: [],
    definition: null,
    shape: null,
    shapes: null,
    value: null,
    truth: null,
    wrongMask: null,
    ...r,
  };
}

/** The functions an expression calls (built-ins included), once each. */
function namesCalled(expr: Expr): string[] {
  return [...new Set(nodesOf(expr).flatMap((n) => (n.kind === 'call' ? [n.callee] : [])))];
}
