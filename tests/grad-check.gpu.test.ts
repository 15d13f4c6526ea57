// The page's gradient check in the browser on WebGPU (SwiftShader in CI): every tensor below 1e-4
// with the correct swish'; with the known-wrong one W1 and b1 fail against finite differences while
// the GPU still agrees with the reference that uses the same wrong formula.
import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../src/models/build';
import { checkGradients, generatedCase, verdict } from '../src/train/grad-check';
import { gpuDevice } from './gpu-context';

const mlp: ModelSpec = { kind: 'mlp', shape: { D: 19, hidden: [11], C: 4 } };

describe('gradient check on the GPU', () => {
  it('passes everywhere for the MLP with the correct derivative', async () => {
    const device = await gpuDevice();
    const { params, batch } = generatedCase(mlp, 13, 2);
    const r = await checkGradients(mlp, params, batch, { device });
    expect(Object.keys(r.tensors)).toEqual(['W1', 'b1', 'W2', 'b2']);
    for (const [name, t] of Object.entries(r.tensors)) {
      expect(t.gpuVsReference, name).toBeLessThan(1e-4);
      expect(t.referenceVsFiniteDiff, name).toBeLessThan(1e-4);
      expect(verdict('gpuVsReference', t.gpuVsReference!), name).toBe('ok');
      expect(verdict('referenceVsFiniteDiff', t.referenceVsFiniteDiff), name).toBe('ok');
    }
    expect(Math.abs(r.loss.gpu! - r.loss.reference) / r.loss.reference).toBeLessThan(1e-5);
  });

  it('passes for a regression (linear output, ½(z − t)²) at depths 1 to 4, targets read from their bits', async () => {
    const device = await gpuDevice();
    for (const hidden of [[9], [7, 5], [6, 4, 5], [5, 3, 4, 6]]) {
      const spec: ModelSpec = { kind: 'mlp', shape: { D: 3, hidden, C: 1, activation: 'tanh', problem: 'regression' } };
      const { params, batch } = generatedCase(spec, 13, 5);
      const r = await checkGradients(spec, params, batch, { device });
      expect(Object.keys(r.tensors)).toHaveLength(2 * (hidden.length + 1));
      for (const [name, t] of Object.entries(r.tensors)) {
        expect(t.gpuVsReference, `${hidden}: ${name}`).toBeLessThan(1e-4);
        expect(t.referenceVsFiniteDiff, `${hidden}: ${name}`).toBeLessThan(1e-4);
      }
      expect(Math.abs(r.loss.gpu! - r.loss.reference) / r.loss.reference).toBeLessThan(1e-5);
    }
  });

  it('turns W1 and b1 red with the wrong derivative, in kernel and reference alike', async () => {
    const device = await gpuDevice();
    const { params, batch } = generatedCase(mlp, 13, 3);
    const r = await checkGradients(mlp, params, batch, { device, mistake: 'swish-prime' });
    expect(r.mistake).toBe('swish-prime');
    for (const name of ['W1', 'b1']) {
      expect(r.tensors[name]!.referenceVsFiniteDiff, name).toBeGreaterThan(1e-2);
      expect(verdict('referenceVsFiniteDiff', r.tensors[name]!.referenceVsFiniteDiff), name).toBe('bug');
    }
    for (const name of ['W2', 'b2']) expect(r.tensors[name]!.referenceVsFiniteDiff, name).toBeLessThan(1e-4);
    for (const [name, t] of Object.entries(r.tensors)) expect(t.gpuVsReference, name).toBeLessThan(1e-4);
  });

  it('passes for the autoencoder, differencing a bounded subset of a large W', async () => {
    const device = await gpuDevice();
    const spec: ModelSpec = { kind: 'autoencoder', shape: { n: 200, m: 9 } };
    const { params, batch } = generatedCase(spec, 21, 4);
    const r = await checkGradients(spec, params, batch, { device, finiteDiffBudget: 2e6 });
    const W = r.tensors.W!;
    expect(W.gpuVsReference).toBeLessThan(1e-4);
    expect(W.referenceVsFiniteDiff).toBeLessThan(1e-4);
    expect(W.finiteDiffEntries).toBeLessThan(W.entries);
  });
});
