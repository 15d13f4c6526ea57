// What `npm run bench` and `npm run screenshot` share: the page built with Vite into a temporary
// folder, served by vite preview, and headless Chromium with WebGPU (the system browser, or
// CHROME_PATH; SwiftShader where there is no GPU).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

/**
 * Builds (with Vite's `rollupOptions`, e.g. another input page), serves and launches; `close()`
 * ends the browser and the server and removes the build.
 */
export async function servedPage(name, rollupOptions = {}) {
  const outDir = mkdtempSync(join(tmpdir(), `${name}-`));
  await build({ logLevel: 'error', build: { outDir, emptyOutDir: true, rollupOptions } });
  const server = await preview({ logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
  const origin = new URL(server.resolvedUrls.local[0]).origin;
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-dev-shm-usage'],
  });
  const close = async () => {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  };
  return { origin, browser, close };
}
