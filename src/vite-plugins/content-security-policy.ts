// The page's Content-Security-Policy, written into the built index.html as a <meta> tag, so the static
// site can be hosted anywhere and still load only from its own origin. Not applied by the dev server,
// whose hot reload injects <style> elements and speaks over a WebSocket.
import type { Plugin } from 'vite';

/**
 * Scripts only from the page's own files (no inline script, no eval or Function; 'wasm-unsafe-eval'
 * compiles the CPU engine's WebAssembly and allows no JavaScript eval); data (MNIST) only
 * from the same origin. Styles allow 'unsafe-inline': lil-gui injects its stylesheet as a <style>
 * element and KaTeX writes style attributes, neither of which can be hashed ahead of time. Fonts and
 * images may be data: URLs (lil-gui's icon font, small assets Vite inlines). Workers are the site's
 * own files (the CPU engine's threads, the PCA worker, the service worker sw.js) or blob: URLs:
 * jax-js and TensorFlow.js WASM, which the benchmark loads to compare with, build their thread pools
 * from strings (TensorFlow.js's workers then import its factory from a blob: URL, hence blob: in
 * script-src too), and without blob: neither pool starts in an isolated page. Only script already
 * running in the page can make a blob: URL, so this lets no injected markup run. The web app
 * manifest is the site's own file: manifest-src falls back to default-src, which allows it.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/** Adds the policy as the first element of <head> of each built page (the app's and the benchmark's). */
export function contentSecurityPolicy(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml() {
      return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }];
    },
  };
}
