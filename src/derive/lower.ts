// Lowers a checked derivation to GPU steps: every product (and every sum over an axis, a product
// with a vector of ones) goes through the project's matmul kernel with its transpose flags; the rest
// of a line is fused into one generated entrywise kernel (entrywise-wgsl.ts). Plain data, no GPU:
// src/models/derived.ts compiles and binds the steps, the page shows them beside each line.
// Sizes are fixed here (B included): a program is lowered for one batch size.
import { entrywiseKernel, type EntrywiseInput } from './entrywise-wgsl';
import type { Shape } from './dims';
import { isReduction } from './functions';
import type { DerivationReport, LineReport } from './report';
import type { Expr, FunctionDefinition } from './tree';

/** A buffer of the program: a given tensor (X, V1, W2, …), a line's, a temporary, ones, or a parameter's gradient. */
export interface BufferRef {
  /** 'X', 'dY1', 'tmp3', 'ones:32', or 'grad:W1' (the gradient buffer's slice for W1). */
  name: string;
  rows: number;
  cols: number;
}

export interface MatmulStep {
  kind: 'matmul';
  /** The derivation's line (1-based) this step computes part of. */
  line: number;
  /** out [M, N] = alpha · op(a) @ op(b); a is stored [K, M] when transA, b [N, K] when transB. */
  out: BufferRef;
  a: BufferRef;
  b: BufferRef;
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
}

export interface EntrywiseStep {
  kind: 'entrywise';
  line: number;
  out: BufferRef;
  /** In binding order. */
  inputs: BufferRef[];
  /** The generated WGSL. */
  code: string;
}

export type GpuStep = MatmulStep | EntrywiseStep;

export interface GpuProgram {
  steps: GpuStep[];
  /** Buffers the program owns (its lines', its temporaries', its vectors of ones), to allocate at bind. */
  scratch: BufferRef[];
  /** Given tensors the steps read (X, T, A, V1, …, W1, b1, …). */
  reads: string[];
  /** Each parameter whose gradient the program writes (W1, b1, …; W). */
  writes: string[];
}

/** Storage buffers a kernel may bind by WebGPU's default limits: the entrywise kernels keep one for their output. */
const MAX_STORAGE_BUFFERS = 8;

/** Why a report cannot be lowered, or null. */
export function lowerProblem(report: DerivationReport): string | null {
  const { summary } = report;
  if (summary.errors > 0) return `fix the ${summary.errors === 1 ? 'line in error' : `${summary.errors} lines in error`} first`;
  if (summary.missing.length > 0) return `define ${summary.missing.join(', ')} first`;
  return null;
}

/**
 * The GPU steps of a report whose lines all parse and fit (lowerProblem says null). A parameter's
 * gradient line writes the gradient buffer directly, unless a later line reads it: a kernel may not
 * read and write one buffer, so such a line writes a buffer of its own, copied at the end.
 */
export function lowerDerivation(report: DerivationReport): GpuProgram {
  const problem = lowerProblem(report);
  if (problem) throw new RangeError(`cannot train with this derivation: ${problem}`);
  return new Lowering(report).run();
}

class Lowering {
  private readonly steps: GpuStep[] = [];
  private readonly scratch = new Map<string, BufferRef>();
  private readonly reads = new Set<string>();
  private readonly given: Map<string, Shape>;
  private readonly dimensions: Map<string, number>;
  /** Parameter gradient name (dW1) → parameter (W1). */
  private readonly parameterOf = new Map<string, string>();
  private readonly lineBuffers = new Map<string, BufferRef>();
  private readonly functions: FunctionDefinition[] = [];
  private temps = 0;
  private line = 0;

  constructor(private readonly report: DerivationReport) {
    const { layout } = report;
    this.given = new Map(layout.given.map((g) => [g.name, g.shape]));
    this.dimensions = new Map(layout.dimensions.map((d) => [d.name, d.size]));
    for (const g of layout.gradients) if (g.ofParameter) this.parameterOf.set(g.name, g.name.slice(1));
  }

