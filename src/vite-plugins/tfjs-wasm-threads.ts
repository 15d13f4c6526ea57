// TensorFlow.js's threaded Wasm build starts each pthread worker from its factory's source text
// (`factory.toString()` in a Blob). The factory closes over one variable of its wrapper, the
// script's directory; a bundler renames it, and every worker then fails on a name it lacks (the
// backend never resolves). Moving that variable inside the factory makes its text self-contained.
import type { Plugin } from 'vite';

const FACTORY_FILE = /tfjs-backend-wasm-threaded-simd\.js$/;
const OUTER = /var _scriptDir = [^\n]*\n\s*if \(typeof __filename !== 'undefined'\) _scriptDir = _scriptDir \|\| __filename;\n/;
const FACTORY_START = 'function(WasmBackendModuleThreadedSimd) {\n';

/** The factory file's text with `_scriptDir` declared inside the factory; throws if the file changed shape. */
export function selfContainedFactory(code: string): string {
  const outer = OUTER.exec(code);
  const start = code.indexOf(FACTORY_START);
  if (!outer || start < outer.index) throw new Error('tfjs-wasm-threads: the threaded factory is not shaped as expected');
  const declaration = outer[0];
  const moved = code.slice(0, outer.index) + code.slice(outer.index + declaration.length);
  const at = moved.indexOf(FACTORY_START) + FACTORY_START.length;
  return `${moved.slice(0, at)}${declaration}${moved.slice(at)}`;
}

/** The rewrite as a Vite plugin, for the build and for Vite's prebundling of dependencies. */
export function tfjsWasmThreads(): Plugin {
  return {
    name: 'tfjs-wasm-threads',
    transform(code, id) {
      return FACTORY_FILE.test(id) ? { code: selfContainedFactory(code), map: null } : null;
    },
  };
}
