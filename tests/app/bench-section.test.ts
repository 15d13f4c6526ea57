// End to end: the Ready line's estimate of the step's time, and the page's benchmark section: one
// heading, the page's buttons, timing the current model as it is (its data's inputs, every layer,
// the activation) on the GPU and the CPU, and the comparison with TensorFlow.js and jax-js, whose
// libraries the page loads only for it: a row per implementation that can run (all six with WebGPU,
// the three CPU ones without), each timed or saying why not.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { clickButton, SHOTS, state, useApp } from './harness';

const { open } = useApp();

/** Opens the section and waits for the view that its 'toggle' event builds, a task after the click. */
async function openSection(page: Page): Promise<void> {
  await page.locator('details.bench-section summary').click();
  await page.locator('.view-bench button.view-button').first().waitFor();
}

/** Clicks a view button and waits for the run it starts to end. */
async function runToEnd(page: Page, name: string, timeout = 90_000): Promise<string | null> {
  await page.locator('.view-bench button', { hasText: name }).click();
  await page.waitForFunction(
    () => {
      const s = document.querySelector('.view-bench')?.getAttribute('data-state');
      return s !== 'running' && s !== null && s !== undefined;
    },
    null,
    { timeout },
  );
  return page.locator('.view-bench').getAttribute('data-state');
}

/** The comparison's rows as shown: implementation (data-impl), its label and the rest of its cells. */
async function comparedRows(page: Page): Promise<Array<{ impl: string; label: string; cells: string[] }>> {
  return page.locator('.view-bench table.bench-compare tr[data-impl]').evaluateAll((rows) =>
    rows.map((tr) => ({
      impl: (tr as HTMLElement).dataset.impl ?? '',
      label: tr.children[0]?.textContent ?? '',
      cells: [...tr.children].slice(1).map((td) => td.textContent ?? ''),
    })),
  );
}

/** Each row is timed (a finite, positive ms per step and steps per second) or says why it is not. */
function expectTimedOrNot(rows: Array<{ impl: string; cells: string[] }>): void {
  for (const r of rows) {
    const [ms = '', rate = ''] = r.cells;
    if (/^not timed: .{8,}/.test(ms)) continue;
    const perSecond = Number(rate.replaceAll(',', '')); // "1,512"
    expect(Number(ms) > 0 && Number.isFinite(Number(ms)) && perSecond > 0, JSON.stringify(r)).toBe(true);
    // The two columns say the same thing to their three figures.
    expect(Math.abs(perSecond * Number(ms) - 1000) / 1000, JSON.stringify(r)).toBeLessThan(0.02);
  }
}

/** The stacked bars in `selector` as drawn: each row's engine, label, parts, total and widths, the legend's entries and fills, and the words. */
function stepBars(page: Page, selector: string) {
  return page.locator(selector).evaluate((figure) => {
    const fill = (e: Element) => getComputedStyle(e).backgroundImage + getComputedStyle(e).backgroundColor;
    const fills: Record<string, string> = {};
    const rows = [...figure.querySelectorAll<HTMLElement>('.step-bars-row')].map((row) => {
      const parts = [...row.querySelectorAll<HTMLElement>('.step-bars-part')];
      for (const p of parts) fills[p.dataset.part!] = fill(p);
      return {
        engine: row.dataset.engine ?? '',
        label: row.querySelector('.step-bars-label')?.textContent ?? '',
        aria: row.getAttribute('aria-label') ?? '',
        total: row.querySelector('.step-bars-total')?.textContent ?? '',
        parts: parts.map((p) => p.dataset.part ?? ''),
        partsWidth: parts.reduce((s, p) => s + p.getBoundingClientRect().width, 0),
        stackWidth: row.querySelector('.step-bars-stack')!.getBoundingClientRect().width,
        trackWidth: row.querySelector('.step-bars-track')!.getBoundingClientRect().width,
      };
    });
    const legend = [...figure.querySelectorAll<HTMLElement>('.step-bars-legend li')].map((li) => ({
      part: li.dataset.part ?? '',
      name: li.textContent ?? '',
      fill: fill(li.querySelector('.step-bars-swatch')!),
    }));
    return { rows, legend, fills, why: figure.querySelector('.step-bars-why')?.textContent ?? '' };
  });
}

