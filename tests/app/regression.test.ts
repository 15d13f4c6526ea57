// End to end: a regression in the page (problem=regression), from its link and its panel: the plane
// trains with its test RMSE falling and R² rising, the output is drawn by value, and the equations
// and the gradient check take the squared error.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaryColours, clickButton, SHOTS, state, trainFor, useApp, waitForApp } from './harness';

const { open } = useApp();

describe('a regression in the page', () => {
  it('#problem=regression&dataset=plane trains with the test RMSE falling, shown in the status as RMSE and R²', { timeout: 300_000 }, async () => {
    const { page, errors } = await open('#problem=regression&dataset=plane&hidden=8&lr=0.005&stepsPerFrame=2');
    const ready = await state(page);
    expect(ready.settings).toMatchObject({ problem: 'regression', dataset: 'plane' });
    expect(ready.banners.message).toBeNull();
    // The plane's output card draws values, not classes: its title says so, and it has many colours.
    await expect.poll(() => page.locator('.view-decision-boundary').textContent()).toContain('Predicted value');
    // One step, evaluated: the untrained network's RMSE to compare against.
    await clickButton(page, 'one step');
    await waitForApp(page, (app) => app.evals.some((e) => e.step >= 1 && e.testRMSE !== undefined), undefined, { timeout: 60_000 });
    const early = (await state(page)).evals.at(-1)!;
    await trainFor(page, 600, 240_000);
    await waitForApp(page, (app) => (app.evals.at(-1)?.step ?? 0) >= 600, undefined, { timeout: 60_000 });
    const s = await state(page);
    const late = s.evals.at(-1)!;
    expect(late.testAccuracy).toBeUndefined();
    console.log(`test RMSE ${early.testRMSE} at step ${early.step}, ${late.testRMSE} at step ${late.step} (R² ${early.testR2} → ${late.testR2})`);
    expect(late.testRMSE).toBeLessThan(early.testRMSE! * 0.5);
    expect(late.testR2).toBeGreaterThan(early.testR2!);
    expect(late.testR2).toBeGreaterThan(0.9);
    // RMSE is √(2L) of the mean test loss L = ½ mean((z − t)²).
    expect(late.testRMSE!).toBeCloseTo(Math.sqrt(2 * late.testLoss), 6);
    expect(s.status).toMatch(/test RMSE [\d.]+, R² 0\.9\d*/);
    expect(s.status).not.toContain('accuracy');
    expect(await page.evaluate(boundaryColours)).toBeGreaterThan(20);
    await page.screenshot({ path: join(SHOTS, 'regression-plane.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('checks the regression gradients, shows ½(z − t)² in the equations, and offers only the regression sets', { timeout: 300_000 }, async () => {
    const { page, errors } = await open('#problem=regression&dataset=gauss-mix&hidden=6,5');
    await waitForApp(page, (app) => app.gradCheck !== null, undefined, { timeout: 120_000 });
    const check = (await state(page)).gradCheck!;
    expect(Object.keys(check.tensors)).toEqual(['W1', 'b1', 'W2', 'b2', 'W3', 'b3']);
    for (const [name, t] of Object.entries(check.tensors)) {
      expect(t.gpuVsReference, name).toBeLessThan(1e-4);
      expect(t.referenceVsFiniteDiff, name).toBeLessThan(1e-4);
    }
    const equations = page.locator('.view-equations');
    await expect.poll(() => equations.locator('.math-value[data-key="x"]').textContent()).toMatch(/target t = /);
    expect(await equations.locator('.math-eq[data-key="L"]').textContent()).toContain('(z−t)');
    expect(await equations.locator('.math-value[data-key="a"]').count()).toBe(0); // no softmax
    // The data set choice lists the regression sets only; choosing classification brings a set of classes.
    const dataset = page.locator('.lil-controller', { hasText: 'dataset' }).locator('select');
    const offered = await dataset.locator('option').evaluateAll((os) => os.filter((o) => !(o as HTMLOptionElement).hidden).map((o) => o.textContent));
    expect(offered).toEqual(['plane', 'Gaussian mixture', 'your file']);
    await page.locator('.lil-controller', { hasText: 'problem' }).locator('select').selectOption({ label: 'classification' });
    await waitForApp(page, (app) => app.applied?.problem === 'classification' && !app.building, undefined, { timeout: 60_000 });
    expect((await state(page)).settings.dataset).toBe('spiral');
    expect(errors).toEqual([]);
    await page.close();
  });
});
