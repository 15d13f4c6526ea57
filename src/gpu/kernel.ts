// Compute pipelines with explicit bind-group layouts, one binding convention for every kernel:
// read-only storage inputs first, read_write outputs next, a uniform block last.
import { UserError } from '../base/errors';
import { rangeOf, uniformBuffer, type Binding } from './buffers';

/** What a kernel binds, in binding order. */
export interface KernelSpec {
  /** `family/variant`, e.g. `matmul/AtB+bias`. */
  label: string;
  code: string;
  inputs: number;
  outputs: number;
  /** Pipeline-overridable constants (WGSL `override`). */
  constants?: Record<string, number>;
  /** The WGSL entry point; 'main' unless a file holds several variants of one kernel. */
  entryPoint?: string;
}

/** One dispatch with its buffers and sizes fixed: encoding it costs one call. */
export interface Dispatch {
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
  /** The dispatch's own uniform block: its owner rewrites it or destroys it. */
  uniform: GPUBuffer;
  /** Which entry point of its kernel this is, where a kernel has several (e.g. matmul's 'wide'). */
  variant?: string;
  /**
   * Binds the other entry points that compute the same result into the same buffers; the tuner
   * (src/gpu/tune.ts) times them all and keeps the fastest.
   */
  alternatives?: () => Dispatch[];
  /** Names the kernel and sizes, so that a choice timed once is reused for the same problem. */
  tuneKey?: string;
  /**
   * Where the dispatch runs on a pipeline that serves any variant of its kernel (quick to compile,
   * slower to run): compiles the one specialized to its variant, which computes the same bits, and
   * moves the dispatch onto it (then this is cleared). Between two encodes, any time.
   */
  specialize?: () => Promise<void>;
}

/** A compiled kernel: its pipeline and layout, ready to be bound to buffers. */
export class Kernel {
  private constructor(
    readonly spec: KernelSpec,
    readonly device: GPUDevice,
    readonly layout: GPUBindGroupLayout,
    readonly pipeline: GPUComputePipeline,
  ) {}

  /** Compiles a kernel; compile errors are thrown with the WGSL messages. Cached per device. */
  static create(device: GPUDevice, spec: KernelSpec): Promise<Kernel> {
    let cache = pipelineCache.get(device);
    if (!cache) pipelineCache.set(device, (cache = new Map()));
    const key = `${spec.label}|${spec.entryPoint ?? 'main'}|${JSON.stringify(spec.constants ?? {})}|${spec.code}`;
    let kernel = cache.get(key);
    if (!kernel) {
      kernel = Kernel.compile(device, spec);
      cache.set(key, kernel);
      kernel.catch(() => cache.delete(key));
    }
    return kernel;
  }

