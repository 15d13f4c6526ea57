// The workhorse: C = alpha · op(A) · op(B) (+ beta · C) with a fused epilogue (shaders/matmul.wgsl).
import code from '../../shaders/matmul.wgsl?raw';
import { placeholderBuffers, type Binding } from '../gpu/buffers';
import { Kernel, packUniform, wgslConst, type Dispatch } from '../gpu/kernel';
import { rememberedVariant } from '../gpu/tune';
import { ACTIVATIONS, type Activation } from '../reference/activations';

/** Side of the C tile one workgroup of the tiled path computes: its dispatch grid is derived from it. */
export const MATMUL_TILE = wgslConst(code, 'TILE');
/**
 * mainWide's index math assumes one vec4 of each staged slice per thread and padded slice rows;
 * mainBlock's tile is its threads times their 8×8 blocks.
 */
function checkTileConstants(): void {
  const c = (name: string) => wgslConst(code, name);
  const wide =
    c('WTK') * c('WVEC') === c('WG') ** 2 &&
    c('WVEC') * 4 === c('WTILE') &&
    c('WROW') === c('WVEC') + 1 &&
    c('WG') * 4 === c('WHALF') &&
    c('WHALF') * 2 === c('WTILE');
  if (!wide) throw new Error('shaders/matmul.wgsl: the mainWide constants do not fit together');
  if (c('SWG') * c('SROWS') !== c('BTILE') || c('SWG') * c('BCOLS') !== c('BTILE')) {
    throw new Error('shaders/matmul.wgsl: the mainBlock constants do not fit together');
  }
}
checkTileConstants();

/** Rows and columns of the C tile of one workgroup of each entry point. */
const TILES: Record<MatmulPath, { M: number; N: number }> = {
  tiled: { M: MATMUL_TILE, N: MATMUL_TILE },
  wide: { M: wgslConst(code, 'WTILE'), N: wgslConst(code, 'WTILE') },
  small: { M: wgslConst(code, 'STILE_M'), N: wgslConst(code, 'STILE_N') },
  block: { M: wgslConst(code, 'BTILE'), N: wgslConst(code, 'BTILE') },
  splitk: { M: wgslConst(code, 'KTILE'), N: wgslConst(code, 'KTILE') },
};
const ENTRY_POINTS: Record<MatmulPath, string> = { tiled: 'main', wide: 'mainWide', small: 'mainSmall', block: 'mainBlock', splitk: 'mainSplitK' };
/** Up to this many 64×64 tiles, a GPU would sit mostly idle on the tiled path: the small path runs. */
const SMALL_PATH_MAX_TILES = 4;
/** Entry points whose sums are bit for bit the same: the tuner chooses among these only. */
const SAME_ORDER: readonly MatmulPath[] = ['tiled', 'wide', 'small', 'block'];
/** What a GPU compiles (and the tuner times) unless told otherwise. */
const GPU_PATHS: readonly MatmulPath[] = ['tiled', 'wide', 'small'];
/** What a CPU adapter compiles: the 8×8 blocks, fastest there at all sizes measured but one, where runs disagreed (docs/performance.md). */
const CPU_PATH: MatmulPath = 'block';

/** The entry points of shaders/matmul.wgsl, one per shape of problem (see its header). */
export const MATMUL_PATHS = ['tiled', 'wide', 'small', 'block', 'splitk'] as const;
export type MatmulPath = (typeof MATMUL_PATHS)[number];
/** A path a GPU may do without; 'tiled' and 'small' are what the rule falls back on. */
const OPTIONAL_PATH: MatmulPath = 'wide';

/** What happens to r = alpha·acc (+ beta·C) before it is stored; f is the variant's activation. */
export type Epilogue = 'none' | 'bias' | 'bias-activation' | 'activation-backward' | 'subtract';
const EPILOGUES: Record<Epilogue, number> = { none: 0, bias: 1, 'bias-activation': 2, 'activation-backward': 3, subtract: 4 };

