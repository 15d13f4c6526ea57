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
  if (!outer || code.indexOf(FACTORY_START) < outer.index) throw new Error('tfjs-wasm-threads: the threaded factory is not shaped as expected');
  // A function as replacement, so that no `$` in the moved text is read as a pattern.
  return code.replace(OUTER, '').replace(FACTORY_START, () => FACTORY_START + outer[0]);
}

/**
 * The rewrite as a Vite plugin, for the build. Vite's prebundling for the dev server does not run
 * it; there the code is not minified, and the factory's `typeof _scriptDir` guard survives (checked
 * on 2026-12-03: under `npm run dev` the bench page starts TF.js's eight workers and times it).
 */
export function tfjsWasmThreads(): Plugin {
  return {
    name: 'tfjs-wasm-threads',
    transform(code, id) {
      return FACTORY_FILE.test(id) ? { code: selfContainedFactory(code), map: null } : null;
    },
  };
}
