// End to end: a run state anyone can read — one play/pause toggle named by what it does, Space
// toggling it (not while typing), the status line saying "paused" and never "0 steps/s", and the
// run controls on the first screen and in view while scrolling, with a status line of one height
// whether running or paused, at 1280×800, 1024×768 and 800×600.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHOTS, state, useApp, waitForApp } from './harness';

const { open } = useApp();

/** An init script: the WebGPU adapter describes itself as a real GPU's does, at length. */
function longAdapterName(): void {
  const real = Object.getOwnPropertyDescriptor(GPUAdapter.prototype, 'info')!.get!;
  Object.defineProperty(GPUAdapter.prototype, 'info', {
    get() {
      const info = real.call(this) as GPUAdapterInfo;
      return {
        vendor: 'nvidia',
        architecture: 'hopper',
        device: '',
        description: 'NVIDIA: 580.159.04',
        subgroupMinSize: info.subgroupMinSize,
        subgroupMaxSize: info.subgroupMaxSize,
      };
    },
  });
}

describe('the run state', () => {
  it('toggles with one button and with Space, and the status says when it is paused', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=8&stepsPerFrame=2');
    const toggle = page.locator('.run-toggle');
    expect(await toggle.getAttribute('aria-label')).toBe('play');
    expect(await toggle.getAttribute('title')).toMatch(/Space/);
    expect(await page.getByRole('button', { name: 'one step', exact: true }).getAttribute('title')).toBeTruthy();
    expect(await page.getByRole('button', { name: 'reset', exact: true }).getAttribute('title')).toBeTruthy();
    await page.keyboard.press('Space');
    await waitForApp(page, (app) => app.running && app.step > 20, undefined, { timeout: 30_000 });
    expect(await toggle.getAttribute('aria-label')).toBe('pause');
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 20_000 }).toMatch(/[1-9][\d,.]* steps\/s/);
    // Space in a text field types; it does not pause.
    const lr = page.locator('.lil-controller', { hasText: 'learning rate' }).locator('input').last();
    await lr.focus();
    await page.keyboard.press('Space');
    expect((await state(page)).running).toBe(true);
    await lr.blur();
    await page.keyboard.press('Space');
    await waitForApp(page, (app) => !app.running, undefined, { timeout: 10_000 });
    expect(await toggle.getAttribute('aria-label')).toBe('play');
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toContain('paused');
    expect(await page.getByRole('status').textContent()).not.toMatch(/steps\/s/);
    // The toggle itself, clicked.
    await toggle.click();
    await waitForApp(page, (app) => app.running, undefined, { timeout: 10_000 });
    await toggle.click();
    await waitForApp(page, (app) => !app.running, undefined, { timeout: 10_000 });
    // After the file chooser of "load data…" (closed with no file), Space plays: it does not open the chooser again.
    const choosers: unknown[] = [];
    page.on('filechooser', (c) => choosers.push(c));
    await page.locator('.lil-controller', { hasText: 'load data' }).locator('button, .lil-name').first().click();
    await expect.poll(() => choosers.length).toBe(1);
    await page.keyboard.press('Space');
    await waitForApp(page, (app) => app.running, undefined, { timeout: 10_000 });
    expect(choosers).toHaveLength(1);
    await page.keyboard.press('Space');
    await waitForApp(page, (app) => !app.running, undefined, { timeout: 10_000 });
    expect(errors).toEqual([]);
  });

  it('warns when SGD at rate 10 collapses spiral to chance with a finite loss, and offers the last good state at rate 1 first', {
    timeout: 180_000,
  }, async () => {
    const { page, errors } = await open('#dataset=spiral&optimizer=sgd&lr=10&stepsPerFrame=8');
    await page.getByRole('button', { name: 'play', exact: true }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 120_000, interval: 500 }).toMatch(/training has gone wrong, though every number is finite/);
    expect(await alert.textContent()).toMatch(/learning rate 10 is high for SGD/);
    const first = alert.getByRole('button').first();
    // The collapse can come before the first snapshot: then the offer is to start again at rate 1.
    expect(await first.textContent()).toMatch(/^(Restore step \d+|Start again) with learning rate 1$/);
    expect((await state(page)).diverged).toBe(false);
    await first.click();
    // Either offer leaves a run at rate 1 that is paused for good, not one caught between builds.
    await waitForApp(
      page,
      (app) => !app.running && !app.building && !app.startsWhenReady && app.settings.lr === 1 && /Press play\.$/.test(app.status),
      undefined,
      {
        timeout: 30_000,
      },
    );
    await page.waitForTimeout(300);
    expect((await state(page)).running).toBe(false);
    expect(errors).toEqual([]);
  });

  it('applies a link edited in the address bar: a rebuild for a new shape, live for a new rate', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=8');
    await page.evaluate(() => (location.hash = '#dataset=xor&hidden=6,5&lr=0.05'));
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 }).toMatch(/Ready: MLP with 2 swish layers \(6-5 units\) on xor/);
    expect((await state(page)).optimizerInUse).toMatchObject({ lr: 0.05 });
    await page.locator('.run-toggle').click();
    await waitForApp(page, (app) => app.step > 10, undefined, { timeout: 30_000 });
    await page.evaluate(() => (location.hash = '#dataset=xor&hidden=6,5&lr=0.02'));
    await waitForApp(page, (app) => app.optimizerInUse?.lr === 0.02, undefined, { timeout: 10_000 });
    const s = await state(page);
    expect(s.running).toBe(true); // live: no rebuild, no reset
    expect(s.step).toBeGreaterThan(10);
    await page.evaluate(() => (location.hash = '#dataset=xor&hidden=6,5&lr=NaN'));
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/ignored: lr must be a number/);
    // The refused rate keeps the run's (not the default's), and the address bar says which it is.
    await page.waitForTimeout(300);
    const kept = await state(page);
    expect(kept.settings.lr).toBe(0.02);
    expect(kept.optimizerInUse).toMatchObject({ lr: 0.02 });
    expect(kept.running).toBe(true);
    expect(await page.evaluate(() => location.hash)).toMatch(/lr=0\.02/);
    expect(errors).toEqual([]);
  });

  for (const [width, height] of [
    [1280, 800],
    [1024, 768],
    [800, 600],
  ] as const) {
    it(`keeps the run controls on the first screen and in view while scrolling at ${width}×${height}`, { timeout: 60_000 }, async () => {
      const { page } = await open('#dataset=spiral&hidden=8', { viewport: { width, height } });
      const inView = async () => {
        const box = (await page.locator('.run-toggle').boundingBox())!;
        return box.y >= 0 && box.y + box.height <= height && box.x >= 0 && box.x + box.width <= width;
      };
      expect(await inView()).toBe(true);
      await page.screenshot({ path: join(SHOTS, `run-state-${width}x${height}.png`) });
      await page.mouse.wheel(0, 2500);
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
      expect(await inView()).toBe(true);
      expect(await page.getByRole('status').isVisible()).toBe(true);
    });

    it(`keeps the status line one height, running and paused, and the page still, at ${width}×${height}`, { timeout: 90_000 }, async () => {
      // A real GPU's longer name ("nvidia hopper (NVIDIA: 580.159.04)"), and both engines racing: the longest line.
      const { page, errors } = await open('#dataset=spiral&hidden=16,16&engine=race', { viewport: { width, height }, init: longAdapterName });
      const status = page.getByRole('status');
      const measure = async () => ({ status: (await status.boundingBox())!.height, stage: (await page.locator('.stage').boundingBox())!.y });
      const ready = await measure();
      await page.locator('.run-toggle').click();
      // Running with its rate, its test accuracy and its loss, the longest line it shows.
      await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/test accuracy .* steps\/s.* steps\/s/);
      await page.waitForTimeout(1200);
      const running = await measure();
      await page.locator('.run-toggle').click();
      await expect.poll(() => status.textContent(), { timeout: 10_000 }).toContain('paused');
      const paused = await measure();
      // A line longer than two ends in an ellipsis: the tooltip holds it whole.
      // (Both read at once: a paused run's status may still take its last evaluation.)
      const [title, text] = await page.evaluate(() => [document.getElementById('status')!.title, document.getElementById('status')!.textContent]);
      expect(title).toBe(text);
      expect(running.status).toBe(paused.status);
      expect(running.status).toBe(ready.status);
      expect(running.stage).toBe(paused.stage);
      expect(running.stage).toBe(ready.stage);
      expect(errors).toEqual([]);
    });
  }
});
