// End to end: the first screen. At 1280×800, 1024×768 and 800×600 the play toggle, the network
// diagram and the decision boundary are on screen without scrolling; the diagram has a node per
// hidden unit, hovering one draws its map on the boundary, clicking a link names its weight and
// gradient, and its buttons reshape the network; teacher mode hides controls and sections from the
// link, copies the link and opens presets. The rate, activation and regularisation sit beside play
// and refuse a value out of range in words; at 800×600 the settings are a drawer over the page.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SHOTS, state, useApp, waitForApp } from './harness';

const { open, newContext } = useApp();

/** Whether an element's box lies wholly inside the first screen. */
async function onFirstScreen(page: Page, selector: string, width: number, height: number): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  return !!box && box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height;
}

/** The network diagram's nodes: the least one's side in pixels, and how many hidden units are drawn. */
async function unitSizes(page: Page): Promise<{ least: number; hidden: number }> {
  return page.evaluate(() => {
    const nodes = [...document.querySelectorAll<HTMLElement>('.view-network-diagram [data-unit]')];
    return {
      least: Math.min(...nodes.map((n) => n.getBoundingClientRect().width)),
      hidden: nodes.filter((n) => n.dataset.unit!.startsWith('layer1/')).length,
    };
  });
}

/** A hash of the boundary canvas's pixels (a sample of them), to see that it was redrawn differently. */
const boundaryPixels = () => {
  const canvas = document.querySelector<HTMLCanvasElement>('.view-decision-boundary canvas')!;
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  let h = 0;
  for (let i = 0; i < data.length; i += 4 * 31) h = (h * 31 + data[i]! + 7 * data[i + 1]! + 13 * data[i + 2]!) >>> 0;
  return h;
};

