// End to end: the derive card. The seed's derivation typed right is all green; its swish′ slip
// σ(2 − σ) turns exactly dV1 red, with dW1 and db1 inheriting it; W2 read the wrong way round is a
// shape error that names the dimensions, at its line and column; and "Train with my derivation"
// trains the run on the GPU with the student's kernels, its loss beside the correct run's in one plot,
// step for step the same.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { assignmentById, solutionText } from '../../src/derive';
import { encodeDeriveLink } from '../../src/ui/derive/derive-link';
import { clickButton, SHOTS, state, trainFor, useApp, waitForApp } from './harness';

const { open } = useApp();

const SEED = solutionText(assignmentById('swish-mlp')!);
const SLIP = SEED.replace('(1 + V1 * (1 - sigmoid(V1)))', '(2 - sigmoid(V1))');
/** A small, quick run of the seed's model: one swish hidden layer (the page's default activation). */
const RUN = '#dataset=blobs&samples=300&hidden=8&batch=16&optimizer=sgd&lr=0.1&checkEvery=0';

/** Types `text` into the card and waits for the verdicts of its lines (the check waits for a pause in the typing). */
async function typeDerivation(page: Page, text: string): Promise<void> {
  await page.locator('.derive-editor').fill(text);
  await page.waitForFunction((t) => {
    const lines = document.querySelectorAll('.derive-lines > .derive-line');
    const defined = t.split('\n').filter((l) => /^\s*[A-Za-z_]\w*\s*=/.test(l)).length;
    return (
      lines.length === defined &&
      document.querySelector<HTMLTextAreaElement>('.derive-editor')!.value === t &&
      !document.querySelector('.derive-lines')!.matches(':empty')
    );
  }, text);
  await page.waitForTimeout(400); // past the check's delay: the list shows this text, not the last
}

/** Each line's name and the verdict it shows. */
const verdicts = (page: Page) =>
  page
    .locator('.derive-lines > .derive-line')
    .evaluateAll((items) => Object.fromEntries(items.map((i) => [(i as HTMLElement).dataset.name, (i as HTMLElement).dataset.verdict])));

const message = (page: Page, name: string) => page.locator(`.derive-line[data-name="${name}"] .derive-message`).textContent();

