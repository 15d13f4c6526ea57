// The page with networks users reshape: a 3-layer ReLU network from the link trains on spiral to a
// decision boundary, its gradient check and statistics cover every layer; the widths field in the
// panel rebuilds the run or refuses a bad entry; input features and the test share reach the model.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaryColours, mean, SHOTS, state, trainFor, useApp, waitForApp } from './harness';

const { open } = useApp();

describe('deeper networks in the page', () => {
  it('trains a 3-layer ReLU network on spiral to a decision boundary, with every layer in the math views', async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=16,16,16&activation=relu&lr=0.01&stepsPerFrame=8&checkEvery=100');
    expect(await page.getByRole('status').textContent()).toContain('MLP with 3 relu layers (16-16-16 units)');
    const s = await trainFor(page, 300);
    const losses = s.history.gpu.map((m) => m.loss);
    expect(mean(losses.slice(-20))).toBeLessThan(0.7 * mean(losses.slice(0, 10)));
    expect(await page.evaluate(boundaryColours)).toBeGreaterThan(10);
    await waitForApp(page, (app) => app.gradCheck !== null, undefined, { timeout: 30_000 });
    const check = (await state(page)).gradCheck!;
    expect(Object.keys(check.tensors)).toEqual(['W1', 'b1', 'W2', 'b2', 'W3', 'b3', 'W4', 'b4']);
    for (const [name, t] of Object.entries(check.tensors)) expect(t.gpuVsReference, name).toBeLessThan(1e-4);
    // One row of histograms and one dead-unit share per hidden layer.
    await page.locator('.view-activation-stats canvas').first().waitFor();
    expect(await page.locator('.view-activation-stats .math-layers > .math-stats').count()).toBe(3);
    expect(await page.locator('.view-activation-stats tr[data-dead]').count()).toBe(3);
    // The equations carry the layer numbers of the chain.
    const equations = await page.locator('.view-equations .math-eq').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.key));
    expect(equations).toEqual(expect.arrayContaining(['v1', 'y3', 'GV3', 'GY1', 'dW4', 'dW1']));
    await page.screenshot({ path: join(SHOTS, 'spiral-relu-3-layers.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('rebuilds with the widths typed in the panel, and refuses a bad entry with its reason', async () => {
    const { page } = await open('#dataset=xor&hidden=8');
    const widths = page.locator('.lil-controller', { hasText: 'hidden layers' }).locator('input').last();
    await widths.fill('6,5');
    await widths.press('Enter');
    // The status names the rebuilt network once it is ready (a gradient check may already have run).
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 }).toContain('2 swish layers (6-5 units)');
    expect(await page.evaluate(() => location.hash)).toContain('hidden=6%2C5');
    await widths.fill('6,x');
    await widths.press('Enter');
    await expect
      .poll(() => page.locator('.lil-gui .panel-note[role=status]:visible').first().textContent())
      .toMatch(/hidden must be 1 to 4 comma-separated entries/);
    expect((await state(page)).settings.hidden).toEqual([6, 5]);
    expect(await widths.inputValue()).toBe('6,5');
  });

  it('feeds the chosen input features to the network, with the test share chosen', async () => {
    const { page, errors } = await open('#dataset=circles&features=x1sq,x2sq&hidden=2&activation=linear&testShare=0.5&lr=0.05&stepsPerFrame=8');
    expect((await state(page)).trainFeatures).toBe(2);
    // x₁² and x₂² make the circles linearly separable: a linear network gets them.
    const s = await trainFor(page, 200);
    await waitForApp(page, (app) => app.evals.length > 0, undefined, { timeout: 30_000 });
    expect((await state(page)).evals.at(-1)!.testAccuracy).toBeGreaterThan(0.9);
    expect(s.history.gpu.length).toBeGreaterThan(0);
    const boxes = page.locator('.lil-controller', { hasText: 'x₁²' }).locator('input');
    expect(await boxes.isChecked()).toBe(true);
    expect(await page.evaluate(boundaryColours)).toBeGreaterThan(10); // the rings themselves: tests/views.gpu.test.ts
    // Unticking x₁² leaves one feature: the model rebuilds with D = 1.
    await boxes.uncheck();
    await waitForApp(page, (app) => app.trainFeatures === 1, undefined, { timeout: 30_000 });
    expect(await page.evaluate(() => location.hash)).toContain('features=x2sq');
    await page.screenshot({ path: join(SHOTS, 'circles-features.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
