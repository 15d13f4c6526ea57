// End to end: the gallery of backprop mistakes in the page — choosing each one turns exactly its
// tensors red in the gradient check and its line red in the equations; update-sign keeps every
// gradient green while the loss climbs; the find-the-bug link hides its mistake through three wrong
// picks, then offers the answer.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MISTAKE_INFO, wrongTensors, type Mistake } from '../../src/reference/mistakes';
import { exerciseMistake } from '../../src/train/exercise';
import { mistakeLine } from '../../src/ui/math/mistake-lines';
import { mean, SHOTS, state, trainFor, useApp, waitForApp } from './harness';

const { open } = useApp();

/** The panel's label of each mistake (src/ui/panel.ts). */
const LABELS: Record<Exclude<Mistake, 'none'>, string> = {
  'swish-prime': 'swish-prime: σ(2 − σ)',
  'w2-layout': 'w2-layout: W read as Wᵀ',
  'no-batch-mean': 'no-batch-mean: no 1/B',
  'no-one-hot': 'no-one-hot: G_Z = a/B',
  'bias-one-row': 'bias-one-row: db = G[0]',
  'ae-one-term': 'ae-one-term: dW = UᵀX/B',
  'update-sign': 'update-sign: p + ηg',
};

const mistakeSelect = (page: Awaited<ReturnType<typeof open>>['page']) => page.locator('.lil-controller', { hasText: 'backprop mistake' }).locator('select');

/** The tensors whose finite-difference cell is red in the gradient-check card. */
const redTensors = (page: Awaited<ReturnType<typeof open>>['page']) =>
  page
    .locator('.view-grad-check tr[data-tensor]')
    .evaluateAll((rows) => rows.filter((r) => r.querySelectorAll('td.math-bug').length > 0).map((r) => (r as HTMLElement).dataset.tensor));

