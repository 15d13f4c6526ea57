// The tied-weight linear autoencoder on the GPU: Z = X Wᵀ, V = Z W − X, loss = mean ½‖V_i‖²,
// U = V Wᵀ, dW = (Uᵀ X + Zᵀ V)/B (MATH.md). Its float64 twin is src/reference/autoencoder.ts.
import { storageBuffer } from '../gpu/buffers';
import { checkBufferFits } from '../gpu/device';
import type { Dispatch } from '../gpu/kernel';
import { AutoencoderLoss } from '../kernels/autoencoder-loss';
import { Matmul } from '../kernels/matmul';
import type { AutoencoderShape } from '../reference/autoencoder';
import { mistakeProblem, type Mistake } from '../reference/mistakes';
import type { BoundPass, Network, NetworkOptions, PassIO } from './network';
import { ParamLayout } from './params';

export class AutoencoderNetwork implements Network {
  readonly kind = 'autoencoder';
  readonly classes = 1;
  readonly layout: ParamLayout;

  private constructor(
    private readonly device: GPUDevice,
    readonly shape: AutoencoderShape,
    private readonly mistake: Mistake,
    private readonly k: {
      encode: Matmul; // Z = X Wᵀ, and U = V Wᵀ
      decode: Matmul; // V = Z W − X
      loss: AutoencoderLoss;
      outer: Matmul; // dW = alpha·Gᵀ A (+ beta·dW)
    },
  ) {
    this.layout = new ParamLayout([['W', [shape.m, shape.n]]], device.limits.minStorageBufferOffsetAlignment);
  }

  get inputSize(): number {
    return this.shape.n;
  }

  static async create(device: GPUDevice, shape: AutoencoderShape, opts: NetworkOptions = {}): Promise<AutoencoderNetwork> {
    const mistake = opts.mistake ?? 'none';
    const problem = mistakeProblem(mistake, 'autoencoder', null);
    if (problem) throw new RangeError(problem);
    for (const [name, v] of Object.entries(shape)) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`autoencoder size ${name} must be a positive integer`);
    }
    checkBufferFits(device, shape.m * shape.n * 4, `the weights (${shape.m}×${shape.n})`);
    const { matmulPaths: paths, anyVariant } = opts;
    const [encode, decode, loss, outer] = await Promise.all([
      Matmul.create(device, { transB: true }, paths, { anyVariant }),
      Matmul.create(device, { epilogue: 'subtract' }, paths, { anyVariant }),
      AutoencoderLoss.create(device),
      Matmul.create(device, { transA: true }, paths, { anyVariant }),
    ]);
    return new AutoencoderNetwork(device, shape, mistake, { encode, decode, loss, outer });
  }

  bind(label: string, io: PassIO, rows: number, batch: number): BoundPass {
    const { n, m } = this.shape;
    const { device, k } = this;
    checkBufferFits(device, rows * n * 4, `the reconstructions (${rows}×${n})`);
    const Z = storageBuffer(device, `${label}/Z`, rows * m * 4); // [rows, m]
    const V = storageBuffer(device, `${label}/V`, rows * n * 4); // [rows, n]
    const scratch = [Z, V];
    const W = this.layout.binding(io.params, 'W');
    const forward = [
      k.encode.bind(`${label}/Z`, { A: io.X, B: W, C: Z }, { M: rows, N: m, K: n }),
      k.decode.bind(`${label}/V`, { A: Z, B: W, aux: io.X, C: V }, { M: rows, N: n, K: m }),
      k.loss.bind(`${label}/loss`, V, io.rowStats, rows, n),
    ];
    const backward: Dispatch[] = [];
    if (io.grads) {
      const dW = this.layout.binding(io.grads, 'W');
      const U = storageBuffer(device, `${label}/U`, rows * m * 4); // [rows, m]
      scratch.push(U);
      const alpha = this.mistake === 'no-batch-mean' ? 1 : 1 / batch; // no-batch-mean: a sum over the batch
      backward.push(
        k.encode.bind(`${label}/U`, { A: V, B: W, C: U }, { M: rows, N: m, K: n }),
        k.outer.bind(`${label}/UtX`, { A: U, B: io.X, C: dW }, { M: m, N: n, K: rows, alpha }),
      );
      // ae-one-term forgets the decoder's term.
      if (this.mistake !== 'ae-one-term') backward.push(k.outer.bind(`${label}/ZtV`, { A: Z, B: V, C: dW }, { M: m, N: n, K: rows, alpha, beta: 1 }));
    }
    return {
      output: V,
      tensors: { Z, V },
      hidden: [],
      forward,
      backward,
      destroy() {
        // The dispatches now in the lists: a tuner may have swapped some for alternatives.
        for (const b of [...scratch, ...[...forward, ...backward].map((d) => d.uniform)]) b.destroy();
      },
    };
  }
}
