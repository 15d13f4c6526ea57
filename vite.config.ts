// Vite serves the demo, bundles it, and (through Vitest) runs the Node unit tests, the GPU tests in
// real headless Chromium with WebGPU (SwiftShader where there is no GPU), and the end-to-end tests.
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { mnistAssets } from './src/vite-plugins/mnist-assets.ts';
import { contentSecurityPolicy } from './src/vite-plugins/content-security-policy.ts';
import { offlineSite } from './src/vite-plugins/offline-site.ts';
import { tfjsWasmThreads } from './src/vite-plugins/tfjs-wasm-threads.ts';

const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
/**
 * Cross-origin isolation (crossOriginIsolated, SharedArrayBuffer for CPU threads) on the dev and
 * preview servers. The page loads nothing from other origins, so require-corp costs it nothing; a
 * static host that sends no such headers still serves a working page, without isolation.
 */
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** A tier of GPU tests: Vitest's browser mode in headless Chromium with WebGPU (SwiftShader where there is no GPU). */
function gpuProject(test: { name: string; include: string[]; exclude?: string[]; isolate?: boolean }) {
  return {
    plugins: [mnistAssets()],
    // Reached only through dynamic imports (src/bench/tfjs.ts, tfjs-wasm.ts, jax.ts): listed so
    // that Vite does not discover them mid-run and reload a test.
    optimizeDeps: { include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm', '@jax-js/jax'] },
    test: {
      ...test,
      testTimeout: 120_000,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({
          launchOptions: { executablePath: chromePath, args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-dev-shm-usage'] },
        }),
        instances: [{ browser: 'chromium' as const }],
      },
    },
  };
}

export default defineConfig(({ isSsrBuild }) => ({
  plugins: isSsrBuild ? [] : [mnistAssets(), contentSecurityPolicy(), offlineSite(), tfjsWasmThreads()],
  // Relative URLs in the built page (scripts, styles, mnist/): the static site works from any base path.
  base: './',
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  // `npm run build:cli` bundles the CLI into one ESM file (shaders inlined, Dawn left external),
  // to run where there is Node but no node_modules, e.g. a GPU server (see docs/cli.md).
  ssr: { noExternal: true, external: ['webgpu'] },
  build: isSsrBuild ? { outDir: 'dist/cli', rollupOptions: { output: { entryFileNames: 'main.mjs' } } } : {},
  test: {
    projects: [
      // Three tiers, each with its script (package.json): test:unit, test:gpu, test:e2e.
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.gpu.test.ts', 'tests/app/**'],
          environment: 'node',
          // Bundles the CLI once for the CLI tests (tests/run-cli.ts).
          globalSetup: ['tests/cli-setup.ts'],
          // The files share one worker's modules: most take milliseconds, and a fresh worker each cost more.
          isolate: false,
          testTimeout: 120_000,
        },
      },
      {
        // The built site in headless Chromium, driven as a user would (tests/app/harness.ts). The site
        // is built once, by the global setup, for every file.
        test: {
          name: 'e2e',
          include: ['tests/app/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/app/global-setup.ts'],
          // One worker runs the files in turn without loading Playwright and Vite again for each.
          isolate: false,
          testTimeout: 120_000,
        },
      },
      gpuProject({
        name: 'gpu',
        include: ['tests/**/*.gpu.test.ts'],
        exclude: ['tests/bench-*.gpu.test.ts'],
        // The files run in one page on one device (tests/gpu-context.ts): a kernel that several files
        // use is compiled once, where a page per file compiled it again each time (172 s → about 110 s).
        isolate: false,
      }),
      // The benchmark's files, each in a page of its own: TensorFlow.js and jax-js keep their devices
      // for the page's life, and in the page shared with the other files they were left on a device
      // that no longer worked.
      gpuProject({ name: 'gpu-bench', include: ['tests/bench-*.gpu.test.ts'] }),
    ],
  },
}));