  run(): GpuProgram {
    const tensorLines = this.report.lines.filter((r) => r.definition?.kind === 'tensor');
    for (const r of this.report.lines) if (r.definition?.kind === 'function') this.functions.push(r.definition);
    const readLater = new Set(tensorLines.flatMap((r) => r.dependsOn));
    const copies: Array<{ line: number; from: BufferRef; to: BufferRef }> = [];
    for (const r of tensorLines) {
      this.line = r.line;
      const name = r.definition!.name;
      const shape = r.shape!;
      const parameter = this.parameterOf.get(name);
      let out: BufferRef;
      if (parameter && !readLater.has(name)) out = { name: `grad:${parameter}`, rows: shape.rows.size, cols: shape.cols.size };
      else {
        out = this.own(name, shape);
        if (parameter) copies.push({ line: r.line, from: out, to: { name: `grad:${parameter}`, rows: out.rows, cols: out.cols } });
      }
      this.lineBuffers.set(name, out);
      this.into(r, (r.definition as { expr: Expr }).expr, out);
    }
    for (const c of copies) {
      this.line = c.line;
      this.entrywise(c.to, { kind: 'name', name: c.from.name, span: { line: c.line, column: 1, endColumn: 1 } }, new Map([[c.from.name, c.from]]));
    }
    const writes = [...this.parameterOf.values()].filter((p) => this.steps.some((s) => s.out.name === `grad:${p}`));
    return { steps: this.steps, scratch: [...this.scratch.values()], reads: [...this.reads], writes };
  }

  private own(name: string, shape: Shape): BufferRef {
    const ref = { name, rows: shape.rows.size, cols: shape.cols.size };
    this.scratch.set(name, ref);
    return ref;
  }

  private temp(rows: number, cols: number): BufferRef {
    const ref = { name: `tmp${++this.temps}`, rows, cols };
    this.scratch.set(ref.name, ref);
    return ref;
  }

  private ones(length: number): BufferRef {
    const name = `ones:${length}`;
    const ref = this.scratch.get(name) ?? { name, rows: length, cols: 1 };
    this.scratch.set(name, ref);
    return ref;
  }

  private shape(r: LineReport, e: Expr): { rows: number; cols: number } {
    const s = r.shapes!.get(e)!;
    return { rows: s.rows.size, cols: s.cols.size };
  }

  /** The buffer a tensor name stands for. */
  private named(name: string): BufferRef {
    const line = this.lineBuffers.get(name);
    if (line) return line;
    const s = this.given.get(name);
    if (!s) throw new RangeError(`${name} has no buffer`);
    this.reads.add(name);
    return { name, rows: s.rows.size, cols: s.cols.size };
  }

  /** Computes `e` into `out`. */
  private into(r: LineReport, e: Expr, out: BufferRef): void {
    if (e.kind === 'binary' && e.op === '@') this.product(r, e.left, e.right, out, 1);
    else if (e.kind === 'call' && isReduction(e.callee)) this.reduction(r, e, out);
    else {
      const inputs = new Map<string, BufferRef>();
      const fused = this.fuse(r, e, inputs);
      this.entrywise(out, fused, inputs);
    }
  }

  /** A buffer holding `e`: the name's own where it is one, else a temporary computed here. */
  private materialize(r: LineReport, e: Expr): BufferRef {
    if (e.kind === 'name' && !this.dimensions.has(e.name)) return this.named(e.name);
    const { rows, cols } = this.shape(r, e);
    const out = this.temp(rows, cols);
    this.into(r, e, out);
    return out;
  }

  /** An operand of a product: a buffer and whether it is read transposed (a `.T` costs nothing there). */
  private operand(r: LineReport, e: Expr): { ref: BufferRef; trans: boolean } {
    let trans = false;
    while (e.kind === 'transpose') {
      trans = !trans;
      e = e.operand;
    }
    return { ref: this.materialize(r, e), trans };
  }

  private product(r: LineReport, left: Expr, right: Expr, out: BufferRef, alpha: number): void {
    const a = this.operand(r, left);
    const b = this.operand(r, right);
    const M = a.trans ? a.ref.cols : a.ref.rows;
    const K = a.trans ? a.ref.rows : a.ref.cols;
    const N = b.trans ? b.ref.rows : b.ref.cols;
    this.steps.push({ kind: 'matmul', line: this.line, out, a: a.ref, b: b.ref, transA: a.trans, transB: b.trans, M, N, K, alpha });
  }

