// End to end: the network diagram as Playground's. Hovering a link shows its weight; a weight typed in
// its field is where the next step starts, on each engine, and a saved run keeps it; a click on an input
// node switches its feature and rebuilds; the boundary's "discretize output" and "show test data"
// change its picture, and "regenerate" draws new points while the network keeps its weights.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { clickButton, params, state, useApp, waitForApp } from './harness';

const { open } = useApp();

/** A hash of the boundary canvas's pixels (a sample of them), to see that it was redrawn differently; runs in the page. */
const boundaryPixels = () => {
  const canvas = document.querySelector<HTMLCanvasElement>('.view-decision-boundary canvas')!;
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  let h = 0;
  for (let i = 0; i < data.length; i += 4 * 7) h = (h * 31 + data[i]! + 7 * data[i + 1]! + 13 * data[i + 2]!) >>> 0;
  return h;
};

/** The boundary's picture once it stops changing: the same on two reads 400 ms apart. */
async function settledBoundary(page: Page): Promise<number> {
  let before = await page.evaluate(boundaryPixels);
  for (;;) {
    await page.waitForTimeout(400);
    const again = await page.evaluate(boundaryPixels);
    if (again === before) return again;
    before = again;
  }
}

/** The middle of the link from input x₁ (the diagram's first node) to unit 1 of layer 1. */
async function firstLinkMiddle(page: Page): Promise<{ x: number; y: number }> {
  const diagram = page.getByRole('figure', { name: 'network diagram' });
  const a = (await diagram.locator('[data-unit="input/0"]').boundingBox())!;
  const b = (await diagram.locator('[data-unit="layer1/0"]').boundingBox())!;
  return { x: (a.x + a.width + b.x) / 2, y: (a.y + a.height / 2 + b.y + b.height / 2) / 2 };
}

describe('the network diagram', () => {
  for (const engine of ['gpu', 'cpu', 'reference'] as const) {
    it(`shows a link's weight on hover, and the ${engine} engine's next step starts from a weight typed in its field`, { timeout: 120_000 }, async () => {
      const { page, errors } = await open(`#dataset=xor&hidden=4&activation=tanh&engine=${engine}`);
      const diagram = page.getByRole('figure', { name: 'network diagram' });
      await clickButton(page, 'one step');
      await waitForApp(page, (app) => app.step === 1, undefined, { timeout: 30_000 });
      await settledBoundary(page);
      const w = (await params(page)).W1![0]!; // W1[1, 1]: unit 1's weight of x₁
      const middle = await firstLinkMiddle(page);
      await page.mouse.move(middle.x, middle.y);
      const tooltip = diagram.getByRole('tooltip');
      await expect.poll(() => tooltip.isVisible()).toBe(true);
      const shown = (await tooltip.textContent())!;
      expect(shown).toMatch(/^W1\[1, 1\] = [−-]?\d/);
      expect(Number(shown.split(' = ')[1]!.replace('−', '-'))).toBeCloseTo(w, 2);
      await page.mouse.click(middle.x, middle.y);
      const field = diagram.getByRole('spinbutton', { name: 'weight W1[1, 1]' });
      await expect.poll(() => field.isVisible()).toBe(true);
      await field.fill('2.5');
      await field.press('Enter');
      await expect.poll(async () => (await params(page)).W1![0], { timeout: 10_000 }).toBe(2.5);
      if (engine === 'gpu') {
        // The edit is part of the run: a saved run keeps it, and resuming that file starts from it.
        const saving = page.waitForEvent('download');
        await clickButton(page, 'save run (.json');
        const runFile = join(tmpdir(), `edited-run-${process.pid}.json`);
        await (await saving).saveAs(runFile);
        await field.fill('-1'); // changed after saving: the file's 2.5 comes back
        await field.press('Enter');
        await expect.poll(async () => (await params(page)).W1![0], { timeout: 10_000 }).toBe(-1);
        const choosing = page.waitForEvent('filechooser');
        await clickButton(page, 'resume a saved run');
        await (await choosing).setFiles(runFile);
        await page.waitForFunction(() => /continuing from step 1/.test(document.getElementById('notice')?.textContent ?? ''), null, { timeout: 60_000 });
        expect((await params(page)).W1![0]).toBe(2.5);
      }
      // Adam moves a weight by about the learning rate (0.01) a step: the step began at 2.5.
      await clickButton(page, 'one step');
      await waitForApp(page, (app) => app.step === 2, undefined, { timeout: 30_000 });
      const after = (await params(page)).W1![0]!;
      expect(after).not.toBe(2.5);
      expect(Math.abs(after - 2.5)).toBeLessThan(0.05);
      expect(errors).toEqual([]);
    });
  }

  it('switches an input feature with a click on its node, each input named', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('#dataset=circles&hidden=4&activation=tanh');
    const diagram = page.getByRole('figure', { name: 'network diagram' });
    const square = diagram.getByRole('switch', { name: 'input x₁²' });
    expect(await square.getAttribute('aria-checked')).toBe('false');
    expect(await diagram.getByRole('switch').count()).toBe(7);
    await square.click();
    await waitForApp(page, (app) => app.trainFeatures === 3 && !app.building, undefined, { timeout: 60_000 });
    expect((await state(page)).settings.features).toEqual(['x1', 'x2', 'x1sq']);
    expect(page.url()).toContain('features=x1%2Cx2%2Cx1sq');
    await expect.poll(() => diagram.getByRole('switch', { name: 'input x₁²' }).getAttribute('aria-checked')).toBe('true');
    await diagram.getByRole('switch', { name: 'input x₁', exact: true }).click();
    await waitForApp(page, (app) => app.trainFeatures === 2 && !app.building, undefined, { timeout: 60_000 });
    expect((await state(page)).settings.features).toEqual(['x2', 'x1sq']);
    expect(errors).toEqual([]);
  });

  it('discretizes the output and hides the test data beside the boundary; regenerate draws new points and keeps the network', {
    timeout: 150_000,
  }, async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=8&activation=tanh');
    await clickButton(page, 'one step');
    await waitForApp(page, (app) => app.step === 1, undefined, { timeout: 30_000 });
    const plain = await settledBoundary(page);
    const boundary = page.getByRole('figure', { name: 'decision boundary' });
    await boundary.getByRole('checkbox', { name: 'discretize output' }).check();
    const discrete = await settledBoundary(page);
    expect(discrete).not.toBe(plain);
    await boundary.getByRole('checkbox', { name: 'discretize output' }).uncheck();
    expect(await settledBoundary(page)).toBe(plain);
    await boundary.getByRole('checkbox', { name: 'show test data (rings)' }).uncheck();
    const noTest = await settledBoundary(page);
    expect(noTest).not.toBe(plain);
    await boundary.getByRole('checkbox', { name: 'show test data (rings)' }).check();
    expect(await settledBoundary(page)).toBe(plain);
    const before = await params(page);
    await page.getByRole('button', { name: 'regenerate (new points, same network)' }).click();
    await waitForApp(page, (app) => (app.settings.dataSeed as number) > 0 && !app.building && /Continuing from step 1/.test(app.status), undefined, {
      timeout: 60_000,
    });
    expect(await params(page)).toEqual(before);
    expect((await state(page)).step).toBe(1);
    expect(page.url()).toMatch(/dataSeed=\d+/);
    expect(await settledBoundary(page)).not.toBe(plain); // the same boundary under other points
    expect(errors).toEqual([]);
  });
});
