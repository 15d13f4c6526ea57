// End to end: the Ready line's estimate of the step's time, and the page's benchmark section: one
// heading, the page's buttons, and timing the current model as it is (its data's inputs, every
// layer, the activation) on the GPU and the CPU.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHOTS, state, useApp } from './harness';

const { open } = useApp();

describe('the benchmark section', () => {
  it('times the current model on GPU and CPU and shows the speed-up, without console errors', async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=8,5&activation=tanh&batch=16');
    // The build timed a step before the first: the Ready line says what one costs.
    expect(await page.getByRole('status').textContent()).toMatch(/^Ready: .*\. About [\d.]+ (ms|s) per step\. Press play\.$/);
    const D = (await state(page)).trainFeatures!;
    await page.locator('details.bench-section summary').click();
    // The view is built on the section's 'toggle' event, which fires a task after the click.
    await page.locator('.view-bench button.view-button').first().waitFor();
    // One heading (the summary), and the buttons are the views' buttons.
    expect(await page.locator('details.bench-section').getByText('Benchmark: GPU against CPU').count()).toBe(1);
    expect(await page.locator('.view-bench h3').count()).toBe(0);
    expect(await page.locator('.view-bench button.view-button').count()).toBe(3);
    await page.locator('.view-bench button', { hasText: 'time the current model' }).click();
    await page.waitForFunction(() => document.querySelector('.view-bench')?.getAttribute('data-state') !== 'running' &&
      document.querySelector('.view-bench')?.getAttribute('data-state') !== null, null, { timeout: 90_000 });
    expect(await page.locator('.view-bench').getAttribute('data-state')).toBe('done');
    expect(await page.locator('.view-bench .bench-model').textContent()).toMatch(new RegExp(`^Timed: ${D}-8-5-\\d+ tanh, batch 16$`));
    expect(await page.locator('.view-bench').textContent()).toMatch(/GPU speed-up: [\d.]+×/);
    await page.screenshot({ path: join(SHOTS, 'benchmark.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