export interface MatmulVariant {
  /** A is stored [K, M] and read transposed. */
  transA?: boolean;
  /** B is stored [N, K] and read transposed. */
  transB?: boolean;
  epilogue?: Epilogue;
  /** f of the 'bias-activation' and 'activation-backward' epilogues (default swish); ACTIVATION in the shader is its index. */
  activation?: Activation;
  /** The swish-prime mistake of MATH.md's catalogue: σ(v)(2 − σ(v)) in the 'activation-backward' epilogue (swish only). */
  wrongSwishPrime?: boolean;
}

/**
 * Buffers of one matmul. aux: bias [N] for 'bias' and 'bias-activation', V [M,N] for
 * 'activation-backward', the subtrahend [M,N] for 'subtract'. C2: the pre-activation [M,N] for
 * 'bias-activation'.
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
  /** Force an entry point (tests, benchmarks); otherwise the one timed fastest for this shape on this device, or a rule. */
  path?: MatmulPath;
}

/**
 * True for CPU implementations of WebGPU (SwiftShader), where a workgroup barrier costs far more
 * than the loads it saves, so a path without barriers wins at every size (the block path: loads
 * from storage cost more there than the arithmetic, and it makes a third fewer per multiply-add).
 */
export function isCpuAdapter(info: GPUAdapterInfo | undefined): boolean {
  if (!info) return false;
  return /swiftshader|llvmpipe|lavapipe|warp/i.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}

/** A compiled matmul variant: one pipeline per entry point this device may use. */
export class Matmul {
  private constructor(
    readonly label: string,
    private readonly kernels: Partial<Record<MatmulPath, Kernel>>,
    private readonly cpuAdapter: boolean,
  ) {}

  /**
   * Compiles `paths` (default: the block path alone on a CPU adapter, where no barrier pays;
   * on a GPU the paths the tuner chooses among, GPU_PATHS — split K and block only when asked for).
   */
  static async create(device: GPUDevice, variant: MatmulVariant = {}, paths?: readonly MatmulPath[]): Promise<Matmul> {
    const { transA = false, transB = false, epilogue = 'none', activation = 'swish', wrongSwishPrime = false } = variant;
    if (wrongSwishPrime && activation !== 'swish') throw new RangeError('the wrong swish′ exists for swish only');
    if (!ACTIVATIONS.includes(activation)) throw new RangeError(`unknown activation '${String(activation)}'`);
    const activated = epilogue === 'bias-activation' || epilogue === 'activation-backward';
    const what = activated ? `${epilogue}(${activation}${wrongSwishPrime ? ', wrong' : ''})` : epilogue;
    const label = `matmul/${transA ? 'At' : 'A'}${transB ? 'Bt' : 'B'}+${what}`;
    const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    const cpuAdapter = isCpuAdapter(info);
    const compiled = paths ?? (cpuAdapter ? [CPU_PATH] : GPU_PATHS);
    const constants = {
      TRANS_A: Number(transA),
      TRANS_B: Number(transB),
      EPILOGUE: EPILOGUES[epilogue],
      ACTIVATION: ACTIVATIONS.indexOf(activation),
      WRONG_SWISH_PRIME: Number(wrongSwishPrime),
    };
    const built = await Promise.allSettled(
      compiled.map((path) => Kernel.create(device, { label: `${label}/${path}`, code, inputs: 3, outputs: 2, constants, entryPoint: ENTRY_POINTS[path] })),
    );
    const kernels: Partial<Record<MatmulPath, Kernel>> = {};
    built.forEach((b, i) => {
      const path = compiled[i]!;
      if (b.status === 'fulfilled') kernels[path] = b.value;
      // Wide is an extra: a driver that refuses it (registers, workgroup size) loses only that path.
      else if (path !== OPTIONAL_PATH || paths) throw b.reason;
    });
    return new Matmul(label, kernels, cpuAdapter);
  }