describe('the gallery of backprop mistakes', () => {
  it('turns exactly each mistake’s tensors red, with GPU and reference agreeing, and marks its line', { timeout: 300_000 }, async () => {
    const { page, errors } = await open('#dataset=xor&samples=200&hidden=6&batch=16&checkEvery=0');
    await waitForApp(page, (app) => app.gradCheck !== null, undefined, { timeout: 30_000 });
    expect(await redTensors(page)).toEqual([]);
    for (const mistake of ['swish-prime', 'w2-layout', 'no-batch-mean', 'no-one-hot', 'bias-one-row', 'update-sign'] as const) {
      await mistakeSelect(page).selectOption({ label: LABELS[mistake] });
      await waitForApp(page, (app, m) => app.gradCheck?.mistake === m, mistake, { timeout: 60_000 });
      const check = (await state(page)).gradCheck!;
      for (const [name, t] of Object.entries(check.tensors)) expect(t.gpuVsReference, `${mistake}: ${name}`).toBeLessThan(1e-4);
      expect(await redTensors(page), mistake).toEqual(wrongTensors(mistake, ['W1', 'b1', 'W2', 'b2']));
      expect(await page.evaluate(() => location.hash)).toContain(`mistake=${mistake}`);
      // The equations: the mistake's line in red beside the right one, with why.
      expect(await page.locator('.view-equations .math-eq-wrong').count(), mistake).toBeGreaterThanOrEqual(1);
      expect(await page.locator('.view-equations .math-why').textContent()).toContain(MISTAKE_INFO[mistake].teaches);
      expect(await page.locator('.lil-gui .panel-note').filter({ hasText: MISTAKE_INFO[mistake].teaches }).count()).toBe(1);
    }
    // Only the autoencoder's mistake and the ones both models can make are offered for the MLP.
    const offered = await mistakeSelect(page)
      .locator('option')
      .evaluateAll((os) => os.filter((o) => !(o as HTMLOptionElement).hidden).map((o) => o.textContent));
    expect(offered).not.toContain(LABELS['ae-one-term']);
    expect(offered).toHaveLength(7);
    expect(errors).toEqual([]);
  });

  it('update-sign: every gradient green while the loss climbs, and the page says so; both curves in one plot', { timeout: 240_000 }, async () => {
    const { page, errors } = await open('#dataset=blobs&samples=300&hidden=8&optimizer=sgd&lr=0.1&stepsPerFrame=4&checkEvery=0');
    await trainFor(page, 60);
    await mistakeSelect(page).selectOption({ label: LABELS['update-sign'] });
    await waitForApp(page, (app) => app.gradCheck?.mistake === 'update-sign', undefined, { timeout: 60_000 });
    const s = await trainFor(page, 60);
    const losses = s.history.gpu.map((m) => m.loss);
    expect(mean(losses.slice(-10))).toBeGreaterThan(mean(losses.slice(0, 10)));
    expect(await redTensors(page)).toEqual([]);
    expect(await page.locator('.view-grad-check .math-note').textContent()).toMatch(/every gradient is green, and the loss climbs/);
    const legend = await page.locator('.view-compare-runs .u-legend').textContent();
    expect(legend).toContain('correct');
    expect(legend).toContain('update-sign');
    expect((await state(page)).curveEnds).toMatchObject({ none: expect.any(Number), 'update-sign': expect.any(Number) });
    await page.screenshot({ path: join(SHOTS, 'mistake-update-sign.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('the autoencoder offers ae-one-term, which turns W red', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('#model=autoencoder&code=2&checkEvery=0');
    await waitForApp(page, (app) => app.gradCheck !== null, undefined, { timeout: 30_000 });
    await mistakeSelect(page).selectOption({ label: LABELS['ae-one-term'] });
    await waitForApp(page, (app) => app.gradCheck?.mistake === 'ae-one-term', undefined, { timeout: 60_000 });
    expect(await redTensors(page)).toEqual(['W']);
    expect(await page.locator('.view-equations .math-eq-wrong').getAttribute('data-key')).toBe('dW');
    expect(errors).toEqual([]);
  });
});

describe('find the bug', () => {
  const link = '#dataset=xor&samples=200&hidden=6&batch=16&checkEvery=0&exercise=12';
  const hidden = exerciseMistake(12, 'mlp', 'swish');

  it('hides the mistake drawn from the link’s seed through three wrong picks, then offers the answer', { timeout: 240_000 }, async () => {
    const { page, errors } = await open(link);
    await waitForApp(page, (app) => app.gradCheck !== null, undefined, { timeout: 30_000 });
    expect((await state(page)).settings.mistake).toBe(hidden);
    // Nothing names it: not the link, not the panel, not the check, not the equations.
    expect(await page.evaluate(() => location.hash)).not.toContain('mistake');
    expect(await mistakeSelect(page).isVisible()).toBe(false);
    expect(await page.locator('.view-grad-check').textContent()).not.toContain(hidden);
    expect(await page.locator('.view-equations .math-eq-wrong').count()).toBe(0);
    expect(await page.locator('.view-equations .math-exercise').textContent()).toMatch(/Find the bug/);
    await page.screenshot({ path: join(SHOTS, 'find-the-bug.png'), fullPage: true });
    // Three picks that are not the mistake's line: each says so and how many tries are left, and
    // none shows the mistake; after the last, the answer is offered, and shown only when asked for.
    const answer = mistakeLine(hidden, 'mlp', 1)!.keys;
    const wrongPicks = ['update', 'z', 'L', 'a'].filter((k) => !answer.includes(k)).slice(0, 3);
    const verdict = page.locator('.view-equations .math-exercise');
    const showAnswer = page.getByRole('button', { name: 'show the answer' });
    for (const [i, key] of wrongPicks.entries()) {
      await page.locator(`.view-equations .math-eq[data-key="${key}"]`).click();
      expect(await verdict.getAttribute('data-verdict')).toBe('wrong');
      expect(await verdict.textContent()).toMatch(i < 2 ? `${2 - i} ${i === 0 ? 'tries' : 'try'} left` : /last of 3 tries/);
      expect(await verdict.textContent()).not.toContain(hidden);
      expect(await page.locator('.view-equations .math-eq-wrong').count()).toBe(0);
      expect(await showAnswer.count()).toBe(i < 2 ? 0 : 1);
    }
    expect(await page.locator('.view-grad-check .math-note').textContent()).not.toContain(hidden);
    await showAnswer.click();
    expect(await verdict.getAttribute('data-verdict')).toBe('wrong');
    expect(await verdict.textContent()).toContain(`The mistake was ${hidden}`);
    expect(await page.locator('.view-equations .math-eq-wrong').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('.view-grad-check .math-note').textContent()).toContain(hidden);
    expect(errors).toEqual([]);
  });

  it('gives every student the same mistake, and a right pick is called right', { timeout: 120_000 }, async () => {
    const { page } = await open(link);
    await waitForApp(page, (app) => app.gradCheck !== null, undefined, { timeout: 30_000 });
    expect((await state(page)).settings.mistake).toBe(hidden);
    const answer = { 'swish-prime': 'sp', 'w2-layout': 'GY', 'no-batch-mean': 'GZ', 'no-one-hot': 'GZ', 'bias-one-row': 'dW2', 'update-sign': 'update' }[
      hidden as string
    ]!;
    await page.locator(`.view-equations .math-eq[data-key="${answer}"]`).click();
    expect(await page.locator('.view-equations .math-exercise').getAttribute('data-verdict')).toBe('right');
  });

  it('works for the autoencoder: its no-batch-mean sits on the dW line', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('#model=autoencoder&code=2&checkEvery=0&exercise=2');
    await waitForApp(page, (app) => app.gradCheck !== null, undefined, { timeout: 30_000 });
    expect((await state(page)).settings.mistake).toBe(exerciseMistake(2, 'autoencoder', null));
    expect((await state(page)).settings.mistake).toBe('no-batch-mean');
    expect(await redTensors(page)).toEqual(['W']);
    await page.locator('.view-equations .math-eq[data-key="dW"]').click();
    expect(await page.locator('.view-equations .math-exercise').getAttribute('data-verdict')).toBe('right');
    expect(await page.locator('.view-equations .math-eq-wrong').getAttribute('data-key')).toBe('dW');
    // Shown now: the comparison files the run under its mistake, and the check names it.
    expect(await page.locator('.view-grad-check .math-note').textContent()).toContain('no-batch-mean');
    expect((await state(page)).curveEnds).not.toHaveProperty('exercise');
    expect(errors).toEqual([]);
  });
});
