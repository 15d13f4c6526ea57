// The benchmark's peers in a real browser, at a size SwiftShader runs quickly (B=8, H=16): each one's
// losses over the first steps from the shared parameters match this project's CPU engine within
// 1e-3, each then times its step, the Wasm binaries come from this page's own origin, and a peer
// whose loss is off is refused before it is timed.
import { describe, expect, it } from 'vitest';
import { benchJax, validateJax } from '../src/bench/jax';
import { benchTfjs, validateTfjs } from '../src/bench/tfjs';
import { benchTfjsWasm, tfjsWasmFeatures, validateTfjsWasm } from '../src/bench/tfjs-wasm';
import type { BenchProtocol, BenchResult, BenchSize } from '../src/bench/types';
import { checkLosses, referenceLosses, VALIDATE_STEPS, type LossCheck } from '../src/bench/validate';
import { gpuContext } from './gpu-context';

const size: BenchSize = { batch: 8, hidden: 16 };
const protocol: BenchProtocol = { warmup: 1, rounds: 1, targetRoundMs: 1, maxStepsPerRound: 2 };
// The tier's one device: TensorFlow.js binds to the first device it is given (bench-view's too).
const gpu = gpuContext;

const peers: Array<[string, () => Promise<LossCheck>, () => Promise<BenchResult>]> = [
  ['tfjs-wasm', () => validateTfjsWasm(size), () => benchTfjsWasm(size, protocol)],
  ['jax-wasm', () => validateJax('jax-wasm', size), () => benchJax('jax-wasm', size, protocol)],
  ['jax-webgpu', () => validateJax('jax-webgpu', size), () => benchJax('jax-webgpu', size, protocol)],
  ['tfjs-webgpu', async () => validateTfjs(await gpu(), size), async () => benchTfjs(await gpu(), size, protocol)],
];

describe.each(peers)('%s', (impl, validate, bench) => {
  it(`matches our loss within 1e-3 over the first ${VALIDATE_STEPS} SGD steps, then times its step`, async () => {
    const check = await validate();
    expect(check.losses).toHaveLength(VALIDATE_STEPS);
    for (let s = 0; s < VALIDATE_STEPS; s++) {
      expect(Math.abs(check.losses[s]! - check.reference[s]!), `step ${s + 1}: ${check.losses[s]} vs ${check.reference[s]}`).toBeLessThan(1e-3);
    }
    expect(check.reference[VALIDATE_STEPS - 1]).toBeLessThan(check.reference[0]!); // the update shows
    const result = await bench();
    expect(result.impl).toBe(impl);
    expect(result.msPerStep > 0 && Number.isFinite(result.msPerStep), JSON.stringify(result)).toBe(true);
  });
});

describe('peers, beyond one at a time', () => {
  it('loads the TensorFlow.js Wasm binary from this origin, with SIMD', async () => {
    const { simd, threads } = await tfjsWasmFeatures();
    expect(simd).toBe(true);
    expect(threads).toBeGreaterThanOrEqual(1);
    const wasm = performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((u) => /tfjs-backend-wasm.*\.wasm/.test(u));
    expect(wasm.length).toBeGreaterThan(0);
    for (const url of wasm) expect(new URL(url).origin).toBe(location.origin);
  });

  it('refuses a peer whose loss is off, naming the step, before it is timed', async () => {
    const ours = await referenceLosses(size, 2);
    expect((await checkLosses('jax-wasm', size, ours)).worst).toBe(0);
    await expect(checkLosses('jax-wasm', size, [ours[0]!, ours[1]! + 0.01])).rejects.toThrow(/jax-wasm at 8x16: loss .* at step 2, ours .* \(not timed\)/);
  });
});
