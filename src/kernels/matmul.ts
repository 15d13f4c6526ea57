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
export function isCpuAdapter(info: AdapterNames | undefined): boolean {
  return info !== undefined && softwareAdapter(info) !== null;
}

/** What an adapter says of itself, where a software one names itself. */
type AdapterNames = Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'>;

/** Software adapters (a CPU behind a GPU's API), by the names they go by. */
const SOFTWARE_ADAPTERS = ['SwiftShader', 'llvmpipe', 'lavapipe', 'WARP'];

/** The software adapter `info` describes ("SwiftShader"), or null for a hardware GPU. */
export function softwareAdapter(info: AdapterNames): string | null {
  const said = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  return SOFTWARE_ADAPTERS.find((name) => said.includes(name.toLowerCase())) ?? null;
}

/** How a matmul variant is compiled. */
export interface MatmulOptions {
  /**
   * Start on pipelines that serve every variant (shaders/matmul.wgsl, VARIANT_FROM_DIMS): one per
   * entry point for every product on the device, quick to compile and slower to run. Only the
   * entry points that the rule chooses are compiled at first (block on a CPU adapter, tiled and
   * small on a GPU); `specialize` compiles the variant's own pipelines, of every entry point the
   * tuner may time, and each dispatch bound before it carries Dispatch.specialize.
   */
  anyVariant?: boolean;
}

/** A compiled matmul variant: one pipeline per entry point this device may use. */
export class Matmul {
  /** The pipeline of each entry point that binds use now. */
  private readonly kernels: Partial<Record<MatmulPath, Kernel>> = {};
  /** Entry points whose kernel in `kernels` serves any variant (until `specialize`). */
  private readonly anyVariant = new Set<MatmulPath>();
  /** Entry points that could not be compiled (the optional wide path on some drivers). */
  private readonly refused = new Set<MatmulPath>();
  private specializing: Promise<void> | null = null;

  private constructor(
    readonly label: string,
    private readonly device: GPUDevice,
    private readonly cpuAdapter: boolean,
    /** The entry points this matmul may use: asked for by name, or the adapter's default. */
    private readonly allowed: readonly MatmulPath[],
    /** Asked for by name: a path that fails to compile is an error, not an omission. */
    private readonly named: boolean,
    /** The variant as pipeline constants, for its own pipelines. */
    private readonly constants: Record<string, number>,
  ) {}

  /**
   * Compiles `paths` (default: the block path alone on a CPU adapter, where no barrier pays;
   * on a GPU the paths the tuner chooses among, GPU_PATHS — split K and block only when asked for).
   */
  static async create(device: GPUDevice, variant: MatmulVariant = {}, paths?: readonly MatmulPath[], opts: MatmulOptions = {}): Promise<Matmul> {
    const { transA = false, transB = false, epilogue = 'none', activation = 'swish', wrongSwishPrime = false } = variant;
    if (wrongSwishPrime && activation !== 'swish') throw new RangeError('the wrong swish′ exists for swish only');
    if (!ACTIVATIONS.includes(activation)) throw new RangeError(`unknown activation '${String(activation)}'`);
    const activated = epilogue === 'bias-activation' || epilogue === 'activation-backward';
    const what = activated ? `${epilogue}(${activation}${wrongSwishPrime ? ', wrong' : ''})` : epilogue;
    const label = `matmul/${transA ? 'At' : 'A'}${transB ? 'Bt' : 'B'}+${what}`;
    const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    const cpuAdapter = isCpuAdapter(info);
    const constants = {
      TRANS_A: Number(transA),
      TRANS_B: Number(transB),
      EPILOGUE: EPILOGUES[epilogue],
      ACTIVATION: ACTIVATIONS.indexOf(activation),
      WRONG_SWISH_PRIME: Number(wrongSwishPrime),
    };
    const allowed = paths ?? (cpuAdapter ? [CPU_PATH] : GPU_PATHS);
    const matmul = new Matmul(label, device, cpuAdapter, allowed, paths !== undefined, constants);
    // Wide is never the rule's choice: a quick start leaves it to the tuner, after `specialize`.
    if (opts.anyVariant) await matmul.compile(paths ?? allowed.filter((p) => p !== OPTIONAL_PATH), true);
    else await matmul.compile(allowed, false);
    return matmul;
  }

