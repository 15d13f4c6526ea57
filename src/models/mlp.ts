// The two-layer MLP on the GPU: V = X W1ᵀ + b1, Y = f(V) (swish by default), Z = Y W2ᵀ + b2, softmax
// cross-entropy, and the hand-derived backward pass of MATH.md. Its float64 twin is src/reference/mlp.ts.
import { storageBuffer } from '../gpu/buffers';
import { checkBufferFits } from '../gpu/device';
import type { Dispatch } from '../gpu/kernel';
import { Matmul, type MatmulPath } from '../kernels/matmul';
import { SoftmaxXent } from '../kernels/softmax-xent';
import { activationOf, mlpTensorShapes, type MlpShape } from '../reference/mlp';
import type { BoundPass, Network, NetworkOptions, PassIO } from './network';
import { ParamLayout } from './params';

export class MlpNetwork implements Network {
  readonly kind = 'mlp';
  readonly layout: ParamLayout;

  private constructor(
    private readonly device: GPUDevice,
    readonly shape: MlpShape,
    private readonly k: {
      layer1: Matmul; // V = X W1ᵀ + b1, Y = f(V)
      layer2: Matmul; // Z = Y W2ᵀ + b2
      loss: SoftmaxXent;
      outer: Matmul; // dW = Gᵀ A, the batch's outer products
      backLayer2: Matmul; // G_V = (G_Z W2) ⊙ f′(V)
      biasGrad: Matmul; // db = 1ᵀ G: the column sums, as a product so that it gets the matmul's parallel paths
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
    opts: NetworkOptions = {},
  ): Promise<MlpNetwork> {
    const { D, H, C } = shape;
    for (const [name, v] of Object.entries({ D, H, C })) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`MLP size ${name} must be a positive integer`);
    }
    const activation = activationOf(shape);
    checkBufferFits(device, H * Math.max(D, C) * 4, `the weights (${H}×${Math.max(D, C)})`);
    const paths = opts.matmulPaths;
    const [layer1, layer2, loss, outer, backLayer2, biasGrad] = await Promise.all([
      Matmul.create(device, { transB: true, epilogue: 'bias-activation', activation }, paths),
      Matmul.create(device, { transB: true, epilogue: 'bias' }, paths),
      SoftmaxXent.create(device),
      Matmul.create(device, { transA: true }, paths),
      Matmul.create(device, { epilogue: 'activation-backward', activation, wrongSwishPrime: opts.swishDerivative === 'wrong' }, paths),
      Matmul.create(device, {}, paths),
    ]);
    return new MlpNetwork(device, shape, { layer1, layer2, loss, outer, backLayer2, biasGrad });
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
    const backward: Dispatch[] = [];
    if (io.grads) {
      const g = (name: string) => layout.binding(io.grads!, name);
      const GV = storageBuffer(device, `${label}/GV`, rows * H * 4); // [rows, H]
      const ones = storageBuffer(device, `${label}/ones`, new Float32Array(rows).fill(1)); // [1, rows]
      scratch.push(GV, ones);
      backward.push(
        k.outer.bind(`${label}/dW2`, { A: GZ, B: Y, C: g('W2') }, { M: C, N: H, K: rows }),
        k.biasGrad.bind(`${label}/db2`, { A: ones, B: GZ, C: g('b2') }, { M: 1, N: C, K: rows }),
        k.backLayer2.bind(`${label}/GV`, { A: GZ, B: p('W2'), aux: V, C: GV }, { M: rows, N: H, K: C }),
        k.outer.bind(`${label}/dW1`, { A: GV, B: io.X, C: g('W1') }, { M: H, N: D, K: rows }),
        k.biasGrad.bind(`${label}/db1`, { A: ones, B: GV, C: g('b1') }, { M: 1, N: H, K: rows }),
      );
    }
    return {
      output: Z,
      forward,
      backward,
      destroy() {
        // The dispatches now in the lists: a tuner may have swapped some for alternatives.
        for (const b of [...scratch, ...[...forward, ...backward].map((d) => d.uniform)]) b.destroy();
      },
    };
  }
}
