// End to end: the autoencoder's own views. On a 2-D set the reconstructions are points on the plane
// (not bar pairs) and the gradient check names what it checks; on MNIST the PCA bound is computed off
// the page's thread, the PCA card counts the percent meanwhile, and the bound reaches the loss plot.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHOTS, state, trainFor, useApp, waitForApp } from './harness';

const { open } = useApp();

/** Painted pixels of the visible reconstruction canvas, and its CSS size; runs in the page. */
const planeInk = () => {
  const canvas = Array.from(document.querySelectorAll<HTMLCanvasElement>('.view-reconstructions canvas')).find((c) => c.style.display !== 'none');
  if (!canvas) return null;
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] !== 255 || data[i + 1] !== 255 || data[i + 2] !== 255) inked++;
  return { inked, width: canvas.clientWidth, height: canvas.clientHeight };
};

describe('the autoencoder views', () => {
  it('draws a 2-D set’s reconstructions on the plane and checks the tied linear gradient', { timeout: 240_000 }, async () => {
    const { page, errors } = await open('#model=autoencoder&dataset=spiral&code=1&optimizer=sgd&lr=0.05&stepsPerFrame=8');
    await trainFor(page, 1500);
    const ink = await page.evaluate(planeInk);
    expect(ink).not.toBeNull();
    expect(ink!.width).toBe(ink!.height); // the square plane, not the strip of pairs
    expect(ink!.inked).toBeGreaterThan(500);
    expect(await page.locator('.view-reconstructions .view-caption').textContent()).toMatch(/points on the plane/);
    await waitForApp(page, (app) => app.gradCheck !== null, undefined, { timeout: 30_000 });
    const checkLine = await page.locator('.view-grad-check .math-row span').textContent();
    expect(checkLine).toContain('no activation');
    expect(checkLine).not.toContain('swish');
    expect((await state(page)).pcaBound).not.toBeNull();
    await page.locator('.view-reconstructions').screenshot({ path: join(SHOTS, 'autoencoder-plane.png') });
    await page.locator('.view-pca').screenshot({ path: join(SHOTS, 'autoencoder-pca-plane.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('computes MNIST’s PCA bound in a worker, with the percent shown meanwhile', { timeout: 300_000 }, async () => {
    const { page, errors, requests } = await open('#model=autoencoder&dataset=mnist&code=16');
    const started = Date.now();
    const seen = new Set<string>();
    while ((await state(page)).pcaBound === null && Date.now() - started < 120_000) {
      seen.add((await page.locator('.view-pca .math-row').first().textContent()) ?? '');
      await page.waitForTimeout(200);
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`MNIST PCA bound (m = 16) ${seconds.toFixed(1)} s after Ready`);
    expect([...seen].some((t) => /computing the PCA bound… \d+%/.test(t))).toBe(true);
    expect(requests.some((url) => /pca-worker[^/]*\.js$/.test(url))).toBe(true); // off the page's thread
    const { pcaBound } = await state(page);
    expect(pcaBound).toBeCloseTo(10.7245627648, 8); // ½ Σ_{j>16} λ_j of the 60000 training images (their pixels as every engine sees them)
    expect(await page.locator('.view-loss').textContent()).toContain('PCA bound');
    await page.locator('.view-pca').screenshot({ path: join(SHOTS, 'autoencoder-pca-mnist.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
