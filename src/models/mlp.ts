// The MLP on the GPU, 1 to 4 hidden layers: V_l = Y_{l−1} W_lᵀ + b_l, Y_l = f(V_l) (swish by default),
// Z = Y W_Lᵀ + b_L, softmax cross-entropy (or a regression's squared error), and the hand-derived
// backward pass of MATH.md, one product per tensor and per layer. Its float64 twin is src/reference/mlp.ts.
import { storageBuffer, type Binding } from '../gpu/buffers';
import { checkBufferFits } from '../gpu/device';
import type { Dispatch } from '../gpu/kernel';
import { Matmul } from '../kernels/matmul';
import type { LossKernel } from '../kernels/loss-kernel';
import { SoftmaxXent } from '../kernels/softmax-xent';
import { SquaredError } from '../kernels/squared-error';
import { mistakeProblem, type Mistake } from '../reference/mistakes';
import { activationOf, checkMlpShape, layerWidths, mlpTensorShapes, problemOf, type MlpShape } from '../reference/mlp';
import type { BoundPass, Network, NetworkOptions, PassIO } from './network';
import { ParamLayout } from './params';

export class MlpNetwork implements Network {
  readonly kind = 'mlp';
  readonly layout: ParamLayout;

  private constructor(
    private readonly device: GPUDevice,
    readonly shape: MlpShape,
    private readonly mistake: Mistake,
    private readonly k: {
      hidden: Matmul; // V_l = Y_{l−1} W_lᵀ + b_l, Y_l = f(V_l)
      output: Matmul; // Z = Y_{L−1} W_Lᵀ + b_L
      loss: LossKernel; // softmax cross-entropy, or the regression's squared error
      outer: Matmul; // dW_l = G_lᵀ Y_{l−1}, the batch's outer products
      back: Matmul; // G_{l−1} = (G_l W_l) ⊙ f′(V_{l−1})
      backTop: Matmul; // the same at the output layer: another variant only for the w2-layout mistake
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
  static async create(device: GPUDevice, shape: MlpShape, opts: NetworkOptions = {}): Promise<MlpNetwork> {
    checkMlpShape(shape);
    const widths = layerWidths(shape);
    for (let l = 1; l < widths.length; l++) {
      checkBufferFits(device, widths[l]! * widths[l - 1]! * 4, `the weights W${l} (${widths[l]}×${widths[l - 1]})`);
    }
    const activation = activationOf(shape);
    const mistake = opts.mistake ?? 'none';
    const refused = mistakeProblem(mistake, 'mlp', activation, problemOf(shape));
    if (refused) throw new RangeError(refused);
    const { matmulPaths: paths, anyVariant } = opts;
    const backward = { epilogue: 'activation-backward', activation, wrongSwishPrime: mistake === 'swish-prime' } as const;
    const [hidden, output, loss, outer, back, backFlipped, biasGrad] = await Promise.all([
      Matmul.create(device, { transB: true, epilogue: 'bias-activation', activation }, paths, { anyVariant }),
      Matmul.create(device, { transB: true, epilogue: 'bias' }, paths, { anyVariant }),
      problemOf(shape) === 'regression' ? SquaredError.create(device) : SoftmaxXent.create(device, { oneHot: mistake !== 'no-one-hot' }),
      Matmul.create(device, { transA: true }, paths, { anyVariant }),
      Matmul.create(device, backward, paths, { anyVariant }),
      // w2-layout: the output weights' [C, H] buffer read as [H, C], i.e. the transpose flag flipped.
      mistake === 'w2-layout' ? Matmul.create(device, { ...backward, transB: true }, paths, { anyVariant }) : null,
      Matmul.create(device, {}, paths, { anyVariant }),
    ]);
    return new MlpNetwork(device, shape, mistake, { hidden, output, loss, outer, back, backTop: backFlipped ?? back, biasGrad });
  }

  bind(label: string, io: PassIO, rows: number, batch: number): BoundPass {
    const { device, k, layout } = this;
    const widths = layerWidths(this.shape);
    const L = widths.length - 1; // layers with weights; the last one is the output
    const C = this.shape.C;
    for (let l = 1; l < L; l++) checkBufferFits(device, rows * widths[l]! * 4, `the hidden activations of layer ${l} (${rows}×${widths[l]})`);
    const scratch: GPUBuffer[] = [];
    const buffer = (name: string, floats: number) => {
      const b = storageBuffer(device, `${label}/${name}`, floats * 4);
      scratch.push(b);
      return b;
    };
    const p = (name: string) => layout.binding(io.params, name);
    // Y[0] is the input X; V[l], Y[l] are hidden layer l's [rows, H_l].
    const V: GPUBuffer[] = [];
    const Y: Binding[] = [io.X];
    const hidden: GPUBuffer[] = [];
    const forward: Dispatch[] = [];
    for (let l = 1; l < L; l++) {
      V[l] = buffer(`V${l}`, rows * widths[l]!);
      const y = buffer(`Y${l}`, rows * widths[l]!);
      Y[l] = y;
      hidden.push(y);
      forward.push(
        k.hidden.bind(`${label}/layer${l}`, { A: Y[l - 1]!, B: p(`W${l}`), aux: p(`b${l}`), C: y, C2: V[l]! }, { M: rows, N: widths[l]!, K: widths[l - 1]! }),
      );
    }
    const Z = buffer('Z', rows * C);
    const GZ = buffer('GZ', rows * C);
    forward.push(
      k.output.bind(`${label}/layer${L}`, { A: Y[L - 1]!, B: p(`W${L}`), aux: p(`b${L}`), C: Z }, { M: rows, N: C, K: widths[L - 1]! }),
      // no-batch-mean: G_Z left a sum over the batch (B = 1 in its 1/B).
      k.loss.bind(
        `${label}/${problemOf(this.shape) === 'regression' ? 'squared-error' : 'softmax-xent'}`,
        { Z, labels: io.labels, GZ, rowStats: io.rowStats },
        rows,
        C,
        this.mistake === 'no-batch-mean' ? 1 : batch,
      ),
    );
    const backward: Dispatch[] = [];
    if (io.grads) {
      const g = (name: string) => layout.binding(io.grads!, name);
      // db = 1ᵀ G; bias-one-row takes the first row alone, with (1, 0, …, 0) in place of 1.
      const ones = new Float32Array(rows).fill(this.mistake === 'bias-one-row' ? 0 : 1);
      ones[0] = 1;
      const onesRow = storageBuffer(device, `${label}/ones`, ones); // [1, rows]
      scratch.push(onesRow);
      // From the top: dW_l = G_lᵀ Y_{l−1}, db_l = 1ᵀ G_l, then G_{l−1} = (G_l W_l) ⊙ f′(V_{l−1}).
      let G = GZ;
      for (let l = L; l >= 1; l--) {
        backward.push(
          k.outer.bind(`${label}/dW${l}`, { A: G, B: Y[l - 1]!, C: g(`W${l}`) }, { M: widths[l]!, N: widths[l - 1]!, K: rows }),
          k.biasGrad.bind(`${label}/db${l}`, { A: onesRow, B: G, C: g(`b${l}`) }, { M: 1, N: widths[l]!, K: rows }),
        );
        if (l === 1) break;
        const below = buffer(`G${l - 1}`, rows * widths[l - 1]!);
        const back = l === L ? k.backTop : k.back;
        backward.push(back.bind(`${label}/G${l - 1}`, { A: G, B: p(`W${l}`), aux: V[l - 1]!, C: below }, { M: rows, N: widths[l - 1]!, K: widths[l]! }));
        G = below;
      }
    }
    const tensors: Record<string, Binding> = { Z };
    for (let l = 1; l < L; l++) Object.assign(tensors, { [`V${l}`]: V[l]!, [`Y${l}`]: Y[l]! });
    return {
      output: Z,
      hidden,
      tensors,
      forward,
      backward,
      destroy() {
        // The dispatches now in the lists: a tuner may have swapped some for alternatives.
        for (const b of [...scratch, ...[...forward, ...backward].map((d) => d.uniform)]) b.destroy();
      },
    };
  }
}
