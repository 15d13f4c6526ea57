// The end-to-end tier's global setup (vite.config.ts, project 'e2e'): builds the site once, before
// any of its files runs, into a temporary folder that it removes after them all (or takes the one
// that E2E_SITE names, built by the caller). Each file serves a copy of it (useApp() in harness.ts)
// or reads it as it is (hosting.test.ts), found by inject('builtSite').
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of the site as `npm run build` makes it, built once for the end-to-end files. Read it; never change it. */
    builtSite: string;
    /** A folder for the tier's browser profiles, removed after the tier (a worker may end too abruptly to remove its own). */
    scratch: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const scratch = mkdtempSync(join(tmpdir(), 'app-e2e-scratch-'));
  project.provide('scratch', scratch);
  // The worker's last Chromium may still be closing, and writing its profile, when the tier ends:
  // removed now and again 0.5 s and 1.5 s later, retried where a write races the removal (ENOTEMPTY).
  const removeScratch = async () => {
    for (const wait of [0, 500, 1000]) {
      await new Promise((r) => setTimeout(r, wait));
      try {
        rmSync(scratch, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      } catch (e) {
        console.warn(`the end-to-end scratch folder ${scratch} is not removed yet: ${(e as Error).message}`);
      }
    }
  };
  // `npm test` (scripts/test-tiers.mjs) builds the site once for its two end-to-end runs: that build, as it is.
  const prebuilt = process.env.E2E_SITE;
  if (prebuilt) {
    project.provide('builtSite', prebuilt);
    return removeScratch;
  }
  const outDir = mkdtempSync(join(tmpdir(), 'app-e2e-site-'));
  try {
    await build({ logLevel: 'error', build: { outDir, emptyOutDir: true } });
  } catch (e) {
    rmSync(outDir, { recursive: true, force: true });
    await removeScratch();
    throw e;
  }
  project.provide('builtSite', outDir);
  return async () => {
    rmSync(outDir, { recursive: true, force: true });
    await removeScratch();
  };
}
