// The workhorse: C = alpha · op(A) · op(B) (+ beta · C) with a fused epilogue (shaders/matmul.wgsl).
import code from '../../shaders/matmul.wgsl?raw';
import { placeholderBuffers, type Binding } from '../gpu/buffers';
import { Kernel, packUniform, wgslConst, type Dispatch } from '../gpu/kernel';

/** Side of the C tile one workgroup computes: the dispatch grid is derived from it. */
export const MATMUL_TILE = wgslConst(code, 'TILE');

/** What happens to r = alpha·acc (+ beta·C) before it is stored. */
export type Epilogue = 'none' | 'bias' | 'bias-swish' | 'swish-backward' | 'subtract';
const EPILOGUES: Record<Epilogue, number> = { none: 0, bias: 1, 'bias-swish': 2, 'swish-backward': 3, subtract: 4 };

export interface MatmulVariant {
  /** A is stored [K, M] and read transposed. */
  transA?: boolean;
  /** B is stored [N, K] and read transposed. */
  transB?: boolean;
  epilogue?: Epilogue;
  /** Use MATH.md's known-wrong swish' in the 'swish-backward' epilogue. */
  wrongSwishPrime?: boolean;
}

/**
 * Buffers of one matmul. aux: bias [N] for 'bias' and 'bias-swish', V [M,N] for 'swish-backward',
 * the subtrahend [M,N] for 'subtract'. C2: the pre-activation [M,N] for 'bias-swish'.
 */
export interface MatmulOperands {
  A: Binding;
  B: Binding;
  aux?: Binding;
  C: Binding;
  C2?: Binding;
}

export interface MatmulDims {
  M: number;
  N: number;
  K: number;
  alpha?: number;
  /** When non-zero, C is read and accumulated into: C = r + beta·C. */
  beta?: number;
}

/** A compiled matmul variant. */
export class Matmul {
  private constructor(private readonly kernel: Kernel) {}

  static async create(device: GPUDevice, variant: MatmulVariant = {}): Promise<Matmul> {
    const { transA = false, transB = false, epilogue = 'none', wrongSwishPrime = false } = variant;
    const label = `matmul/${transA ? 'At' : 'A'}${transB ? 'Bt' : 'B'}+${epilogue}${wrongSwishPrime ? '(wrong)' : ''}`;
    const kernel = await Kernel.create(device, {
      label,
      code,
      inputs: 3,
      outputs: 2,
      constants: {
        TRANS_A: Number(transA),
        TRANS_B: Number(transB),
        EPILOGUE: EPILOGUES[epilogue],
        WRONG_SWISH_PRIME: Number(wrongSwishPrime),
      },
    });
    return new Matmul(kernel);
  }

  bind(label: string, ops: MatmulOperands, dims: MatmulDims): Dispatch {
    const { read, write } = placeholderBuffers(this.kernel.device);
    const { M, N, K, alpha = 1, beta = 0 } = dims;
    const uniform = packUniform([['u', M], ['u', N], ['u', K], ['f', alpha], ['f', beta]]);
    const grid: [number, number] = [Math.ceil(N / MATMUL_TILE), Math.ceil(M / MATMUL_TILE)];
    return this.kernel.bind(label, [ops.A, ops.B, ops.aux ?? read], [ops.C, ops.C2 ?? write], uniform, grid);
  }
}
