// The workhorse: C = alpha · op(A) · op(B) (+ beta · C) with a fused epilogue (shaders/matmul.wgsl).
import code from '../../shaders/matmul.wgsl?raw';
import { placeholderBuffers, type Binding } from '../gpu/buffers';
import { Kernel, packUniform, wgslConst, type Dispatch } from '../gpu/kernel';

/** Side of the C tile one workgroup of the tiled path computes: its dispatch grid is derived from it. */
export const MATMUL_TILE = wgslConst(code, 'TILE');
/** Rows and columns of the C tile of one workgroup of the small path (`mainSmall`: no workgroup memory, no barriers). */
export const MATMUL_SMALL_TILE = { M: wgslConst(code, 'STILE_M'), N: wgslConst(code, 'STILE_N') };
/** Up to this many 64×64 tiles, a GPU would sit mostly idle on the tiled path: the small path runs. */
const SMALL_PATH_MAX_TILES = 4;

/** Which entry point runs: chosen from the shape and the adapter ('auto'), or forced (tests, benchmarks). */
export type MatmulPath = 'auto' | 'tiled' | 'small';

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
  path?: MatmulPath;
}

/**
 * True for CPU implementations of WebGPU (SwiftShader), where a workgroup barrier costs far more
 * than the loads it saves, so the small path wins at every size.
 */
export function isCpuAdapter(info: GPUAdapterInfo | undefined): boolean {
  if (!info) return false;
  return /swiftshader|llvmpipe|lavapipe|warp/i.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}

/** A compiled matmul variant. */
export class Matmul {
  private constructor(
    private readonly tiled: Kernel,
    private readonly small: Kernel,
    private readonly cpuAdapter: boolean,
  ) {}

  static async create(device: GPUDevice, variant: MatmulVariant = {}): Promise<Matmul> {
    const { transA = false, transB = false, epilogue = 'none', wrongSwishPrime = false } = variant;
    const label = `matmul/${transA ? 'At' : 'A'}${transB ? 'Bt' : 'B'}+${epilogue}${wrongSwishPrime ? '(wrong)' : ''}`;
    const spec = {
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
    };
    const [tiled, small] = await Promise.all([
      Kernel.create(device, spec),
      Kernel.create(device, { ...spec, label: `${label}/small`, entryPoint: 'mainSmall' }),
    ]);
    const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    return new Matmul(tiled, small, isCpuAdapter(info));
  }

  /** The path 'auto' takes for a C of M×N. */
  choosePath(M: number, N: number): 'tiled' | 'small' {
    if (this.cpuAdapter) return 'small';
    return Math.ceil(M / MATMUL_TILE) * Math.ceil(N / MATMUL_TILE) <= SMALL_PATH_MAX_TILES ? 'small' : 'tiled';
  }

  bind(label: string, ops: MatmulOperands, dims: MatmulDims): Dispatch {
    const { read, write } = placeholderBuffers(this.tiled.device);
    const { M, N, K, alpha = 1, beta = 0, path = 'auto' } = dims;
    const uniform = packUniform([['u', M], ['u', N], ['u', K], ['f', alpha], ['f', beta]]);
    const small = (path === 'auto' ? this.choosePath(M, N) : path) === 'small';
    const tile = small ? MATMUL_SMALL_TILE : { M: MATMUL_TILE, N: MATMUL_TILE };
    const grid: [number, number] = [Math.ceil(N / tile.N), Math.ceil(M / tile.M)];
    const kernel = small ? this.small : this.tiled;
    return kernel.bind(label, [ops.A, ops.B, ops.aux ?? read], [ops.C, ops.C2 ?? write], uniform, grid);
  }
}