describe('the first screen', () => {
  for (const [width, height] of [
    [1280, 800],
    [1024, 768],
    [800, 600],
  ] as const) {
    it(`shows the toggle, the network diagram and the decision boundary without scrolling at ${width}×${height}`, { timeout: 90_000 }, async () => {
      const { page, errors } = await open('#dataset=spiral&hidden=6,5&activation=tanh&stepsPerFrame=8', { viewport: { width, height } });
      await page.getByRole('button', { name: 'play', exact: true }).click();
      await waitForApp(page, (app) => app.step > 150, undefined, { timeout: 60_000 });
      await page.waitForTimeout(800); // a refresh of the views after those steps
      expect(await onFirstScreen(page, '.run-toggle', width, height)).toBe(true);
      expect(await onFirstScreen(page, '[aria-label="network diagram"]', width, height)).toBe(true);
      expect(await onFirstScreen(page, '[aria-label="decision boundary"]', width, height)).toBe(true);
      if (width === 1280) expect((await page.locator('.view-loss').boundingBox())!.y).toBeLessThan(height - 150);
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      await page.screenshot({ path: join(SHOTS, `first-screen-${width}x${height}.png`) });
      expect(errors).toEqual([]);
    });
  }

  it("shows the cards' frames from the first paint where the cards come, so that nothing moves when the script fills them in", {
    timeout: 120_000,
  }, async () => {
    const cards = ['#panel', '#status', '.view-network-diagram', '.view-decision-boundary', '.view-loss'];
    const boxes = (page: Page, selectors: string[]) =>
      page.evaluate(
        (sels) =>
          sels.map((sel) => {
            const e = document.querySelector(sel);
            const b = e?.getBoundingClientRect();
            const texts = [...(e?.querySelectorAll('.view-title, .view-caption') ?? [])].map((t) => t.textContent);
            return { sel, box: b ? [b.x, b.y, b.width, b.height] : null, texts };
          }),
        selectors,
      );
    // One page, resized as a window would be: its layout follows the window, as a fresh load at that size would.
    const { page, origin, errors } = await open('', { viewport: { width: 1280, height: 800 } });
    for (const [width, height] of [
      [1280, 800],
      [1024, 768],
      [800, 600],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const built = await boxes(page, cards);
      // The page as the server sends it, before any script: the frames of index.html.
      const context = await newContext({ viewport: { width, height }, javaScriptEnabled: false, serviceWorkers: 'block' });
      try {
        const still = await context.newPage();
        await still.goto(`${origin}/`);
        const frames = await boxes(still, cards);
        for (const [i, card] of built.entries()) {
          const frame = frames[i]!;
          expect(card.box, `${card.sel} at ${width}×${height}`).not.toBeNull();
          for (const [k, v] of card.box!.entries())
            expect(Math.abs(frame.box![k]! - v), `${card.sel} at ${width}×${height}: ${frame.box} → ${card.box}`).toBeLessThan(1);
          expect(frame.texts, card.sel).toEqual(card.texts); // titles and captions written twice, kept the same
        }
      } finally {
        await context.close();
      }
      expect(await page.locator('.view-frame').count()).toBe(0); // every frame was taken by its card
      expect(errors).toEqual([]);
      if (width === 1280) await expect.poll(async () => (await unitSizes(page)).least).toBeGreaterThanOrEqual(32);
    }
    // The default network's 32 hidden units: at 1280×800 the layer draws its first units at 32 px or
    // more (its heading says how many), at 1920×1080 every one of them, larger.
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(async () => (await unitSizes(page)).least).toBeGreaterThanOrEqual(32);
    const at1280 = await unitSizes(page);
    expect(at1280.hidden).toBeGreaterThanOrEqual(20);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await expect.poll(() => unitSizes(page)).toMatchObject({ hidden: 32 });
    expect((await unitSizes(page)).least).toBeGreaterThan(at1280.least * 1.25);
  });

  it('draws a node per hidden unit; hovering one draws its map on the boundary; a click on a link names it', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=6,5&activation=tanh&stepsPerFrame=4');
    const diagram = page.getByRole('figure', { name: 'network diagram' });
    expect(await diagram.locator('[data-layer="hidden"]').count()).toBe(11);
    expect(await diagram.locator('[data-unit^="layer1/"]').count()).toBe(6);
    expect(await diagram.locator('[data-unit^="layer2/"]').count()).toBe(5);
    expect(await diagram.locator('[data-layer="input"]').count()).toBe(7); // every feature of a 2-D set, x₁ and x₂ on
    expect(await diagram.locator('[data-layer="output"]').count()).toBe(3);
    await page.getByRole('button', { name: 'one step', exact: true }).click();
    await waitForApp(page, (app) => app.step === 1, undefined, { timeout: 20_000 });
    // The boundary after that step, once drawn: the same picture on two reads 400 ms apart.
    let before = await page.evaluate(boundaryPixels);
    for (let settled = false; !settled; ) {
      await page.waitForTimeout(400);
      const again = await page.evaluate(boundaryPixels);
      settled = again === before;
      before = again;
    }
    await diagram.locator('[data-unit="layer1/2"]').hover();
    const boundary = page.getByRole('figure', { name: 'decision boundary' });
    await expect.poll(() => boundary.getAttribute('data-showing')).toMatch(/layer 1: 6 tanh: unit 3/);
    expect(await page.evaluate(boundaryPixels)).not.toBe(before);
    await page.mouse.move(5, 5);
    await expect.poll(() => boundary.getAttribute('data-showing')).toBeNull();
    // The boundary is drawn again a frame or more after the attribute goes (later on a loaded machine).
    await expect.poll(() => page.evaluate(boundaryPixels)).toBe(before);
    // The link from input x₁ to unit 1 of layer 1: click half way along it.
    const a = (await diagram.locator('[data-unit="input/0"]').boundingBox())!;
    const b = (await diagram.locator('[data-unit="layer1/0"]').boundingBox())!;
    await page.mouse.click((a.x + a.width + b.x) / 2, (a.y + a.height / 2 + b.y + b.height / 2) / 2);
    const inspector = diagram.locator('.diagram-inspector');
    await expect.poll(() => inspector.textContent(), { timeout: 10_000 }).toMatch(/^W1\[1, 1\] = .* · gradient at the last step [−-]?\d/);
    expect(errors).toEqual([]);
  });

  it("adds and removes layers and units with the diagram's buttons", { timeout: 90_000 }, async () => {
    const { page, errors } = await open('#dataset=xor&hidden=4&activation=tanh');
    const diagram = page.getByRole('figure', { name: 'network diagram' });
    await diagram.getByRole('button', { name: '+ layer' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 }).toMatch(/Ready: MLP with 2 tanh layers \(4-4 units\)/);
    await diagram.getByTitle('One more unit in layer 2').click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 }).toMatch(/\(4-5 units\)/);
    expect(await diagram.locator('[data-layer="hidden"]').count()).toBe(9);
    await diagram.getByRole('button', { name: '− layer' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 }).toMatch(/MLP with 4 tanh units/);
    expect((await state(page)).settings.hidden).toEqual([4]);
    expect(page.url()).toContain('hidden=4');
    expect(errors).toEqual([]);
  });

  it("hides what a teacher's link hides, copies the link with it, and opens a preset", { timeout: 90_000 }, async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=8&hide=lr,optimizer,math,bench');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    expect(await page.locator('.lil-controller', { hasText: 'learning rate' }).isVisible()).toBe(false);
    expect(await page.locator('.lil-controller', { hasText: 'batch size' }).isVisible()).toBe(true);
    expect(await page.locator('.view-grad-check').isVisible()).toBe(false);
    // Hiding the math hides the panel's math too: the gallery's choice, the check's interval, their folder.
    expect(await page.locator('.lil-controller', { hasText: 'backprop mistake' }).isVisible()).toBe(false);
    expect(await page.locator('.lil-controller', { hasText: 'gradient check every' }).isVisible()).toBe(false);
    expect(await page.locator('.lil-title', { hasText: 'The math' }).isVisible()).toBe(false);
    expect(await page.locator('.bench-section').isVisible()).toBe(false);
    expect(await page.getByRole('figure', { name: 'network diagram' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'copy link', exact: true }).click();
    await expect.poll(() => page.locator('#notice').textContent()).toMatch(/Link copied: .*hide=lr,optimizer,math,bench/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('hide=lr,optimizer,math,bench');
    await page.getByRole('combobox', { name: 'presets' }).selectOption({ label: 'PCA in one dimension' });
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 }).toMatch(/Ready: linear autoencoder with code size 1 on blobs/);
    expect(page.url()).toContain('hide=lr,optimizer,math,bench'); // the teacher's hide list stays
    expect(await page.locator('.lil-controller', { hasText: 'learning rate' }).isVisible()).toBe(false);
    expect(await page.locator('.lil-title', { hasText: 'The math' }).isVisible()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'teacher-mode.png') });
    expect(errors).toEqual([]);
  });

  it('sets the rate, the activation and the regularisation beside play, refuses a value out of range in words, and opens the settings as a drawer at 800×600', {
    timeout: 120_000,
  }, async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=8', { viewport: { width: 800, height: 600 } });
    const quick = page.getByRole('group', { name: 'quick settings' });
    const rate = quick.getByRole('textbox', { name: 'learning rate' });
    expect(await onFirstScreen(page, '.quick-settings', 800, 600)).toBe(true);
    // 500 is refused with the reason (the panel's slider used to make it 10 in silence); 0.03 applies live.
    await rate.fill('500');
    await rate.press('Enter');
    await expect.poll(() => quick.getByRole('status').textContent()).toBe('The learning rate must be a number from 0.00001 to 10, not “500”: it stays 0.01.');
    expect(await rate.inputValue()).toBe('0.01');
    expect((await state(page)).settings.lr).toBe(0.01);
    await rate.fill('0.03');
    await rate.press('Enter');
    await expect.poll(() => page.url()).toContain('lr=0.03');
    expect(await quick.getByRole('status').isHidden()).toBe(true);
    // L2 at a typed rate; then L1 takes the same rate, and the other goes to 0.
    await quick.getByRole('combobox', { name: 'regularisation', exact: true }).selectOption('l2');
    const regRate = quick.getByRole('textbox', { name: 'regularisation rate' });
    await regRate.fill('0.005');
    await regRate.press('Enter');
    await waitForApp(page, (app) => app.settings.weightDecay === 0.005 && app.settings.l1 === 0);
    await quick.getByRole('combobox', { name: 'regularisation', exact: true }).selectOption('l1');
    await waitForApp(page, (app) => app.settings.weightDecay === 0 && app.settings.l1 === 0.005);
    // The activation rebuilds the model, and the panel shows what the bar set.
    await quick.getByRole('combobox', { name: 'activation' }).selectOption('tanh');
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 60_000 }).toMatch(/Ready: MLP with 8 tanh units/);
    // The settings: folded into the run bar's button, opened as a drawer over the page (the run bar stays where it was).
    const barTop = (await page.locator('.run-bar').boundingBox())!.y;
    expect(await page.locator('#panel').isVisible()).toBe(false);
    await page.getByRole('button', { name: 'settings', exact: true }).click();
    await page.locator('#panel .lil-root').waitFor(); // it opens on the frame after the click (#panel itself has no size there)
    const drawer = (await page.locator('#panel .lil-root').boundingBox())!;
    expect(drawer).toMatchObject({ x: 0, y: 0, height: 600 });
    expect((await page.locator('.run-bar').boundingBox())!.y).toBe(barTop);
    expect(await page.locator('.lil-controller', { hasText: 'activation (MLP)' }).locator('select').inputValue()).toBe('tanh');
    await page.mouse.click(780, 300); // beside the drawer: it closes
    await expect.poll(() => page.locator('#panel').isVisible()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'quick-settings-800x600.png') });
    expect(errors).toEqual([]);
  });
});
