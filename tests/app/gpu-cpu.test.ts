// End to end: the GPU and the float64 reference side by side (#engine=gpu-reference). Their curves nearly
// coincide, so the page draws them in two colours, says under the training chart that they coincide
// and by how much, and plots |GPU − CPU| per step on a log axis; no axis label is clipped, before
// training or after.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SHOTS, state, trainFor, useApp, waitForApp } from './harness';

const { open } = useApp();

/** Each loss-card chart's legend: series label → marker colour; runs in the page. */
const legendColours = () =>
  Array.from(document.querySelectorAll('.view-loss .uplot')).map((chart) =>
    Object.fromEntries(
      Array.from(chart.querySelectorAll('.u-legend .u-series')).map((row) => [
        row.querySelector('.u-label')?.textContent ?? '',
        getComputedStyle(row.querySelector<HTMLElement>('.u-marker')!).borderColor,
      ]),
    ),
  );

/** Inked pixels in the rightmost 2 columns of the test-set chart's canvas: a clipped right-axis label touches them. */
const rightEdgeInk = (page: Page) =>
  page.evaluate(() => {
    const canvas = document.querySelectorAll<HTMLCanvasElement>('.view-loss .view-chart canvas')[1]!;
    const { data } = canvas.getContext('2d')!.getImageData(canvas.width - 2, 0, 2, canvas.height);
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 40) ink++;
    return ink;
  });

describe('the GPU and the CPU side by side', () => {
  it('tells the two engines apart: two colours, a note on how far apart, and the |GPU − CPU| chart', { timeout: 180_000 }, async () => {
    const { page, errors } = await open('#engine=gpu-reference&dataset=spiral&hidden=8&stepsPerFrame=4');
    // Before training: the step-0 evaluation puts the accuracy axis on the right; nothing of it is cut off.
    await waitForApp(page, (app) => app.evals.length >= 2, undefined, { timeout: 30_000 });
    expect(await rightEdgeInk(page)).toBe(0);
    await page.locator('.view-loss').screenshot({ path: join(SHOTS, 'gpu-cpu-before-training.png') });
    expect((await state(page)).lossDifference).toBeNull();
    const note = page.locator('.view-loss .loss-note');
    const chart = page.locator('.view-loss .loss-difference');
    expect(await note.isVisible()).toBe(false);
    expect(await chart.isVisible()).toBe(false);

    await trainFor(page, 60);
    await waitForApp(page, (app) => (app.lossDifference?.steps.length ?? 0) >= 40 && app.evals.length >= 4, undefined, { timeout: 30_000 });
    await page.waitForTimeout(300); // the coalesced redraw
    const s = await state(page);
    const { steps, values } = s.lossDifference!;
    const drawn = values.filter((v): v is number => v !== null);
    expect(drawn.length).toBeGreaterThan(0);
    for (const v of drawn) expect(Number.isFinite(v) && v > 0).toBe(true);
    // Aligned by step number: the last common step's difference is that of the two engines' losses there.
    const last = steps.at(-1)!;
    const gpu = s.history.gpu.find((m) => m.step === last)!.loss;
    const reference = s.history.reference.find((m) => m.step === last)!.loss;
    expect(values.at(-1) ?? 0).toBeCloseTo(Math.abs(gpu - reference), 12);

    const [training, testSet] = await page.evaluate(legendColours);
    expect(training!.GPU).toBeTruthy();
    expect(training!.GPU).not.toBe(training!['CPU: reference (float64)']);
    expect(testSet!['GPU test loss']).not.toBe(testSet!['CPU: reference (float64) test loss']);

    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toMatch(
      /^The GPU's and the CPU reference's curves (coincide: they differ by at most|differ by up to) \S+.*float32 against float64/,
    );
    expect(await chart.isVisible()).toBe(true);
    expect(await chart.textContent()).toMatch(/\|GPU − CPU\| training-loss difference/);
    expect(await chart.textContent()).toMatch(/on a log axis/);
    expect(await rightEdgeInk(page)).toBe(0);

    await page.locator('.view-loss').evaluate((card) => card.scrollIntoView({ block: 'end' }));
    await page.screenshot({ path: join(SHOTS, 'gpu-cpu.png') });
    expect(errors).toEqual([]);
  });
});
