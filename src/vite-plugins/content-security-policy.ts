// The page's Content-Security-Policy, written into the built index.html as a <meta> tag, so the static
// site can be hosted anywhere and still load only from its own origin. Not applied by the dev server,
// whose hot reload injects <style> elements and speaks over a WebSocket.
import type { Plugin } from 'vite';

/**
 * Scripts only from the page's own files (no inline script, no eval or Function; 'wasm-unsafe-eval'
 * compiles the CPU engine's WebAssembly and allows no JavaScript eval); data (MNIST) only
 * from the same origin. Styles allow 'unsafe-inline': lil-gui injects its stylesheet as a <style>
 * element and KaTeX writes style attributes, neither of which can be hashed ahead of time. Fonts and
 * images may be data: URLs (lil-gui's icon font, the empty favicon, small assets Vite inlines).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/**
 * The benchmark page's (bench.html): the same, plus what its Wasm peers need and the app does not:
 * blob: workers are jax-js's thread pool, built from a string.
 */
export const BENCH_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "script-src 'self' 'wasm-unsafe-eval'",
  "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:",
);

/** Adds the policy as the first element of <head> of each built page. */
export function contentSecurityPolicy(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml(_html, { path }) {
      const content = path.endsWith('/bench.html') ? BENCH_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
      return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content }, injectTo: 'head-prepend' }];
    },
  };
}
