// End to end: the site works offline after one visit. The first visit's service worker (src/sw.ts)
// precaches the site and MNIST; with the network gone, a reload opens the page and trains MNIST from
// that cache alone. A changed worker announces itself and takes over only when the user reloads.
// (On a host that sends no isolation headers, the worker adds them: tests/app/hosting.test.ts.)
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { state, trainFor, useApp } from './harness';

const { open, builtDir } = useApp();

const READY = () => /Ready/.test(document.getElementById('status')?.textContent ?? '');

/** Waits until the page is controlled by a service worker whose precache is complete (it activates only after). */
async function waitForController(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 90_000 });
}

describe('offline after one visit', () => {
  it("reloads with the network gone and trains MNIST from the service worker's cache", { timeout: 180_000 }, async () => {
    const { page, errors } = await open('#dataset=mnist&hidden=16&stepsPerFrame=2', { serviceWorkers: true });
    await waitForController(page);
    await expect.poll(() => page.locator('#notice').textContent(), { timeout: 30_000 }).toMatch(/Saved for offline use/);

    const failed: string[] = [];
    const notFromWorker: string[] = [];
    const workerRequests: string[] = [];
    page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
    page.on('response', (r) => void (!r.url().startsWith('data:') && !r.fromServiceWorker() && notFromWorker.push(r.url())));
    // What the worker itself asks of the network (nothing, when everything comes from its cache).
    page.context().on('request', (r: Request) => void (r.serviceWorker() && workerRequests.push(r.url())));
    await page.context().setOffline(true);
    await page.reload();
    await page.waitForFunction(READY, null, { timeout: 90_000 });
    expect(await page.evaluate(() => [navigator.serviceWorker.controller !== null, crossOriginIsolated])).toEqual([true, true]);

    const s = await trainFor(page, 6);
    expect(s.settings.dataset).toBe('mnist');
    expect(s.trainFeatures).toBe(784);
    const losses = [...s.history.gpu, ...s.history.cpu, ...s.history.reference].map((m) => m.loss);
    expect(losses.length).toBeGreaterThan(0);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(failed).toEqual([]);
    expect(notFromWorker).toEqual([]);
    expect(workerRequests).toEqual([]);
    expect(errors).toEqual([]);
    // and the network is gone indeed: what the worker has not cached does not come
    expect(
      await page.evaluate(() =>
        fetch('./not-cached.txt').then(
          (r) => r.status,
          (e: unknown) => String(e),
        ),
      ),
    ).toMatch(/TypeError/);
  });

  it('announces a new version, and reloads into it only when asked', { timeout: 180_000 }, async () => {
    const { page, errors } = await open('#dataset=xor&hidden=4', { serviceWorkers: true });
    await waitForController(page);
    // A new deployment, as the browser sees one: a service worker script that differs by a byte (the
    // server reads the build from disk at each request, and the browser checks the script for updates).
    const sw = join(builtDir(), 'sw.js');
    const deployed = await readFile(sw);
    try {
      await appendFile(sw, '\n// the next version\n');
      await page.evaluate(async () => void (await (await navigator.serviceWorker.getRegistration())!.update()));
      const message = page.locator('#message');
      await expect.poll(() => message.textContent(), { timeout: 60_000 }).toMatch(/A new version is ready: reload to update/);
      await page.waitForTimeout(1000);
      const waiting = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.waiting !== null);
      expect([waiting, (await state(page)).settings.dataset]).toEqual([true, 'xor']); // waits, and nothing reloaded by itself
      const reloaded = page.waitForEvent('load', { timeout: 60_000 });
      await message.getByRole('button', { name: 'reload', exact: true }).click();
      await reloaded;
      await page.waitForFunction(READY, null, { timeout: 90_000 });
      const now = await page.evaluate(async () => {
        const registration = (await navigator.serviceWorker.getRegistration())!;
        return { waiting: registration.waiting !== null, message: document.getElementById('message')!.hidden };
      });
      expect(now).toEqual({ waiting: false, message: true });
    } finally {
      await writeFile(sw, deployed);
    }
    expect(errors).toEqual([]);
  });
});
