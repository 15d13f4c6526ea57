// The built site's service worker and web app manifest, through vite-plugin-pwa (Workbox): the worker
// (src/sw.ts) precaches every file the page can need, the four MNIST files included, so that the site
// opens and trains offline after one visit; the manifest and its icons (public/icons/, drawn by
// scripts/make-icons.mjs) make it installable. Build only: the dev server and the Vitest projects
// get neither.
import { VitePWA } from 'vite-plugin-pwa';
import type { PluginOption } from 'vite';

/** Room for MNIST's training images, 9.6 MB compressed; Workbox's default limit (2 MiB) would leave them out of the precache. */
const LARGEST_PRECACHED_BYTES = 16 * 2 ** 20;

export function offlineSite(): PluginOption {
  return VitePWA({
    strategies: 'injectManifest',
    srcDir: 'src',
    filename: 'sw.ts',
    // A new version waits for the user's "reload" (src/ui/service-worker.ts), never mixing old and new files in one page.
    registerType: 'prompt',
    // Registered from the bundle (src/ui/service-worker.ts): no inline script, which the page's CSP refuses.
    injectRegister: false,
    manifest: {
      name: 'WebGPU backprop: watch a network learn, check the math',
      short_name: 'WebGPU backprop',
      description: 'Watch a neural network learn on the GPU, and check that the math is right.',
      display: 'standalone',
      theme_color: '#0072b2',
      background_color: '#f6f7f9',
      icons: [
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    },
    injectManifest: {
      // Every file the page may load (the plugin adds the manifest and its icons); KaTeX's fonts as woff2 only: every
      // browser with service workers reads woff2, and the .woff and .ttf copies would add 1 MB.
      globPatterns: ['**/*.{html,js,css,wasm,woff2}', 'mnist/*.gz'],
      maximumFileSizeToCacheInBytes: LARGEST_PRECACHED_BYTES,
      rollupFormat: 'iife',
    },
    integration: {
      // Workbox's production code, whatever NODE_ENV says (Vitest sets 'test', which would bring its console logging).
      configureCustomSWViteBuild: (config) => void Object.assign((config.define ??= {}), { 'process.env.NODE_ENV': '"production"' }),
    },
  });
}
