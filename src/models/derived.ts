// A network whose backward pass is a student's derivation: the built-in forward pass and loss (so
// the loss and metrics are the true ones), then the derivation's lines lowered to GPU steps
// (src/derive/lower.ts): products on the project's matmul kernels with their transpose flags, the
// rest of each line in one generated entrywise kernel. With a right derivation it trains as the
// built-in backward does, to float32 rounding; with a wrong one it trains as that derivation says.
import { ENTRYWISE_WG } from '../derive/entrywise-wgsl';
import type { BufferRef } from '../derive/lower';
import { storageBuffer, type Binding } from '../gpu/buffers';
import { grid1d, Kernel, packUniform, type Dispatch } from '../gpu/kernel';
import { DeriveInputs } from '../kernels/derive-inputs';
import { Matmul } from '../kernels/matmul';
import { UserError } from '../base/errors';
import type { Derivation } from './derivation';
import type { BoundPass, Network, NetworkOptions, PassIO } from './network';

const variantKey = (transA: boolean, transB: boolean) => `${Number(transA)}${Number(transB)}`;

export class DerivedNetwork implements Network {
  readonly kind: Network['kind'];
  readonly layout: Network['layout'];
  readonly gradientRows: number;

  private constructor(
    private readonly device: GPUDevice,
    private readonly base: Network,
    private readonly derivation: Derivation,
    private readonly k: { entrywise: Kernel[]; matmuls: Map<string, Matmul>; inputs: DeriveInputs | null },
  ) {
    this.kind = base.kind;
    this.layout = base.layout;
    this.gradientRows = derivation.batch;
  }

  get inputSize(): number {
    return this.base.inputSize;
  }

  get classes(): number {
    return this.base.classes;
  }

  /** Compiles the derivation's kernels beside a built network (one without a mistake). */
  static async create(device: GPUDevice, base: Network, derivation: Derivation, opts: NetworkOptions = {}): Promise<DerivedNetwork> {
    const { program } = derivation;
    const missing = base.layout.slots.map((s) => s.name).filter((name) => !program.writes.includes(name));
    if (missing.length > 0) throw new UserError(`Cannot train with this derivation: it gives no gradient for ${missing.join(', ')}.`);
    const variants = new Map<string, { transA: boolean; transB: boolean }>();
    for (const s of program.steps) if (s.kind === 'matmul') variants.set(variantKey(s.transA, s.transB), { transA: s.transA, transB: s.transB });
    const entrywiseSteps = program.steps.filter((s) => s.kind === 'entrywise');
    const [entrywise, matmuls, inputs] = await Promise.all([
      Promise.all(entrywiseSteps.map((s) => Kernel.create(device, { label: `derive/line${s.line}`, code: s.code, inputs: s.inputs.length, outputs: 1 }))),
      Promise.all([...variants].map(async ([key, v]) => [key, await Matmul.create(device, v, opts.matmulPaths, { anyVariant: opts.anyVariant })] as const)),
      program.reads.some((n) => n === 'A' || n === 'T') ? DeriveInputs.create(device) : null,
    ]);
    return new DerivedNetwork(device, base, derivation, { entrywise, matmuls: new Map(matmuls), inputs });
  }

  bind(label: string, io: PassIO, rows: number, batch: number): BoundPass {
    const pass = this.base.bind(label, { ...io, grads: undefined }, rows, batch);
    if (!io.grads) return pass;
    const { program } = this.derivation;
    if (rows !== this.derivation.batch || batch !== this.derivation.batch) {
      pass.destroy();
      throw new RangeError(`the derivation was lowered for a batch of ${this.derivation.batch}, not ${rows}`);
    }
    const { device, k, layout } = this;
    const grads = io.grads;
    const scratch: GPUBuffer[] = [];
    const own = new Map<string, Binding>();
    for (const ref of program.scratch) {
      const floats = ref.rows * ref.cols;
      const b = ref.name.startsWith('ones:')
        ? storageBuffer(device, `${label}/${ref.name}`, new Float32Array(floats).fill(1))
        : storageBuffer(device, `${label}/${ref.name}`, floats * 4);
      scratch.push(b);
      own.set(ref.name, b);
    }
    const backward: Dispatch[] = [];
    if (k.inputs) {
      const C = this.base.classes;
      const A = storageBuffer(device, `${label}/A`, rows * C * 4);
      const T = storageBuffer(device, `${label}/T`, rows * C * 4);
      scratch.push(A, T);
      own.set('A', A).set('T', T);
      backward.push(k.inputs.bind(`${label}/derive-inputs`, { Z: pass.tensors.Z!, labels: io.labels, A, T }, rows, C));
    }
    const parameters = new Set(layout.slots.map((s) => s.name));
    const binding = (ref: BufferRef): Binding => {
      if (ref.name.startsWith('grad:')) return layout.binding(grads, ref.name.slice(5));
      const b =
        own.get(ref.name) ?? pass.tensors[ref.name] ?? (ref.name === 'X' ? io.X : parameters.has(ref.name) ? layout.binding(io.params, ref.name) : undefined);
      if (!b) throw new Error(`derive: no buffer for ${ref.name}`);
      return b;
    };
    let entrywise = 0;
    for (const s of program.steps) {
      if (s.kind === 'matmul') {
        const matmul = k.matmuls.get(variantKey(s.transA, s.transB))!;
        backward.push(
          matmul.bind(`${label}/line${s.line}`, { A: binding(s.a), B: binding(s.b), C: binding(s.out) }, { M: s.M, N: s.N, K: s.K, alpha: s.alpha }),
        );
      } else {
        const count = s.out.rows * s.out.cols;
        const kernel = k.entrywise[entrywise++]!;
        backward.push(kernel.bind(`${label}/line${s.line}`, s.inputs.map(binding), [binding(s.out)], packUniform([['u', count]]), grid1d(count, ENTRYWISE_WG)));
      }
    }
    return {
      ...pass,
      backward,
      destroy() {
        pass.destroy();
        for (const b of [...scratch, ...backward.map((d) => d.uniform)]) b.destroy();
      },
    };
  }
}
