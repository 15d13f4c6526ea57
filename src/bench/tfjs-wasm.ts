// TensorFlow.js 4.22 with its Wasm backend (XNNPACK with SIMD, one thread), timed on the step of
// tfjs-mlp.ts once its first losses match ours. Its .wasm binaries are assets that Vite emits beside
// the bundle, so the page fetches nothing from a CDN and works offline.
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import { tfjsLosses, tfjsMlp, type Tf } from './tfjs-mlp';
import { timePeer, type BenchProtocol, type BenchResult, type BenchSize } from './types';
import { checkLosses, VALIDATE_STEPS, type LossCheck } from './validate';

let loaded: Tf | null = null;

/**
 * Loads TensorFlow.js and makes its 'wasm' backend current, on the SIMD binary. Its threaded build
 * does not start from our bundle: each pthread worker evaluates the factory's toString(), which
 * refers to a variable of the factory's enclosing scope (bundled as `e`) that the worker lacks, so
 * every worker throws "e is not defined" and the backend never resolves. Threads are therefore off,
 * even where the page is cross-origin isolated.
 */
export async function loadTfjsWasm(): Promise<Tf> {
  const tf = loaded ?? (await import('@tensorflow/tfjs-core'));
  if (!loaded) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Only the SIMD binary ships (the site stays under 15 MB): every browser with WebGPU has SIMD,
    // as this project's own CPU engine needs, and threads are off; setWasmPaths wants all three named.
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': simdWasm,
      'tfjs-backend-wasm-simd.wasm': simdWasm,
      'tfjs-backend-wasm-threaded-simd.wasm': simdWasm,
    });
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    loaded = tf;
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('TensorFlow.js could not start its Wasm backend');
  return tf;
}

/** How the Wasm backend runs here: SIMD and threads as TensorFlow.js set them up. */
export async function tfjsWasmFeatures(): Promise<{ simd: boolean; threads: number }> {
  const tf = await loadTfjsWasm();
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  return { simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')), threads: wasm.getThreadsCount() };
}

/** TensorFlow.js Wasm's first losses at `size`, checked against ours. */
export async function validateTfjsWasm(size: BenchSize, steps = VALIDATE_STEPS): Promise<LossCheck> {
  return checkLosses('tfjs-wasm', size, await tfjsLosses(await loadTfjsWasm(), size, steps));
}

/** Validates, then times TensorFlow.js Wasm's SGD step of the same MLP at one size. */
export async function benchTfjsWasm(size: BenchSize, protocol: BenchProtocol): Promise<BenchResult> {
  await validateTfjsWasm(size);
  return timePeer(tfjsMlp(await loadTfjsWasm(), size), 'tfjs-wasm', size, protocol);
}
