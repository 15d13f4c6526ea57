// The two-layer MLP on the GPU: V = X W1ᵀ + b1, Y = swish(V), Z = Y W2ᵀ + b2, softmax cross-entropy,
// and the hand-derived backward pass of MATH.md. Its float64 twin is src/reference/mlp.ts.
import { storageBuffer } from '../gpu/buffers';
import { checkBufferFits } from '../gpu/device';
import { Colsum } from '../kernels/colsum';
import { Matmul } from '../kernels/matmul';
import { SoftmaxXent } from '../kernels/softmax-xent';
import type { SwishDerivative } from '../reference/activations';
import { mlpTensorShapes, type MlpShape } from '../reference/mlp';
import type { BoundPass, Network, PassIO } from './network';
import { ParamLayout } from './params';

export class MlpNetwork implements Network {
  readonly kind = 'mlp';
  readonly layout: ParamLayout;

  private constructor(
    private readonly device: GPUDevice,
    readonly shape: MlpShape,
    private readonly k: {
      layer1: Matmul; // V = X W1ᵀ + b1, Y = swish(V)
      layer2: Matmul; // Z = Y W2ᵀ + b2
      loss: SoftmaxXent;
      outer: Matmul; // dW = Gᵀ A, the batch's outer products
      backLayer2: Matmul; // G_V = (G_Z W2) ⊙ swish'(V)
      colsum: Colsum;
    },
  ) {
    this.layout = new ParamLayout(Object.entries(mlpTensorShapes(shape)), device.limits.minStorageBufferOffsetAlignment);
  }

  get inputSize(): number {
    return this.shape.D;
  }

  get classes(): number {
    return this.shape.C;
  }

  /** Compiles the pipelines (once per device, cached). */
  static async create(
    device: GPUDevice,
    shape: MlpShape,
    opts: { swishDerivative?: SwishDerivative } = {},
  ): Promise<MlpNetwork> {
    const { D, H, C } = shape;
    for (const [name, v] of Object.entries(shape)) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`MLP size ${name} must be a positive integer`);
    }
    checkBufferFits(device, H * Math.max(D, C) * 4, `the weights (${H}×${Math.max(D, C)})`);
    const [layer1, layer2, loss, outer, backLayer2, colsum] = await Promise.all([
      Matmul.create(device, { transB: true, epilogue: 'bias-swish' }),
      Matmul.create(device, { transB: true, epilogue: 'bias' }),
      SoftmaxXent.create(device),
      Matmul.create(device, { transA: true }),
      Matmul.create(device, { epilogue: 'swish-backward', wrongSwishPrime: opts.swishDerivative === 'wrong' }),
      Colsum.create(device),
    ]);
    return new MlpNetwork(device, shape, { layer1, layer2, loss, outer, backLayer2, colsum });
  }

  bind(label: string, io: PassIO, rows: number, batch: number): BoundPass {
    const { D, H, C } = this.shape;
    const { device, k, layout } = this;
    checkBufferFits(device, rows * H * 4, `the hidden activations (${rows}×${H})`);
    const V = storageBuffer(device, `${label}/V`, rows * H * 4); // [rows, H]
    const Y = storageBuffer(device, `${label}/Y`, rows * H * 4); // [rows, H]
    const Z = storageBuffer(device, `${label}/Z`, rows * C * 4); // [rows, C]
    const GZ = storageBuffer(device, `${label}/GZ`, rows * C * 4); // [rows, C]
    const scratch = [V, Y, Z, GZ];
    const p = (name: string) => layout.binding(io.params, name);
    const forward = [
      k.layer1.bind(`${label}/layer1`, { A: io.X, B: p('W1'), aux: p('b1'), C: Y, C2: V }, { M: rows, N: H, K: D }),
      k.layer2.bind(`${label}/layer2`, { A: Y, B: p('W2'), aux: p('b2'), C: Z }, { M: rows, N: C, K: H }),
      k.loss.bind(`${label}/softmax-xent`, { Z, labels: io.labels, GZ, rowStats: io.rowStats }, rows, C, batch),
    ];
    const backward = [];
    if (io.grads) {
      const g = (name: string) => layout.binding(io.grads!, name);
      const GV = storageBuffer(device, `${label}/GV`, rows * H * 4); // [rows, H]
      scratch.push(GV);
      backward.push(
        k.outer.bind(`${label}/dW2`, { A: GZ, B: Y, C: g('W2') }, { M: C, N: H, K: rows }),
        k.colsum.bind(`${label}/db2`, GZ, g('b2'), rows, C),
        k.backLayer2.bind(`${label}/GV`, { A: GZ, B: p('W2'), aux: V, C: GV }, { M: rows, N: H, K: C }),
        k.outer.bind(`${label}/dW1`, { A: GV, B: io.X, C: g('W1') }, { M: H, N: D, K: rows }),
        k.colsum.bind(`${label}/db1`, GV, g('b1'), rows, H),
      );
    }
    const uniforms = [...forward, ...backward].map((d) => d.uniform);
    return {
      output: Z,
      forward,
      backward,
      destroy() {
        for (const b of [...scratch, ...uniforms]) b.destroy();
      },
    };
  }
}