describe('derive it yourself', () => {
  it("checks the seed's derivation line by line: right, the swish′ slip and what inherits it, a shape error with its dimensions", {
    timeout: 180_000,
  }, async () => {
    const { page, errors } = await open(RUN);
    await page.locator('.derive-choose select').selectOption('swish-mlp');

    await typeDerivation(page, SEED);
    expect(await verdicts(page)).toEqual({ dZ: 'right', dW2: 'right', db2: 'right', dY1: 'right', dV1: 'right', dW1: 'right', db1: 'right' });
    expect(await page.locator('.derive-summary').getAttribute('data-all-right')).toBe('true');
    // Each line typeset by KaTeX, with its norm-relative error.
    expect(await page.locator('.derive-line .derive-tex .katex').count()).toBe(7);
    expect(await page.locator('.derive-line[data-name="dW2"] .derive-relerror').textContent()).toMatch(/^\d\.\de[-+]\d+$/);

    await typeDerivation(page, SLIP);
    expect(await verdicts(page)).toEqual({ dZ: 'right', dW2: 'right', db2: 'right', dY1: 'right', dV1: 'wrong', dW1: 'inherits', db1: 'inherits' });
    expect(await message(page, 'dV1')).toMatch(/^wrong: relative error \d\.\de-\d/);
    expect(await message(page, 'dW1')).toMatch(/uses dV1, which is wrong; with the true dV1 this line is right/);
    expect(await page.locator('.derive-gutter-row[data-line="5"]').getAttribute('data-verdict')).toBe('wrong');
    // Its details: the heatmap with the wrong entries crossed beside the true one, and the generated WGSL, read-only.
    await page.locator('.derive-line[data-name="dV1"] .derive-line-head').click();
    const mine = page.locator('.derive-line[data-name="dV1"] canvas.derive-heatmap').first();
    expect(await mine.getAttribute('aria-label')).toMatch(/^your dV1: 8 × 6, 48 of 48 entries differ/);
    expect(await page.locator('.derive-line[data-name="dV1"] .derive-wgsl').textContent()).toContain('@compute');
    await page.locator('.view-derive').screenshot({ path: join(SHOTS, 'derive-slip.png') });
    await page.locator('.derive-line[data-name="dV1"] .derive-line-head').click();

    await typeDerivation(page, SEED.replace('dY1 = dZ @ W2', 'dY1 = dZ.T @ W2'));
    expect(await verdicts(page)).toMatchObject({ dY1: 'error', dV1: 'inherits', dW1: 'inherits', db1: 'inherits' });
    expect(await message(page, 'dY1')).toBe('line 4, column 12: dZ.T @ W2: [C, B] @ [C, H1] — the inner sizes B and C differ; did you mean dZ @ W2?');
    expect(await page.locator('.derive-train-button').isDisabled()).toBe(true);
    expect(await page.locator('.derive-train-note').textContent()).toMatch(/^Cannot train with it: /);
    // "go there" puts the caret where the message points.
    await page.locator('.derive-line[data-name="dY1"] .derive-go-button').click();
    const caret = await page.locator('.derive-editor').evaluate((t: HTMLTextAreaElement) => t.value.slice(0, t.selectionStart).split('\n'));
    expect([caret.length, caret.at(-1)!.length + 1]).toEqual([4, 12]);

    // The work stays in the browser: a reload finds it.
    await page.reload();
    await page.waitForFunction(() => /Ready/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 90_000 });
    expect(await page.locator('.derive-editor').inputValue()).toContain('dY1 = dZ.T @ W2');
    expect(errors).toEqual([]);
  });

  it("opens a student's link with the same verdicts, and the address bar lets go of the work once read", { timeout: 120_000 }, async () => {
    const link = encodeDeriveLink({ assignment: 'swish-mlp', work: SLIP, given: null }).slice(1);
    const { page, errors } = await open(`${RUN}&${link}`);
    expect(await page.locator('.derive-choose select').inputValue()).toBe('swish-mlp');
    expect(await page.locator('.derive-editor').inputValue()).toBe(SLIP);
    expect(await verdicts(page)).toMatchObject({ dV1: 'wrong', dW1: 'inherits', db1: 'inherits' });
    expect(await page.locator('.derive-said').textContent()).toBe('Opened the derivation in the link.');
    const hash = await page.evaluate(() => location.hash);
    expect(hash).toContain('dataset=blobs');
    expect(hash).not.toMatch(/derive=|work=/);
    expect(errors).toEqual([]);
  });

  it('trains with my derivation beside the correct run, step for step the same; refuses on another engine', { timeout: 300_000 }, async () => {
    const { page, errors } = await open(RUN);
    await page.locator('.derive-choose select').selectOption('swish-mlp');
    const correct = (await trainFor(page, 40)).history.gpu;
    expect(correct.length).toBeGreaterThan(20);

    await typeDerivation(page, SEED);
    await page.getByRole('button', { name: 'Train with my derivation' }).click();
    await waitForApp(page, (app) => app.derivation !== null && !app.building && (app.history.gpu.at(-1)?.step ?? -1) >= 40, undefined, {
      timeout: 150_000,
      polling: 50,
    });
    await clickButton(page, 'pause');
    await page.waitForTimeout(500);
    const s = await state(page);
    expect(s.derivation).toBe(SEED);
    // Same seed, same batches: the losses agree to float32 rounding at every step both runs read back.
    const byStep = new Map(s.history.gpu.map((m) => [m.step, m.loss]));
    const common = correct.filter((m) => byStep.has(m.step));
    expect(common.length).toBeGreaterThan(20);
    for (const m of common) expect(Math.abs(byStep.get(m.step)! - m.loss), `step ${m.step}`).toBeLessThan(1e-4 * Math.max(1, m.loss));
    // Both curves in the comparison plot.
    expect(s.curveEnds).toMatchObject({ none: expect.any(Number), derivation: expect.any(Number) });
    // 40 steps were too few to compare with: the built-in run trained on by itself first (200 steps).
    expect(s.curveEnds.none).toBeGreaterThan(100);
    const legend = await page.locator('.view-compare-runs .u-legend').textContent();
    expect(legend).toContain('correct');
    expect(legend).toContain('my derivation');
    expect(await page.locator('.derive-train-note').textContent()).toMatch(/^The run trains with your derivation/);

    // Back to the built-in backward pass; on another engine the card refuses, in words.
    await page.getByRole('button', { name: 'Back to the built-in backward pass' }).click();
    await waitForApp(page, (app) => app.derivation === null && !app.building, undefined, { timeout: 60_000 });
    await page.locator('.lil-controller', { hasText: 'engine' }).locator('select').selectOption({ label: 'CPU (float32)' });
    await waitForApp(page, (app) => app.applied?.engine === 'cpu' && !app.building, undefined, { timeout: 60_000 });
    expect(await page.locator('.derive-train-button').isDisabled()).toBe(true);
    expect(await page.locator('.derive-train-note').textContent()).toMatch(
      /a derivation trains on the GPU engine alone, and this run's engine is CPU \(float32\)/,
    );
    expect(errors).toEqual([]);
  });
});