  private static async compile(device: GPUDevice, spec: KernelSpec): Promise<Kernel> {
    const entries: GPUBindGroupLayoutEntry[] = [];
    for (let i = 0; i < spec.inputs + spec.outputs; i++) {
      const type = i < spec.inputs ? 'read-only-storage' : 'storage';
      entries.push({ binding: i, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
    }
    entries.push({ binding: spec.inputs + spec.outputs, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
    const layout = device.createBindGroupLayout({ label: spec.label, entries });
    const module = await shaderModule(device, spec);
    const pipelineLayout = device.createPipelineLayout({ label: spec.label, bindGroupLayouts: [layout] });
    const descriptor: GPUComputePipelineDescriptor = {
      label: spec.label,
      layout: pipelineLayout,
      compute: { module, entryPoint: spec.entryPoint ?? 'main', constants: spec.constants ?? {} },
    };
    device.pushErrorScope('validation');
    let pipeline: GPUComputePipeline;
    try {
      pipeline = await device.createComputePipelineAsync(descriptor);
    } finally {
      // Popped on every path: a scope left on the stack would catch a later, unrelated error.
      const error = await device.popErrorScope();
      // biome-ignore lint/correctness/noUnsafeFinally: the validation message says more than the rejection it replaces
      if (error) throw new Error(`${spec.label}: ${error.message}`);
    }
    return new Kernel(spec, device, layout, pipeline);
  }

  /**
   * Binds buffers and a uniform block for one dispatch. The uniform buffer is created here and
   * returned so its owner can rewrite it (learning rate) or destroy it.
   */
  bind(label: string, inputs: Binding[], outputs: Binding[], uniform: ArrayBuffer, workgroups: [number, number?, number?]): Dispatch {
    const { spec, device } = this;
    if (inputs.length !== spec.inputs || outputs.length !== spec.outputs) {
      throw new Error(`${label}: ${spec.label} takes ${spec.inputs} inputs and ${spec.outputs} outputs`);
    }
    const max = device.limits.maxComputeWorkgroupsPerDimension;
    const [x, y = 1, z = 1] = workgroups;
    if (x > max || y > max || z > max) throw new UserError(`${label}: ${x}×${y}×${z} workgroups exceed this GPU's limit of ${max} per dimension`);
    const uniformBuf = uniformBuffer(device, `${label}/uniform`, uniform);
    const bindings = [...inputs, ...outputs].map((b, i) => ({ binding: i, resource: toResource(b) }));
    bindings.push({ binding: bindings.length, resource: { buffer: uniformBuf } });
    const bindGroup = device.createBindGroup({ label, layout: this.layout, entries: bindings });
    return { label, pipeline: this.pipeline, bindGroup, workgroups: [x, y, z], uniform: uniformBuf };
  }
}

const pipelineCache = new WeakMap<GPUDevice, Map<string, Promise<Kernel>>>();
const moduleCache = new WeakMap<GPUDevice, Map<string, Promise<GPUShaderModule>>>();

/** Drops `device`'s compiled kernels from the cache: the next Kernel.create of each compiles again (a test of a build caught mid-compile). */
export function forgetKernels(device: GPUDevice): void {
  pipelineCache.delete(device);
}

/**
 * One module per WGSL text and device, checked once: the variants and entry points of a kernel
 * family differ only in their pipelines, and parsing a large file again for each of them cost
 * about 50 ms apiece on SwiftShader. Labelled by the family (the label's first part).
 */
function shaderModule(device: GPUDevice, spec: KernelSpec): Promise<GPUShaderModule> {
  let cache = moduleCache.get(device);
  if (!cache) moduleCache.set(device, (cache = new Map()));
  let module = cache.get(spec.code);
  if (!module) {
    const family = spec.label.split('/')[0]!;
    module = (async () => {
      const m = device.createShaderModule({ label: family, code: spec.code });
      const info = await m.getCompilationInfo();
      const errors = info.messages.filter((msg) => msg.type === 'error');
      if (errors.length > 0) {
        const text = errors.map((msg) => `${family}:${msg.lineNum}:${msg.linePos}: ${msg.message}`).join('\n');
        throw new Error(`WGSL compilation failed\n${text}`);
      }
      return m;
    })();
    cache.set(spec.code, module);
    module.catch(() => cache.delete(spec.code));
  }
  return module;
}

function toResource(b: Binding): GPUBufferBinding {
  const { buffer, offset, size } = rangeOf(b);
  return { buffer, offset, size };
}

/** Records dispatches, in order, into one compute pass (with `timestampWrites`, timed by the GPU). */
export function encodeDispatches(
  encoder: GPUCommandEncoder,
  dispatches: readonly Dispatch[],
  label: string,
  timestampWrites?: GPUComputePassTimestampWrites,
): void {
  const pass = encoder.beginComputePass(timestampWrites ? { label, timestampWrites } : { label });
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(...d.workgroups);
  }
  pass.end();
}

/** Workgroup grid for `count` threads in 1-D groups of `size`, folded into 2-D past the 65535 limit. */
export function grid1d(count: number, size: number): [number, number] {
  const groups = Math.max(1, Math.ceil(count / size));
  const x = Math.min(groups, 65535);
  return [x, Math.ceil(groups / x)];
}

/** Reads `const NAME: u32 = 16u;` from WGSL text, so TypeScript and the shader share one constant. */
export function wgslConst(code: string, name: string): number {
  const match = new RegExp(`const\\s+${name}\\s*:\\s*u32\\s*=\\s*(\\d+)u?\\s*;`).exec(code);
  if (!match?.[1]) throw new Error(`WGSL constant ${name} not found`);
  return Number(match[1]);
}

/** Packs a uniform block of 4-byte fields, in declaration order: 'u' for u32, 'f' for f32. */
export function packUniform(fields: ReadonlyArray<readonly ['u' | 'f', number]>): ArrayBuffer {
  const data = new ArrayBuffer(Math.max(16, Math.ceil((fields.length * 4) / 16) * 16));
  const view = new DataView(data);
  fields.forEach(([type, value], i) => {
    if (type === 'u') view.setUint32(i * 4, value, true);
    else view.setFloat32(i * 4, value, true);
  });
  return data;
}
