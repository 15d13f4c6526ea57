// End to end: the math views — the gradient check, the equations, the activation statistics, the
// derivative comparison and the autoencoder's principal subspace.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHOTS, state, trainFor, useApp, waitForApp } from './harness';

const { open } = useApp();

describe('the math views', () => {
  it('checks the gradients, shows the wrong derivative in red, and plots both runs together', { timeout: 240_000 }, async () => {
    const { page, errors, requests, origin } = await open('#dataset=xor&samples=200&hidden=8&batch=16&optimizer=sgd&lr=0.2&stepsPerFrame=4&checkEvery=0');
    await waitForApp(page, (app) => app.gradCheck !== null, undefined, { timeout: 30_000 });
    const good = (await state(page)).gradCheck!;
    expect(good.mistake).toBe('none');
    expect(Object.keys(good.tensors)).toEqual(['W1', 'b1', 'W2', 'b2']);
    for (const [name, t] of Object.entries(good.tensors)) {
      expect(t.gpuVsReference, name).toBeLessThan(1e-4);
      expect(t.referenceVsFiniteDiff, name).toBeLessThan(1e-4);
    }
    expect(await page.locator('.view-grad-check td.math-bug').count()).toBe(0);
    expect(await page.locator('.view-grad-check td.math-ok').count()).toBe(8);
    // the equations are typeset, and hovering one highlights its values
    expect(await page.locator('.view-equations .math-eq .katex').count()).toBeGreaterThanOrEqual(10);
    await page.locator('.view-equations .math-eq[data-key="GV"]').hover();
    expect(await page.locator('.view-equations .math-value.math-hot[data-key="GV"]').count()).toBe(1);
    await trainFor(page, 40);
    // Nothing to compare yet: the comparison waits hidden, with no empty chart.
    const compare = page.locator('.view-compare-runs');
    expect(await compare.isVisible()).toBe(false);
    expect(await compare.locator('canvas').count()).toBe(0);
    // the activation statistics are filled in
    expect(await page.locator('.view-activation-stats table tr').count()).toBeGreaterThanOrEqual(6);
    // an on-demand check after training
    await page.locator('.view-grad-check button', { hasText: 'check now' }).click();
    await waitForApp(page, (app) => (app.gradCheck!.step ?? 0) > 0, undefined, { timeout: 30_000 });

    // the wrong derivative: rebuilt with it in the kernel and the reference
    await page.locator('.lil-controller', { hasText: 'backprop mistake' }).locator('select').selectOption({ label: 'swish-prime: σ(2 − σ)' });
    await waitForApp(page, (app) => app.gradCheck?.mistake === 'swish-prime', undefined, { timeout: 60_000 });
    const bad = (await state(page)).gradCheck!;
    for (const name of ['W1', 'b1']) expect(bad.tensors[name]!.referenceVsFiniteDiff, name).toBeGreaterThan(1e-2);
    for (const name of ['W2', 'b2']) expect(bad.tensors[name]!.referenceVsFiniteDiff, name).toBeLessThan(1e-4);
    for (const [name, t] of Object.entries(bad.tensors)) expect(t.gpuVsReference, name).toBeLessThan(1e-4);
    expect(await page.locator('.view-grad-check tr[data-tensor="W1"] td.math-bug').count()).toBe(1);
    expect(await page.locator('.view-grad-check tr[data-tensor="W2"] td.math-bug').count()).toBe(0);
    expect(await page.evaluate(() => location.hash)).toContain('mistake=swish-prime');
    await trainFor(page, 40);
    const legend = await page.locator('.view-compare-runs .u-legend').textContent();
    expect(legend).toContain('correct');
    expect(legend).toContain('swish-prime');
    expect(await compare.isVisible()).toBe(true);
    // the equations mark the wrong line in red, the right one beside it
    const marked = page.locator('.view-equations .math-eq-wrong');
    expect(await marked.count()).toBe(1);
    expect(await marked.getAttribute('data-key')).toBe('sp');
    expect(await page.locator('.view-equations .math-why').textContent()).toContain('swish-prime');
    await page.screenshot({ path: join(SHOTS, 'math-wrong-derivative.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  });

  it('shows the autoencoder turning onto the principal subspace', { timeout: 240_000 }, async () => {
    const { page, errors } = await open('#model=autoencoder&code=2&optimizer=momentum&lr=0.01&stepsPerFrame=8');
    // 4-D data with standard deviations 3, 2, 0.5, 0.2 along a rotated basis: a clear top-2 subspace.
    const rows = Array.from({ length: 300 }, (_, i) => {
      const z = [3, 2, 0.5, 0.2].map((s, j) => s * Math.sin(1.7 * i * (j + 1) + j));
      return [z[0]! + z[1]! + z[2]! + z[3]!, z[0]! - z[1]! + z[2]! - z[3]!, z[0]! + z[1]! - z[2]! - z[3]!, z[0]! - z[1]! - z[2]! + z[3]!]
        .map((v) => (v / 2).toFixed(5))
        .join(',');
    }).join('\n');
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'pca.csv'));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
    }, `${rows}\n`);
    await page.waitForFunction(
      () => /Ready/.test(document.getElementById('status')?.textContent ?? '') && /pca\.csv/.test(document.getElementById('status')!.textContent!),
    );
    await page.waitForSelector('.view-pca .math-table', { timeout: 30_000 });
    await trainFor(page, 300);
    const history = (await state(page)).pcaHistory!;
    expect(history.length).toBeGreaterThan(1);
    expect(history.at(-1)!.largestAngleDeg).toBeLessThan(5);
    expect(history.at(-1)!.orthoError).toBeLessThan(history[0]!.orthoError);
    expect(await page.locator('.view-pca .u-legend').textContent()).toContain('largest angle');
    const check = (await state(page)).gradCheck!;
    expect(check.tensors.W!.gpuVsReference).toBeLessThan(1e-4);
    expect(check.tensors.W!.referenceVsFiniteDiff).toBeLessThan(1e-4);
    await page.screenshot({ path: join(SHOTS, 'math-autoencoder.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
