// End to end: a regression in the page (problem=regression), from its link and its panel: the plane
// trains with its test RMSE falling and R² rising, the output is drawn by value, and the equations
// and the gradient check take the squared error.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    // The loss card says what its test chart draws.
    await expect.poll(() => page.locator('.view-loss .view-caption').textContent(), { timeout: 10_000 }).toMatch(/Below: RMSE and R² on the test set\.$/);
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

  it('reads a dropped CSV whose last column is a real number as a regression, and trains it', { timeout: 300_000 }, async () => {
    const { page, errors } = await open('#hidden=8&batch=8&lr=0.01');
    // t = x₁ − 2 x₂ + 0.25 sin 3x₁ on a grid: not whole numbers, so not classes.
    const rows = Array.from({ length: 120 }, (_, i) => {
      const [x1, x2] = [((i % 12) - 6) / 6, (Math.floor(i / 12) - 5) / 5];
      return `${x1.toFixed(3)},${x2.toFixed(3)},${(x1 - 2 * x2 + 0.25 * Math.sin(3 * x1)).toFixed(4)}`;
    });
    await page.evaluate(
      ([n, t]) => {
        const data = new DataTransfer();
        data.items.add(new File([t!], n!));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
      },
      ['real.csv', ['x1,x2,t', ...rows].join('\n')],
    );
    await waitForApp(page, (app) => /Ready/.test(app.status) && app.status.includes('real.csv'), undefined, { timeout: 90_000 });
    let s = await state(page);
    expect(s.settings).toMatchObject({ problem: 'regression', dataset: 'file' });
    expect(s.banners.notice).toBe('Loaded real.csv: 120 rows, 2 features, a real target (a regression); 20% of them held out for testing.');
    expect(await page.evaluate(() => location.hash)).toContain('problem=regression');
    s = await trainFor(page, 60);
    await waitForApp(page, (app) => app.evals.some((e) => e.testRMSE !== undefined), undefined, { timeout: 60_000 });
    expect((await state(page)).status).toMatch(/test RMSE [\d.e-]+, R² /);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('saves a regression run whose file carries the problem, and a page on a classifier resumes it as a regression', { timeout: 300_000 }, async () => {
    const { page, errors } = await open('#problem=regression&dataset=plane&hidden=6&stepsPerFrame=2&seed=3');
    const first = await trainFor(page, 20);
    const saving = page.waitForEvent('download');
    await clickButton(page, 'save run (.json');
    const runFile = join(tmpdir(), `regression-run-${process.pid}.json`);
    await (await saving).saveAs(runFile);
    const doc = JSON.parse(readFileSync(runFile, 'utf8'));
    expect(doc.version).toBe(4);
    expect(doc.spec).toEqual({ kind: 'mlp', shape: { D: 2, hidden: [6], C: 1, problem: 'regression' } });
    expect(doc.settings).toMatchObject({ problem: 'regression', dataset: 'plane' });
    await page.close();

    const other = await open('#dataset=xor&hidden=4');
    const choosing = other.page.waitForEvent('filechooser');
    await clickButton(other.page, 'resume a saved run');
    await (await choosing).setFiles(runFile);
    await other.page.waitForFunction((n) => new RegExp(`continuing from step ${n}`).test(document.getElementById('notice')?.textContent ?? ''), first.step, {
      timeout: 60_000,
    });
    const resumed = await state(other.page);
    expect(resumed.step).toBe(first.step);
    expect(resumed.settings).toMatchObject({ problem: 'regression', dataset: 'plane', hidden: [6] });
    await trainFor(other.page, first.step + 10);
    await waitForApp(other.page, (app) => app.evals.some((e) => e.testRMSE !== undefined), undefined, { timeout: 60_000 });
    expect((await state(other.page)).status).toMatch(/test RMSE/);
    expect([...errors, ...other.errors]).toEqual([]);
  });
});
