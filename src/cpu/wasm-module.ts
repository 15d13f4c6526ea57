// The CPU engine's compiled WebAssembly (wasm/engine.ts, built by scripts/build-wasm.mjs): relaxed
// SIMD (fused multiply-add) where this runtime validates it, plain SIMD otherwise; with a shared
// memory for threads, or its own for one thread.
import { decodeBase64 } from '../base/base64';
import { isNode } from './cpu-threads';
import * as builds from '../../build/wasm/modules.js';

export interface CpuModule {
  module: WebAssembly.Module;
  /** Whether it is the relaxed-SIMD build. */
  relaxed: boolean;
  shared: boolean;
}

const compiled = new Map<string, Promise<CpuModule>>();

/** Whether threads can share memory here: Node, or a cross-origin isolated page. */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** The best build for this runtime, compiled once per kind. */
export function cpuModule(shared: boolean): Promise<CpuModule> {
  const key = shared ? 'shared' : 'own';
  let module = compiled.get(key);
  if (!module) {
    module = (async () => {
      const relaxedBytes = bytesOf(shared ? builds.relaxedShared : builds.relaxed);
      const relaxed = WebAssembly.validate(relaxedBytes) || ((await enableNodeRelaxedSimd()) && WebAssembly.validate(relaxedBytes));
      const bytes = relaxed ? relaxedBytes : bytesOf(shared ? builds.simdShared : builds.simd);
      return { module: await WebAssembly.compile(bytes), relaxed, shared };
    })();
    compiled.set(key, module);
  }
  return module;
}

/**
 * Node 20's V8 has relaxed SIMD behind a flag (it ships from V8 11.4, Node 22); V8's flags are the
 * process's, so setting it before the module is compiled gives the CLI and the tests fused
 * multiply-adds too. False where this is not Node.
 */
async function enableNodeRelaxedSimd(): Promise<boolean> {
  if (!isNode()) return false;
  const v8 = await import(/* @vite-ignore */ 'node:v8');
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return true;
}

function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const byteLength = Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
  return decodeBase64(base64, byteLength, (what) => {
    throw new Error(`the CPU engine's WebAssembly is damaged (${what}); run npm run build:wasm`);
  }) as Uint8Array<ArrayBuffer>;
}
