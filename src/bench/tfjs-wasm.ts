// TensorFlow.js 4.22 with its Wasm backend (XNNPACK with SIMD; threads where the page is
// cross-origin isolated), timed on the step of tfjs-mlp.ts once its first losses match ours. Its
// .wasm binaries are assets that Vite emits beside the bundle, so the page fetches nothing from a
// CDN and works offline.
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { tfjsLosses, tfjsMlp, type Tf } from './tfjs-mlp';
import { timePeer, type BenchProtocol, type BenchResult, type BenchSize } from './types';
import { checkLosses, VALIDATE_STEPS, type LossCheck } from './validate';

let loaded: Tf | null = null;

/**
 * Loads TensorFlow.js and makes its 'wasm' backend current: the threaded SIMD binary where memory
 * can be shared (a cross-origin isolated page), the SIMD one otherwise, as TensorFlow.js decides.
 * The threaded build starts its workers from the factory's source text, which the bundle keeps
 * self-contained (src/vite-plugins/tfjs-wasm-threads.ts), and from blob: URLs, which the page's
 * script-src allows.
 */
export async function loadTfjsWasm(): Promise<Tf> {
  const tf = loaded ?? (await import('@tensorflow/tfjs-core'));
  if (!loaded) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The SIMD binaries only (the site stays under 15 MB): every browser with WebGPU has SIMD, as
    // this project's own CPU engine needs; setWasmPaths wants all three named.
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': simdWasm,
      'tfjs-backend-wasm-simd.wasm': simdWasm,
      'tfjs-backend-wasm-threaded-simd.wasm': threadedWasm,
    });
    loaded = tf;
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('TensorFlow.js could not start its Wasm backend');
  return tf;
}

/** How the Wasm backend runs here: SIMD and threads as TensorFlow.js set them up. */
export async function tfjsWasmFeatures(): Promise<{ simd: boolean; threads: number }> {
  const tf = await loadTfjsWasm();
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const threaded = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  // getThreadsCount is its thread pool's size: 1 on the build without threads, and on the threaded
  // one half of navigator.hardwareConcurrency (1 to 8), a cap in TF.js's backend.cc that
  // setThreadsCount cannot raise, so we leave its default.
  return { simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')), threads: threaded ? wasm.getThreadsCount() : 1 };
}

/** TensorFlow.js Wasm's first losses at `size`, checked against ours. */
export async function validateTfjsWasm(size: BenchSize, steps = VALIDATE_STEPS): Promise<LossCheck> {
  return checkLosses('tfjs-wasm', size, await tfjsLosses(await loadTfjsWasm(), size, steps));
}

/** Validates, then times TensorFlow.js Wasm's SGD step of the same MLP at one size. */
export async function benchTfjsWasm(size: BenchSize, protocol: BenchProtocol): Promise<BenchResult> {
  await validateTfjsWasm(size);
  const { threads } = await tfjsWasmFeatures();
  return { ...(await timePeer(tfjsMlp(await loadTfjsWasm(), size), 'tfjs-wasm', size, protocol)), threads };
}
