// End to end: rebuilds never race the GPU. Forty changes (presets, engines, data sets, widths,
// links) fired at random moments, training and paused, end in a page with no error, no WebGPU text,
// and the last network asked for; a run replaced while a weight edit, a link's gradient or one step
// reads it back raises nothing; play pressed during a build starts the run when it is ready; a
// banner that no longer applies goes away by itself.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/base/rng';
import { clickButton, state, useApp, waitForApp } from './harness';

const { open } = useApp();

/** What no user should ever read: WebGPU's own words for a buffer used after its destroy, or a validation error. */
const GPU_TEXT = /destroyed|validation|Failed to execute|\[Buffer/i;

/** Drops a file on the page, as a user would. */
async function drop(page: import('playwright-core').Page, name: string, text: string): Promise<void> {
  await page.evaluate(
    ([n, t]) => {
      const data = new DataTransfer();
      data.items.add(new File([t], n));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
    },
    [name, text] as const,
  );
}

describe('rebuilds', () => {
  it('survives 40 rebuild triggers at random moments, training and paused, and ends on the last network asked for', { timeout: 600_000 }, async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=8');
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && GPU_TEXT.test(m.text()) && warnings.push(m.text()));
    const rng = new Rng(26);
    const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
    const triggers: Array<{ name: string; run: () => Promise<unknown> }> = [
      { name: 'preset', run: () => page.getByRole('combobox', { name: 'presets' }).selectOption({ index: 1 + rng.int(4) }) },
      {
        name: 'engine',
        run: () =>
          page.evaluate(
            (engine) => {
              window.app.settings.engine = engine;
              void window.app.rebuild();
            },
            pick(['gpu', 'cpu', 'reference', 'race', 'gpu-reference']),
          ),
      },
      {
        name: 'data set',
        run: () =>
          page.evaluate(
            (dataset) => {
              window.app.settings.dataset = dataset;
              void window.app.rebuild();
            },
            pick(['spiral', 'circles', 'xor', 'blobs']),
          ),
      },
      {
        name: 'width',
        run: () =>
          page.evaluate(
            (hidden) => {
              window.app.settings.hidden = hidden;
              void window.app.rebuild();
            },
            [pick([4, 8, 12, 16, 24])],
          ),
      },
      { name: 'link', run: () => page.evaluate((h) => (location.hash = h), `#dataset=${pick(['spiral', 'xor'])}&hidden=${pick([6, 10, 14])},${pick([3, 5])}`) },
      { name: 'play or pause', run: () => page.getByRole('button', { name: /^(play|pause)$/ }).click() },
    ];
    for (let i = 0; i < 40; i++) {
      await triggers[rng.int(triggers.length)]!.run();
      await page.waitForTimeout(rng.uniform(0, 1500));
    }
    // The last request: a link (a network no trigger above asks for), while paused.
    const s = await state(page);
    if (s.running || s.startsWhenReady) await page.getByRole('button', { name: 'pause', exact: true }).click();
    await page.evaluate(() => (location.hash = '#dataset=circles&hidden=7,3&engine=gpu'));
    await waitForApp(page, (app) => !app.building && /^Ready: MLP with 2 swish layers \(7-3 units\) on circles/.test(app.status), undefined, {
      timeout: 180_000,
      polling: 50,
    });
    const end = await state(page);
    expect(end.applied).toMatchObject({ dataset: 'circles', hidden: [7, 3], engine: 'gpu' });
    // It trains: the session in place is whole.
    await clickButton(page, 'play');
    await waitForApp(page, (app) => (app.history.gpu.at(-1)?.step ?? -1) >= 20, undefined, { timeout: 60_000, polling: 50 });
    await clickButton(page, 'pause');
    expect(await page.locator('body').textContent()).not.toMatch(GPU_TEXT);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('switches the engine after a pause without a word from WebGPU', { timeout: 300_000 }, async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=16');
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && GPU_TEXT.test(m.text()) && warnings.push(m.text()));
    for (const engine of ['cpu', 'gpu', 'race', 'gpu']) {
      await clickButton(page, 'play');
      await waitForApp(page, (app) => app.running && app.step > 5, undefined, { timeout: 30_000, polling: 50 });
      await page.waitForTimeout(300); // steps in flight when pause comes, as a user's pause finds them
      await clickButton(page, 'pause');
      await page.evaluate((e) => {
        window.app.settings.engine = e;
        void window.app.rebuild();
      }, engine);
      await waitForApp(page, (app, e) => !app.building && app.applied?.engine === e && /Ready/.test(app.status), engine, { timeout: 120_000, polling: 100 });
    }
    expect(await page.locator('body').textContent()).not.toMatch(GPU_TEXT);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('holds nothing hostage with a slow model: Ready with its warning at once, smaller sizes offered and Ready within seconds while it trains, and a newer link asked mid-build is Ready within 10 s', {
    timeout: 120_000,
  }, async () => {
    const status = () => page.evaluate(() => document.getElementById('status')?.textContent ?? '');
    const { page, errors } = await open('#dataset=spiral&hidden=2048,2048&batch=512', { waitForReady: false });
    // Seconds per step on SwiftShader: Ready says so before the first step, without drawing the views first (minutes).
    await page.waitForFunction(() => /^Ready/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 60_000 });
    expect(await status()).toMatch(
      /^Ready: about [\d.]+ s per step at these sizes: try a smaller batch or hidden size\. MLP with 2 swish layers \(2048-2048 units\)/,
    );
    expect((await state(page)).evals).toEqual([]); // the test set waits for play: no minutes-long first drawing
    // The way out, one click away: smaller sizes, whose step is quick enough to watch. Asked for while
    // the slow model trains and redraws its views (minutes of GPU work on SwiftShader): Ready in seconds.
    expect((await state(page)).banners.message).toMatch(/^A step takes about [\d.]+ s at these sizes\.$/);
    await clickButton(page, 'play');
    await waitForApp(page, (app) => app.step >= 1, undefined, { timeout: 60_000, polling: 100 });
    await page.waitForTimeout(1000); // the views' refresh is under way: the test set and the plane, chunk after chunk
    const askedSmaller = Date.now();
    await page.getByRole('button', { name: /^Use batch \d+, hidden \d+,\d+ \(about [\d.]+ ms per step\)$/ }).click();
    // Built and in place (it may start training at once: play was pressed).
    await waitForApp(page, (app) => !app.building && (app.applied?.batch as number) < 512, undefined, {
      timeout: 60_000,
      polling: 100,
    });
    // Within seconds: the step already on the GPU (seconds here; none is queued behind a slow one) is
    // awaited, the views' reads stop at their next chunk, then the small model builds.
    console.log(`smaller sizes asked while the slow model trained: Ready after ${Date.now() - askedSmaller} ms`);
    expect(Date.now() - askedSmaller).toBeLessThan(15_000);
    const smaller = await state(page);
    expect(Math.max(...(smaller.applied!.hidden as number[]))).toBeLessThan(2048);
    expect(smaller.banners.message).toBeNull();
    // The smaller model trains on (play was pressed); paused, so that the next builds end at Ready.
    await waitForApp(page, (app) => app.running, undefined, { timeout: 30_000 });
    await clickButton(page, 'pause');
    // Another slow model, and while it times its step (the last phase, then its views), a small one.
    await page.evaluate(() => (location.hash = '#dataset=spiral&hidden=2048,1024&batch=1024'));
    await page.waitForFunction(() => /timing a step/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 20_000, polling: 20 });
    const asked = Date.now();
    await page.evaluate(() => (location.hash = '#dataset=xor&hidden=8'));
    await page.waitForFunction(() => /^Ready: MLP with 8 swish units on xor/.test(document.getElementById('status')?.textContent ?? ''), null, {
      timeout: 10_000,
      polling: 100,
    });
    expect(Date.now() - asked).toBeLessThan(10_000);
    await clickButton(page, 'play');
    await waitForApp(page, (app) => app.running && app.step > 20, undefined, { timeout: 30_000 });
    expect((await state(page)).applied).toMatchObject({ dataset: 'xor', hidden: [8] });
    expect(errors).toEqual([]);
  });

  it('takes play during a build as "start when ready", and says so', { timeout: 300_000 }, async () => {
    // Each pipeline takes 1.5 s longer to compile, so that the first build is surely under way at the click.
    const { page, errors } = await open('#dataset=spiral&hidden=40,40', {
      waitForReady: false,
      init: () => {
        const compile = GPUDevice.prototype.createComputePipelineAsync;
        GPUDevice.prototype.createComputePipelineAsync = function (this: GPUDevice, ...args: Parameters<typeof compile>) {
          return new Promise((resolve) => setTimeout(resolve, 1500)).then(() => compile.apply(this, args));
        };
      },
    });
    await page.waitForFunction(() => /Building the model/.test(document.getElementById('status')?.textContent ?? ''));
    await clickButton(page, 'play');
    const during = await state(page);
    expect(during.startsWhenReady).toBe(true);
    expect(during.running).toBe(false);
    expect(await page.getByRole('status').textContent()).toMatch(/^Building the model.* · Training starts when the model is ready\.$/);
    expect(await page.getByRole('button', { name: 'pause', exact: true }).count()).toBe(1); // the toggle offers to call it off
    // It starts by itself once the model is ready: no second press.
    await waitForApp(page, (app) => app.running && app.step > 10, undefined, { timeout: 120_000, polling: 100 });
    const after = await state(page);
    expect(after.applied).toMatchObject({ hidden: [40, 40] });
    expect(after.startsWhenReady).toBe(false);
    await clickButton(page, 'pause');
    expect(errors).toEqual([]);
  });

  it("replaces a run while a weight edit, a link's gradient or one step is reading it back, and no page error comes of it", { timeout: 300_000 }, async () => {
    const { page, errors } = await open('#dataset=xor&hidden=4&activation=tanh');
    const diagram = page.getByRole('figure', { name: 'network diagram' });
    for (let round = 0; round < 6; round++) {
      await clickButton(page, 'one step');
      await waitForApp(page, (app) => app.step >= 1 && !app.building, undefined, { timeout: 60_000 });
      // The link from x₁ to unit 1 of layer 1, opened for editing: its editor reads the gradient.
      const a = (await diagram.locator('[data-unit="input/0"]').boundingBox())!;
      const b = (await diagram.locator('[data-unit="layer1/0"]').boundingBox())!;
      await page.mouse.click((a.x + a.width + b.x) / 2, (a.y + a.height / 2 + b.y + b.height / 2) / 2);
      await diagram.getByRole('spinbutton', { name: 'weight W1[1, 1]' }).waitFor();
      // In one task: a weight typed (set, then the views redrawn and the gradient read again), one
      // step (its readback), and a new network asked for, which replaces the run under all three.
      await page.evaluate((r) => {
        const field = document.querySelector<HTMLInputElement>('input[aria-label="weight W1[1, 1]"]')!;
        field.value = String(1 + r);
        field.dispatchEvent(new Event('change'));
        if (r % 2 === 1) document.querySelector<HTMLButtonElement>('button[aria-label="one step"]')!.click();
        location.hash = `#dataset=xor&hidden=${5 - (r % 2)}&activation=tanh`; // 5, 4, 5, …: a new network each round
      }, round);
      await waitForApp(page, (app, r) => !app.building && (app.applied?.hidden as number[] | undefined)?.[0] === 5 - (r % 2) && app.step === 0, round, {
        timeout: 60_000,
        polling: 100,
      });
    }
    await page.waitForTimeout(500); // a rejection left unhandled is reported a task later
    expect(errors).toEqual([]);
  });

  it('clears a banner that no longer applies: a good file after a bad one, a good link after a bad one', { timeout: 300_000 }, async () => {
    const { page, errors } = await open('#dataset=xor&hidden=6');
    await drop(page, 'bad.csv', 'x,y,label\n1,2\n3,oops,1\n');
    await waitForApp(page, (app) => /Could not use bad\.csv/.test(app.banners.message ?? ''));
    // One name: "Could not use bad.csv: …", not "Could not use bad.csv: bad.csv: …".
    expect((await state(page)).banners.message).not.toMatch(/bad\.csv: bad\.csv/);
    const rows = Array.from({ length: 80 }, (_, i) => `${Math.cos(i)},${Math.sin(1.3 * i)},${i % 2}`).join('\n');
    await drop(page, 'good.csv', `${rows}\n`);
    await waitForApp(page, (app) => /Ready/.test(app.status) && /good\.csv/.test(app.status), undefined, { timeout: 120_000 });
    let s = await state(page);
    expect(s.banners.message).toBeNull();
    expect(s.banners.notice).toMatch(/Loaded good\.csv: 80 rows/);

    await page.evaluate(() => (location.hash = '#dataset=xor&hidden=6&lr=banana'));
    await waitForApp(page, (app) => /ignored/.test(app.banners.message ?? ''));
    await page.evaluate(() => (location.hash = '#dataset=xor&hidden=6&lr=0.05'));
    // Once the good link is applied (its hashchange comes a task later), its banner is gone.
    await waitForApp(page, (app) => app.settings.lr === 0.05);
    s = await state(page);
    expect(s.banners.message).toBeNull();
    // The banners sit in the page's flow: they push the first screen down rather than cover it.
    await page.evaluate(() => (location.hash = '#dataset=xor&hidden=6&lr=banana'));
    await waitForApp(page, (app) => app.banners.message !== null);
    const [banner, stage] = await Promise.all([page.locator('#message').boundingBox(), page.locator('#stage').boundingBox()]);
    expect(banner!.y + banner!.height).toBeLessThanOrEqual(stage!.y + 0.5);
    expect(errors).toEqual([]);
  });
});
