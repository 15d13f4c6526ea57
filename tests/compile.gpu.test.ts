// What a build compiles, and how: the kernels of one WGSL file share one shader module (parsing a
// large file once per variant cost the first visit seconds on SwiftShader), and a model that never
// steps (the gradient check's) compiles no update kernel.
import { describe, expect, it } from 'vitest';
import { uploadDataset } from '../src/gpu/dataset-buffers';
import { Kernel } from '../src/gpu/kernel';
import { GpuModel } from '../src/models/model';
import { MlpNetwork } from '../src/models/mlp';
import { DEFAULT_OPTIMIZER } from '../src/reference/optimizer';
import { gpuDevice, randomArray, randomLabels, Rng } from './gpu-context';

describe('compiling', () => {
  it('one shader module per WGSL file: the variants of a family differ only in their pipelines', async () => {
    const device = await gpuDevice();
    const code = `// a test kernel, compiled nowhere else\noverride SCALE: f32 = 1.0;\n@group(0) @binding(0) var<storage, read> x: array<f32>;\n@group(0) @binding(1) var<storage, read_write> y: array<f32>;\nstruct U { n: u32 }\n@group(0) @binding(2) var<uniform> u: U;\n@compute @workgroup_size(1) fn main() { y[0] = SCALE * x[0] + f32(u.n); }\n`;
    const create = device.createShaderModule;
    let modules = 0;
    device.createShaderModule = function (this: GPUDevice, d: GPUShaderModuleDescriptor): GPUShaderModule {
      modules++;
      return create.call(this, d);
    };
    try {
      const kernels = await Promise.all(
        [1, 2, 3].map((scale) => Kernel.create(device, { label: `scale/${scale}`, code, inputs: 1, outputs: 1, constants: { SCALE: scale } })),
      );
      expect(new Set(kernels.map((k) => k.pipeline)).size).toBe(3);
      expect(modules).toBe(1);
    } finally {
      device.createShaderModule = create;
    }
  });

  it('a model built without its update compiles none and refuses to step, yet computes gradients', async () => {
    const device = await gpuDevice();
    const shape = { D: 3, hidden: [4], C: 2 };
    const network = await MlpNetwork.create(device, shape);
    const model = await GpuModel.create(device, network, { batch: 4, optimizer: { ...DEFAULT_OPTIMIZER, kind: 'momentum', nesterov: true }, update: false });
    const rng = new Rng(1);
    const set = uploadDataset(device, { name: 'random', X: randomArray(rng, 8 * 3), labels: randomLabels(rng, 8, 2), N: 8, D: 3, classes: 2 });
    try {
      model.setData(set);
      expect(() => model.encodeStep(device.createCommandEncoder())).toThrow(/without its update/);
      const { grads } = await model.gradients(randomArray(rng, 4 * 3), randomLabels(rng, 4, 2));
      expect(Object.keys(grads).sort()).toEqual(['W1', 'W2', 'b1', 'b2']);
    } finally {
      model.destroy();
      set.destroy();
    }
  });
});
