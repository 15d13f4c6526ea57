// Generates the WGSL of one entrywise kernel: one thread per entry of the output, every input read
// with numpy's broadcasting (a row, a column or a scalar stretches) and, where the tree says so,
// transposed. The text is made only from the checked tree's nodes (numbers, buffer names given by
// the lowering, the language's own operators and functions): nothing the student typed is copied in.
import type { Expr, FunctionDefinition } from './tree';

/** Threads per workgroup; the dispatch's grid is computed from the same constant. */
export const ENTRYWISE_WG = 64;

export interface EntrywiseInput {
  name: string;
  rows: number;
  cols: number;
}

export interface EntrywiseSpec {
  line: number;
  out: { name: string; rows: number; cols: number };
  /** The buffers the tree's names refer to, in binding order. */
  inputs: EntrywiseInput[];
  tree: Expr;
  /** Function lines (f, fprime, …), each applied entry by entry. */
  functions: readonly FunctionDefinition[];
}

/** The language's entrywise functions in f32; σ and tanh in forms that cannot overflow. */
const BUILTINS = `fn d_sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}
fn d_tanh(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}
fn d_relu(x: f32) -> f32 { return max(x, 0.0); }
fn d_step(x: f32) -> f32 { return select(0.0, 1.0, x > 0.0); }
fn d_exp(x: f32) -> f32 { return exp(x); }
fn d_log(x: f32) -> f32 { return log(x); }`;

/** A WGSL f32 literal for a number of the tree. */
export function f32Literal(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`${v} is not a finite number`);
  const text = Number.isInteger(v) && Math.abs(v) < 1e15 ? `${v}.0` : `${v}`;
  return v < 0 ? `(${text})` : text;
}

/** A WGSL identifier for a buffer: in_0, in_1, … (names like grad:W1 or ones:8 are not identifiers). */
const inputVar = (i: number) => `in_${i}`;

export function entrywiseKernel(spec: EntrywiseSpec): string {
  const { out, inputs, functions } = spec;
  const index = new Map(inputs.map((input, i) => [input.name, i]));
  const userFunctions = new Set(functions.map((f) => f.name));

  const read = (name: string, transposed: boolean): string => {
    const i = index.get(name);
    if (i === undefined) throw new RangeError(`${name} is not bound`);
    const input = inputs[i]!;
    // The entry (r, c) of the operand as the tree sees it: of the transpose, (c, r) of the buffer.
    const [rowVar, colVar] = transposed ? ['c', 'r'] : ['r', 'c'];
    const row = input.rows === 1 ? '0u' : rowVar;
    const col = input.cols === 1 ? '0u' : colVar;
    return `${inputVar(i)}[${row} * ${input.cols}u + ${col}]`;
  };

  const expr = (e: Expr, param: string | null): string => {
    switch (e.kind) {
      case 'number':
        return f32Literal(e.value);
      case 'name':
        if (e.name === param) return 'v';
        return read(e.name, false);
      case 'transpose':
        if (e.operand.kind !== 'name') throw new RangeError('only a buffer is read transposed');
        return read(e.operand.name, true);
      case 'negate':
        return `(-${expr(e.operand, param)})`;
      case 'binary': {
        const a = expr(e.left, param);
        if (e.op === '**' && e.right.kind === 'number' && Number.isInteger(e.right.value) && e.right.value >= 0 && e.right.value <= 4) {
          return e.right.value === 0 ? '1.0' : `(${Array(e.right.value).fill(a).join(' * ')})`;
        }
        const b = expr(e.right, param);
        if (e.op === '**') return `pow(${a}, ${b})`;
        if (e.op === '@') throw new RangeError('a product is not entrywise');
        return `(${a} ${e.op} ${b})`;
      }
      case 'call': {
        const arg = expr(e.args[0]!, param);
        if (userFunctions.has(e.callee)) return `u_${e.callee}(${arg})`;
        return `d_${e.callee}(${arg})`;
      }
    }
  };

  const declarations = inputs.map(
    (input, i) => `@group(0) @binding(${i}) var<storage, read> ${inputVar(i)}: array<f32>;  // ${input.name} [${input.rows}, ${input.cols}]`,
  );
  const outBinding = inputs.length;
  const userCode = functions.map((f) => `fn u_${f.name}(v: f32) -> f32 { return ${expr(f.body, f.param)}; }`);
  return `// derive/line ${spec.line}: ${out.name} [${out.rows}, ${out.cols}], one thread per entry.
${declarations.join('\n')}
@group(0) @binding(${outBinding}) var<storage, read_write> out: array<f32>;  // ${out.name} [${out.rows}, ${out.cols}]
struct Dims { count: u32 }
@group(0) @binding(${outBinding + 1}) var<uniform> dims: Dims;

${BUILTINS}
${userCode.join('\n')}

@compute @workgroup_size(${ENTRYWISE_WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * ${ENTRYWISE_WG}u + lid;
  if (i >= dims.count) { return; }
  let r = i / ${out.cols}u;
  let c = i % ${out.cols}u;
  out[i] = ${expr(spec.tree, null)};
}
`;
}