  /** sum(E, 0) = 1ᵀ E, sum(E, 1) = E 1, sum(E) = 1ᵀ E 1; mean divides by the count in the product's alpha. */
  private reduction(r: LineReport, e: Extract<Expr, { kind: 'call' }>, out: BufferRef): void {
    const arg = this.operand(r, e.args[0]!);
    const rows = arg.trans ? arg.ref.cols : arg.ref.rows;
    const cols = arg.trans ? arg.ref.rows : arg.ref.cols;
    const axisNode = e.args[1];
    const axis = axisNode?.kind === 'number' ? axisNode.value : null;
    const mean = e.callee === 'mean';
    const count = axis === 0 ? rows : axis === 1 ? cols : rows * cols;
    const alpha = mean ? 1 / count : 1;
    const onesRow = this.ones(rows); // stored [rows, 1], read transposed as the row 1ᵀ [1, rows]
    const onesCol = this.ones(cols);
    const push = (o: BufferRef, a: BufferRef, transA: boolean, b: BufferRef, transB: boolean, M: number, N: number, K: number, al: number) =>
      this.steps.push({ kind: 'matmul', line: this.line, out: o, a, b, transA, transB, M, N, K, alpha: al });
    if (axis === 0) push(out, onesRow, true, arg.ref, arg.trans, 1, cols, rows, alpha);
    else if (axis === 1) push(out, arg.ref, arg.trans, onesCol, false, rows, 1, cols, alpha);
    else {
      const colSums = this.temp(1, cols);
      push(colSums, onesRow, true, arg.ref, arg.trans, 1, cols, rows, 1);
      push(out, colSums, false, onesCol, false, 1, 1, cols, alpha);
    }
  }

  /**
   * The entrywise part of `e`: products, reductions and transposed non-names become buffers of
   * their own (computed first), read here like the names. Returns the tree the kernel evaluates.
   */
  private fuse(r: LineReport, e: Expr, inputs: Map<string, BufferRef>): Expr {
    const buffer = (ref: BufferRef, transposed: boolean): Expr => {
      inputs.set(ref.name, ref);
      const name: Expr = { kind: 'name', name: ref.name, span: e.span };
      return transposed ? { kind: 'transpose', operand: name, span: e.span } : name;
    };
    switch (e.kind) {
      case 'number':
        return e;
      case 'name':
        return this.dimensions.has(e.name) ? { kind: 'number', value: this.dimensions.get(e.name)!, span: e.span } : buffer(this.named(e.name), false);
      case 'transpose': {
        const { ref, trans } = this.operand(r, e);
        return buffer(ref, trans);
      }
      case 'negate':
        return { ...e, operand: this.fuse(r, e.operand, inputs) };
      case 'binary':
        if (e.op === '@') return buffer(this.materialize(r, e), false);
        return { ...e, left: this.fuse(r, e.left, inputs), right: this.fuse(r, e.right, inputs) };
      case 'call':
        if (isReduction(e.callee)) return buffer(this.materialize(r, e), false);
        if (e.callee === 'ones') return { kind: 'number', value: 1, span: e.span };
        return { ...e, args: [this.fuse(r, e.args[0]!, inputs)] };
    }
  }

  private entrywise(out: BufferRef, tree: Expr, inputs: Map<string, BufferRef>): void {
    const list = [...inputs.values()];
    if (list.length > MAX_STORAGE_BUFFERS - 1) {
      throw new RangeError(
        `line ${this.line} reads ${list.length} tensors at once, more than a GPU kernel may bind (${MAX_STORAGE_BUFFERS - 1}): split it into helper lines`,
      );
    }
    const bound: EntrywiseInput[] = list.map((ref) => ({ name: ref.name, rows: ref.rows, cols: ref.cols }));
    const code = entrywiseKernel({ line: this.line, out, inputs: bound, tree, functions: this.functions });
    this.steps.push({ kind: 'entrywise', line: this.line, out, inputs: list, code });
  }
}

/** One line per step, as the page shows beside the line: "matmul(dZ.T, Y1) → dW2 [3, 8]". */
export function describeStep(s: GpuStep): string {
  const shown = (ref: BufferRef) => (ref.name.startsWith('grad:') ? `d${ref.name.slice(5)}` : ref.name.startsWith('ones:') ? 'ones' : ref.name);
  const out = `${shown(s.out)} [${s.out.rows}, ${s.out.cols}]`;
  if (s.kind === 'entrywise') return `entrywise kernel(${s.inputs.map(shown).join(', ')}) → ${out}`;
  const alpha = s.alpha === 1 ? '' : `${+s.alpha.toPrecision(6)} · `;
  return `${alpha}matmul(${shown(s.a)}${s.transA ? '.T' : ''}, ${shown(s.b)}${s.transB ? '.T' : ''}) → ${out}  (matmul kernel, transA=${s.transA}, transB=${s.transB})`;
}