const PEER_FILES = /tfjs-backend-wasm|\/assets\/(dist|webgpu|webgl)-[\w-]+\.js$/;

describe('the benchmark section', () => {
  it('pauses a training run for a measurement and says so (both share the GPU and the cores)', async () => {
    const { page, errors } = await open('#dataset=xor&hidden=4&batch=8');
    await clickButton(page, 'play');
    await expect.poll(async () => (await state(page)).step, { timeout: 30_000 }).toBeGreaterThan(0);
    await openSection(page);
    expect(await runToEnd(page, 'time the current model')).toBe('done');
    expect(await page.locator('.view-bench .bench-progress-text').textContent()).toBe('done (training was paused for it: press play to go on)');
    expect(await page.getByRole('status').textContent()).toMatch(/ · paused · /);
    const step = (await state(page)).step;
    await page.waitForTimeout(500);
    expect((await state(page)).step).toBe(step);
    // Paused already: nothing to say.
    expect(await runToEnd(page, 'time the current model')).toBe('done');
    expect(await page.locator('.view-bench .bench-progress-text').textContent()).toBe('done');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('times the current model on GPU and CPU and shows the speed-up, without console errors', async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=8,5&activation=tanh&batch=16');
    // The build timed a step before the first: the Ready line says what one costs.
    expect(await page.getByRole('status').textContent()).toMatch(/^Ready: .*\. About [\d.]+ (ms|s) per step\. Press play\.$/);
    const D = (await state(page)).trainFeatures!;
    await openSection(page);
    // One heading (the summary), and the buttons are the views' buttons.
    expect(await page.locator('details.bench-section').getByText('Benchmark: GPU against CPU').count()).toBe(1);
    expect(await page.locator('.view-bench h3').count()).toBe(0);
    expect(await page.locator('.view-bench button.view-button').count()).toBe(4);
    expect(await runToEnd(page, 'time the current model')).toBe('done');
    expect(await page.locator('.view-bench .bench-model').textContent()).toMatch(new RegExp(`^Timed: ${D}-8-5-\\d+ tanh, batch 16$`));
    expect(await page.locator('.view-bench .bench-speedup').textContent()).toMatch(/^Here the .* faster than|^Here the GPU and the CPU engine/);
    expect(await page.locator('.view-bench .bench-table td').allTextContents()).toContainEqual(expect.stringMatching(/^CPU \(float32, \d+ threads?\)$/));
    // Where each engine's step went, in the section too: the GPU's bar with its fixed cost, the CPU's.
    const bars = await stepBars(page, '.view-bench .step-bars');
    expect(bars.rows.map((r) => `${r.engine}: ${r.parts.join(',')}`)).toEqual(['gpu: forward,loss,backward,update,fixed', 'cpu: forward,loss,backward,update']);
    await page.locator('.view-bench').screenshot({ path: join(SHOTS, 'benchmark-current.png') });
    await page.screenshot({ path: join(SHOTS, 'benchmark.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('answers GPU vs CPU from the run bar, on the first screen, in one sentence whose winner and factor are the times’', async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=16', { viewport: { width: 1024, height: 768 } });
    const button = page.getByRole('button', { name: /^GPU vs CPU/ });
    const inView = async (selector: string) => {
      const box = (await page.locator(selector).boundingBox())!;
      const { height } = page.viewportSize()!;
      return box.y >= 0 && box.y + box.height <= height;
    };
    expect(await inView('.run-compare')).toBe(true);
    await button.click();
    const line = page.locator('#verdict');
    await expect.poll(() => line.textContent(), { timeout: 60_000 }).toMatch(/^Here /);
    const sentence = (await line.textContent())!;
    expect(sentence).toMatch(
      /^Here (the CPU engine \(WebAssembly SIMD, \d+ threads?\) trains this network [\d,.]+× faster than the GPU|the GPU trains this network [\d,.]+× faster than the CPU engine|the GPU and the CPU engine)/,
    );
    expect(sentence).toMatch(/This GPU is SwiftShader, a software GPU/);
    expect(sentence).toMatch(/\(MLP with 16 swish units on spiral, batch 32, adam at lr 0\.01; the times are in the Benchmark section below\.\)$/);
    expect(sentence).not.toMatch(/0\.\d+×/);
    // The winner and factor are the section's times (shown to three figures).
    const cells = await page.locator('.view-bench .bench-table tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent ?? '')));
    const ms = (name: RegExp) => Number(cells.find((r) => name.test(r[0]!))![1]);
    const [gpu, cpu] = [ms(/^GPU/), ms(/^CPU/)];
    const said = Number(/ ([\d,.]+)× faster/.exec(sentence)?.[1]?.replaceAll(',', ''));
    if (/^Here the CPU engine/.test(sentence)) expect(Math.abs(said / (gpu / cpu) - 1)).toBeLessThan(0.06);
    if (/^Here the GPU trains/.test(sentence)) expect(Math.abs(said / (cpu / gpu) - 1)).toBeLessThan(0.06);
    expect(await page.locator('.view-bench .bench-speedup').textContent()).toBe(sentence.slice(0, sentence.indexOf(' (MLP with')));
    expect(await inView('#verdict')).toBe(true);
    // Why, in one picture, under the sentence: a stacked bar per engine, the GPU's with its fixed cost.
    const bars = await stepBars(page, '#verdict-bars');
    expect(bars.rows.map((r) => r.engine)).toEqual(['gpu', 'cpu']);
    expect(bars.rows[0]!.parts).toEqual(['forward', 'loss', 'backward', 'update', 'fixed']);
    expect(bars.rows[1]!.parts).toEqual(['forward', 'loss', 'backward', 'update']);
    expect(bars.rows[1]!.label).toMatch(/^CPU \(float32, \d+ threads?\)$/);
    for (const r of bars.rows) {
      expect(r.total, JSON.stringify(r)).toMatch(/^[\d.]+ ms$/);
      expect(r.aria, JSON.stringify(r)).toMatch(/: [\d.]+ ms a step: forward [\d.]+ ms, loss /);
      // The parts fill their bar, and the bar lies on the track.
      expect(Math.abs(r.partsWidth - r.stackWidth), JSON.stringify(r)).toBeLessThan(2);
      expect(r.stackWidth > 0 && r.stackWidth <= r.trackWidth + 0.5, JSON.stringify(r)).toBe(true);
    }
    // One scale: the bars' lengths compare as their totals (the shorter one keeps a sliver of at least 3 px).
    const [g, c] = bars.rows.map((r) => parseFloat(r.total));
    const longer = Math.max(g!, c!);
    for (const r of bars.rows) expect(Math.abs(r.stackWidth - Math.max(3, (parseFloat(r.total) / longer) * r.trackWidth))).toBeLessThan(2);
    // The legend: one entry per part, every name and every fill distinct.
    expect(bars.legend.map((e) => e.part)).toEqual(['forward', 'loss', 'backward', 'update', 'fixed']);
    expect(new Set(bars.legend.map((e) => e.name)).size).toBe(5);
    expect(new Set(bars.legend.map((e) => e.fill)).size).toBe(5);
    for (const e of bars.legend) expect(bars.fills[e.part]).toBe(e.fill); // as in the bars
    expect(bars.why).toMatch(/^(Most of the GPU's step|The GPU's fixed cost) .* the CPU engine's whole step\.$/);
    expect(await page.locator('.view-bench .step-bars-row').count()).toBe(2); // and in the section
    await page.screenshot({ path: join(SHOTS, 'gpu-vs-cpu-1024x768.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await inView('#verdict')).toBe(true);
    expect(await inView('.run-compare')).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'gpu-vs-cpu-1280x800.png') });
    await page.setViewportSize({ width: 800, height: 600 });
    await page.screenshot({ path: join(SHOTS, 'gpu-vs-cpu-800x600.png') });
    // Narrow, the panel comes first: the answer and its bars lie below it, and the bars still fit.
    await page.locator('#verdict-bars').scrollIntoViewIfNeeded();
    const narrow = await stepBars(page, '#verdict-bars');
    for (const r of narrow.rows) expect(r.stackWidth > 0 && r.stackWidth <= r.trackWidth + 0.5, JSON.stringify(r)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'gpu-vs-cpu-800x600-bars.png') });
    expect(errors).toEqual([]);
  });

  it('compares with TensorFlow.js and jax-js: a row per implementation, each timed or saying why not', async () => {
    const { page, errors, requests } = await open('#dataset=spiral&hidden=8&batch=16');
    await openSection(page);
    expect(requests.filter((u) => PEER_FILES.test(u))).toEqual([]);
    const loadedBefore = requests.length;
    expect(await runToEnd(page, 'compare with TensorFlow.js and jax-js', 150_000)).toBe('done');
    // The peers' libraries came with the click: their chunks and TensorFlow.js's SIMD binary, the
    // threaded one where the page is cross-origin isolated (the preview server's headers).
    const isolated = await page.evaluate(() => crossOriginIsolated);
    const binary = isolated ? /tfjs-backend-wasm-threaded-simd-[\w-]+\.wasm$/ : /tfjs-backend-wasm-simd-[\w-]+\.wasm$/;
    expect(requests.slice(loadedBefore).some((u) => binary.test(u))).toBe(true);
    expect(await page.locator('.view-bench .bench-model').allTextContents()).toEqual(['Compared: 784-128-10 swish, batch 64']);
    const rows = await comparedRows(page);
    expect(rows.map((r) => r.impl)).toEqual(['gpu', 'tfjs-webgpu', 'jax-webgpu', 'cpu', 'tfjs-wasm', 'jax-wasm']);
    expectTimedOrNot(rows);
    // Our two engines are timed; the CPU engine says its threads; peers are divided by ours of their kind.
    const ours = rows.filter((r) => r.impl === 'gpu' || r.impl === 'cpu');
    for (const r of ours) expect(Number(r.cells[0]) > 0, JSON.stringify(r)).toBe(true);
    expect(rows.find((r) => r.impl === 'cpu')!.label).toMatch(/^this project, CPU \(float32, \d+ threads?\)$/);
    const tfjsWasm = rows.find((r) => r.impl === 'tfjs-wasm')!;
    if (!tfjsWasm.cells[0]!.startsWith('not timed')) {
      const threads = Number(/^TensorFlow\.js WASM \(SIMD, (\d+) threads?\)$/.exec(tfjsWasm.label)?.[1]);
      // TF.js caps its pool at half the logical cores (at most 8; its backend.cc assumes two
      // hardware threads per core), and setThreadsCount cannot raise it past that.
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      expect(threads, tfjsWasm.label).toBe(isolated ? Math.min(8, Math.max(1, Math.floor(cores / 2))) : 1);
    }
    for (const r of rows.filter((x) => !ours.includes(x) && !x.cells[0]!.startsWith('not timed'))) {
      expect(r.cells[2], JSON.stringify(r)).toMatch(new RegExp(`^\\d+\\.\\d\\d× ${r.impl.endsWith('wasm') ? 'cpu' : 'gpu'}$`));
    }
    await page.locator('details.bench-section').screenshot({ path: join(SHOTS, 'benchmark-compare.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('without WebGPU compares the CPU implementations only', async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=8&batch=16', { webgpu: false });
    await openSection(page);
    expect(await runToEnd(page, 'compare with TensorFlow.js and jax-js', 120_000)).toBe('done');
    const rows = await comparedRows(page);
    expect(rows.map((r) => r.impl)).toEqual(['cpu', 'tfjs-wasm', 'jax-wasm']);
    expectTimedOrNot(rows);
    expect(await page.locator('.view-bench').textContent()).toContain('only the CPU implementations are timed');
    expect(errors).toEqual([]);
    await page.close();
  });
});
