// The gallery of backprop mistakes on the GPU (SwiftShader in CI): each mistake made in the WGSL
// kernels agrees with the same mistake in the float64 reference (< 1e-4 per tensor), and finite
// differences of the true loss flag exactly the catalogue's tensors; training with a mistake follows
// the reference's twin step for step, and update-sign's loss rises.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset';
import { buildNetwork, specTensorShapes, type ModelSpec } from '../src/models/build';
import { GpuModel } from '../src/models/model';
import { relativeError } from '../src/reference/linalg';
import { MISTAKES, mistakeProblem, wrongTensors, type Mistake } from '../src/reference/mistakes';
import { DEFAULT_OPTIMIZER } from '../src/reference/optimizer';
import { ReferenceTrainer } from '../src/reference/trainer';
import { checkGradients, generatedCase } from '../src/train/grad-check';
import { initParams } from '../src/train/init';
import { gpuDevice, randomArray, randomLabels, Rng, trainOnGpu } from './gpu-context';

const SPECS: ModelSpec[] = [
  { kind: 'mlp', shape: { D: 7, hidden: [9], C: 4 } },
  { kind: 'mlp', shape: { D: 5, hidden: [6, 5, 7], C: 3 } },
  { kind: 'autoencoder', shape: { n: 9, m: 3 } },
];

describe('each mistake in the kernels agrees with the reference, and finite differences flag its tensors', () => {
  for (const spec of SPECS) {
    const activation = spec.kind === 'mlp' ? 'swish' : null;
    for (const mistake of MISTAKES.filter((m) => mistakeProblem(m, spec.kind, activation) === null)) {
      const name = spec.kind === 'mlp' ? `MLP ${spec.shape.hidden.join(',')}` : 'autoencoder';
      it(`${mistake}: ${name}`, async () => {
        const device = await gpuDevice();
        const { params, batch } = generatedCase(spec, 11, 5);
        const r = await checkGradients(spec, params, batch, { device, mistake });
        const flagged = wrongTensors(mistake, Object.keys(r.tensors));
        for (const [tensor, t] of Object.entries(r.tensors)) {
          expect(t.gpuVsReference, `${tensor}: GPU against reference`).toBeLessThan(1e-4);
          if (flagged.includes(tensor)) expect(t.referenceVsFiniteDiff, tensor).toBeGreaterThan(1e-2);
          else expect(t.referenceVsFiniteDiff, tensor).toBeLessThan(1e-4);
        }
      });
    }
  }
});

/** 20 SGD steps on the GPU and in the reference twin, both making `mistake`. */
async function twinRun(spec: ModelSpec, mistake: Mistake, lr: number) {
  const device = await gpuDevice();
  const [N, B, seed] = [60, 12, 3];
  const rng = new Rng(seed);
  const D = spec.kind === 'mlp' ? spec.shape.D : spec.shape.n;
  const C = spec.kind === 'mlp' ? spec.shape.C : 1;
  const data: Dataset = { name: 'random', X: randomArray(rng, N * D), labels: randomLabels(rng, N, C), N, D, classes: C };
  const settings = { ...DEFAULT_OPTIMIZER, kind: 'sgd' as const, lr };
  const params = initParams(specTensorShapes(spec), rng);
  const network = await buildNetwork(device, spec, { mistake });
  const model = await GpuModel.create(device, network, { batch: B, optimizer: settings, ascend: mistake === 'update-sign' });
  model.setParams(params);
  const gpu = await trainOnGpu(device, model, data, seed, 20);
  const twin = new ReferenceTrainer(spec, params, data, seed, B, settings, mistake);
  const reference = Array.from({ length: 20 }, () => twin.trainStep().loss);
  const final = await model.readParams();
  model.destroy();
  return { gpu: gpu.map((m) => m.loss), reference, final, twin: twin.params };
}

describe('training with a mistake on the GPU follows its float64 twin', () => {
  const mlp: ModelSpec = { kind: 'mlp', shape: { D: 6, hidden: [8], C: 3 } };
  for (const [spec, mistake, lr] of [
    [mlp, 'update-sign', 0.3],
    [mlp, 'no-batch-mean', 0.02],
    [mlp, 'bias-one-row', 0.3],
    [mlp, 'w2-layout', 0.3],
    [{ kind: 'autoencoder', shape: { n: 6, m: 2 } }, 'ae-one-term', 0.05],
  ] as Array<[ModelSpec, Mistake, number]>) {
    it(`${mistake} (${spec.kind}): per-step losses within 1e-3, the parameters after 20 steps too`, async () => {
      const r = await twinRun(spec, mistake, lr);
      r.gpu.forEach((loss, i) => expect(Math.abs(loss - r.reference[i]!) / r.reference[i]!, `step ${i}`).toBeLessThan(1e-3));
      for (const [name, p] of Object.entries(r.twin)) expect(relativeError(r.final[name]!, p), name).toBeLessThan(1e-3);
      if (mistake === 'update-sign') expect(r.gpu[19]!).toBeGreaterThan(r.gpu[0]!);
    });
  }
});
