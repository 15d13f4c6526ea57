// The unit tier's global setup (vite.config.ts, project 'unit'): bundles the CLI once, as
// `npm run build:cli` does, into a temporary folder that it removes after the tier. The CLI tests that
// start the CLI as a process run that bundle (cliProcess in tests/run-cli.ts): a spawn of it costs
// Node's start and the work asked of it, where `npm run cli` (vite-node) first transforms the
// sources again, a few seconds of CPU each time.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The bundled CLI (`npm run build:cli`'s main.mjs), built once for the unit tier. */
    cliBundle: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const outDir = mkdtempSync(join(tmpdir(), 'cli-bundle-'));
  const remove = () => rmSync(outDir, { recursive: true, force: true });
  try {
    await build({ logLevel: 'error', build: { ssr: 'src/cli/main.ts', outDir, emptyOutDir: true } });
    // The one package the bundle leaves external, `webgpu` (Dawn), found as on a machine where it is installed beside it.
    symlinkSync(resolve('node_modules'), join(outDir, 'node_modules'), 'dir');
  } catch (e) {
    remove();
    throw e;
  }
  project.provide('cliBundle', join(outDir, 'main.mjs'));
  return remove;
}
