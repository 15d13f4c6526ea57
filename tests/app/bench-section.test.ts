// End to end: the page's benchmark section, timing the current model on the GPU and the CPU.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHOTS, useApp } from './harness';

const { open } = useApp();

describe('the benchmark section', () => {
  it('times the current model on GPU and CPU and shows the speed-up, without console errors', async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=8&batch=16');
    await page.locator('details.bench-section summary').click();
    await page.locator('.view-bench button', { hasText: 'time the current model' }).click();
    await page.waitForFunction(() => document.querySelector('.view-bench')?.getAttribute('data-state') !== 'running' &&
      document.querySelector('.view-bench')?.getAttribute('data-state') !== null, null, { timeout: 90_000 });
    expect(await page.locator('.view-bench').getAttribute('data-state')).toBe('done');
    expect(await page.locator('.view-bench').textContent()).toMatch(/GPU speed-up: [\d.]+×/);
    await page.screenshot({ path: join(SHOTS, 'benchmark.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