  /** The compiled entry points. */
  get paths(): MatmulPath[] {
    return MATMUL_PATHS.filter((p) => this.kernels[p]);
  }

  /**
   * The entry point for a C of M×N (depth K) when none is forced: the one timed fastest for this
   * shape on this device (src/gpu/tune.ts), else a rule — the block path on CPU adapters, the small
   * path where the 64×64 tiles would leave a GPU mostly idle, the tiled path otherwise.
   */
  choosePath(M: number, N: number, K: number): MatmulPath {
    const timed = rememberedVariant(this.device, this.tuneKey(M, N, K));
    if (timed && this.kernels[timed as MatmulPath]) return timed as MatmulPath;
    if (this.cpuAdapter && this.kernels[CPU_PATH]) return CPU_PATH;
    if (this.cpuAdapter || !this.kernels.tiled) return this.paths.includes('small') ? 'small' : this.paths[0]!;
    return Math.ceil(M / MATMUL_TILE) * Math.ceil(N / MATMUL_TILE) <= SMALL_PATH_MAX_TILES && this.kernels.small ? 'small' : 'tiled';
  }

  /**
   * The entry points worth timing for this shape: 128×128 tiles only where both sides fill one.
   * Only paths that add the K products in the same order (k = 0, 1, …, one fma each) are timed, so
   * that whichever wins today, a seed gives the same run bit for bit; split K adds in another order
   * and runs only when forced (bench --matmul), until a rule that depends on the shape alone is
   * measured for it.
   */
  candidates(M: number, N: number): MatmulPath[] {
    const wide = TILES.wide.M;
    return this.paths.filter((p) => SAME_ORDER.includes(p) && (p !== 'wide' || (M >= wide && N >= wide)));
  }

  /**
   * Binds one matmul. On a GPU with several entry points compiled, the dispatch carries its
   * alternatives (the other entry points, same buffers) for the tuner.
   */
  bind(label: string, ops: MatmulOperands, dims: MatmulDims): Dispatch {
    const { M, N, K } = dims;
    const path = dims.path ?? this.choosePath(M, N, K);
    const dispatch = this.bindPath(label, ops, dims, path);
    const others = this.candidates(M, N).filter((p) => p !== path);
    if (dims.path === undefined && others.length > 0) {
      dispatch.tuneKey = this.tuneKey(M, N, K);
      // A path whose grid exceeds a device limit is simply not an alternative.
      dispatch.alternatives = () =>
        others.flatMap((p) => {
          try {
            return [this.bindPath(label, ops, dims, p)];
          } catch {
            return [];
          }
        });
    }
    return dispatch;
  }

  private get device(): GPUDevice {
    return Object.values(this.kernels)[0]!.device;
  }

  /** The variant, the sizes and the paths the tuner may choose: a choice made among fewer is not reused where there are more. */
  private tuneKey(M: number, N: number, K: number): string {
    return `${this.label} ${M}×${N}×${K} [${this.paths.filter((p) => SAME_ORDER.includes(p)).join(',')}]`;
  }

  private bindPath(label: string, ops: MatmulOperands, dims: MatmulDims, path: MatmulPath): Dispatch {
    const kernel = this.kernels[path];
    if (!kernel) throw new Error(`${this.label}: the ${path} path was not compiled (have ${this.paths.join(', ')})`);
    const { read, write } = placeholderBuffers(kernel.device);
    const { M, N, K, alpha = 1, beta = 0 } = dims;
    const uniform = packUniform([
      ['u', M],
      ['u', N],
      ['u', K],
      ['f', alpha],
      ['f', beta],
    ]);
    const tile = TILES[path];
    const grid: [number, number] = [Math.ceil(N / tile.N), Math.ceil(M / tile.M)];
    const dispatch = kernel.bind(label, [ops.A, ops.B, ops.aux ?? read], [ops.C, ops.C2 ?? write], uniform, grid);
    dispatch.variant = path;
    return dispatch;
  }
}