  /**
   * Compiles this variant's own pipeline of every allowed entry point, where binds used one that
   * serves any variant (MatmulOptions.anyVariant); binds from now on use them. Once per matmul.
   */
  specialize(): Promise<void> {
    this.specializing ??= this.compile(this.allowed, false);
    return this.specializing;
  }

  /** Compiles `paths` for this variant alone, or for any (`anyVariant`), and binds will use them. */
  private async compile(paths: readonly MatmulPath[], anyVariant: boolean): Promise<void> {
    const built = await Promise.allSettled(
      paths.map((path) =>
        Kernel.create(this.device, {
          label: anyVariant ? `matmul/any/${path}` : `${this.label}/${path}`,
          code,
          inputs: 3,
          outputs: 2,
          constants: anyVariant ? { VARIANT_FROM_DIMS: 1 } : this.constants,
          entryPoint: ENTRY_POINTS[path],
        }),
      ),
    );
    built.forEach((b, i) => {
      const path = paths[i]!;
      if (b.status === 'fulfilled') {
        this.kernels[path] = b.value;
        if (anyVariant) this.anyVariant.add(path);
        else this.anyVariant.delete(path);
        // Wide is an extra: a driver that refuses it (registers, workgroup size) loses only that path.
      } else if (path === OPTIONAL_PATH && !this.named) this.refused.add(path);
      else throw b.reason;
    });
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

  /**
   * The variant, the sizes and the paths the tuner may choose: a choice made among fewer is not
   * reused where there are more. The paths allowed, not those compiled so far, so that a quick
   * start's dispatches and those bound after `specialize` share their key.
   */
  private tuneKey(M: number, N: number, K: number): string {
    const paths = this.allowed.filter((p) => SAME_ORDER.includes(p) && !this.refused.has(p));
    return `${this.label} ${M}×${N}×${K} [${paths.join(',')}]`;
  }

  private bindPath(label: string, ops: MatmulOperands, dims: MatmulDims, path: MatmulPath): Dispatch {
    const kernel = this.kernels[path];
    if (!kernel) throw new Error(`${this.label}: the ${path} path was not compiled (have ${this.paths.join(', ')})`);
    const { read, write } = placeholderBuffers(kernel.device);
    const { M, N, K, alpha = 1, beta = 0 } = dims;
    const c = this.constants;
    // The variant's fields are read only by a pipeline that serves any variant.
    const uniform = packUniform([
      ['u', M],
      ['u', N],
      ['u', K],
      ['f', alpha],
      ['f', beta],
      ['u', c.TRANS_A!],
      ['u', c.TRANS_B!],
      ['u', c.EPILOGUE!],
      ['u', c.ACTIVATION!],
      ['u', c.WRONG_SWISH_PRIME!],
    ]);
    const tile = TILES[path];
    const grid: [number, number] = [Math.ceil(N / tile.N), Math.ceil(M / tile.M)];
    const dispatch = kernel.bind(label, [ops.A, ops.B, ops.aux ?? read], [ops.C, ops.C2 ?? write], uniform, grid);
    dispatch.variant = path;
    if (this.anyVariant.has(path)) {
      // The bind group stays: both pipelines' layouts have the same entries, which makes them
      // interchangeable (WebGPU's group-equivalent layouts), and the uniform block holds the same.
      dispatch.specialize = async () => {
        await this.specialize();
        dispatch.pipeline = this.kernels[path]!.pipeline;
        dispatch.specialize = undefined;
      };
    }
    return dispatch;
  }
}
