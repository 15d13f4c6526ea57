// End to end: training in the page, from its URL, its panel and its dropped files; and without WebGPU.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaryColours, clickButton, SHOTS, mean, rebuildWith, settledHeapBytes, state, trainFor, useApp, waitForApp } from './harness';

const { open } = useApp();

declare global {
  interface Window {
    /** Each text the status line showed, in order (recordStatusTexts). */
    statusTexts?: string[];
  }
}

/** An init script: records each text of the status line as it changes, so that none is missed between polls. */
function recordStatusTexts(): void {
  const texts: string[] = (window.statusTexts = []);
  new MutationObserver(() => {
    const text = document.getElementById('status')?.textContent ?? '';
    if (text !== texts.at(-1)) texts.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

describe('the app in headless Chromium', () => {
  it("loads without console errors, requests nothing outside its own origin, and is cross-origin isolated on the preview server (the headers a CPU engine's threads need)", async () => {
    const { page, errors, requests, origin } = await open('');
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    expect(await page.getByRole('status').textContent()).toContain('Ready');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.close();
  });

  it('downloads MNIST with its progress in the status line, and trains the MLP on it: the loss falls and test accuracy rises above chance', {
    timeout: 300_000,
  }, async () => {
    const { page, errors, requests, origin } = await open('#dataset=mnist&hidden=32&batch=32&optimizer=sgd&lr=0.1&stepsPerFrame=16', {
      init: recordStatusTexts,
    });
    const loading = (await page.evaluate(() => window.statusTexts ?? [])).filter((t) => t.startsWith('Loading MNIST'));
    expect(loading.length).toBeGreaterThan(0);
    for (const text of loading) expect(text).toMatch(/^Loading MNIST: \d+\.\d of 11\.\d MB \(\d+%\)$/);
    const percents = loading.map((text) => Number(/\((\d+)%\)/.exec(text)![1]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);
    console.log(`MNIST download: ${loading.length} progress texts, ${loading[0]} … ${loading.at(-1)}`);
    // The 70,000 images are kept as their bytes (55 MB), not as floats (219 MB).
    const heap = await settledHeapBytes(page);
    console.log(`JS heap with MNIST loaded: ${(heap / 2 ** 20).toFixed(1)} MiB`);
    expect(heap).toBeLessThan(100 * 2 ** 20);
    const s = await trainFor(page, 200, 240_000);
    const losses = s.history.gpu.map((m) => m.loss);
    expect(mean(losses.slice(-30))).toBeLessThan(mean(losses.slice(0, 10)) * 0.6);
    // pausing evaluates the test set at the step reached
    await waitForApp(page, (app) => (app.evals.at(-1)?.step ?? 0) >= 200, undefined, { timeout: 60_000 });
    const last = (await state(page)).evals.at(-1)!;
    expect(last.testAccuracy).toBeGreaterThan(0.5); // chance is 0.1
    expect(await page.getByRole('status').textContent()).toContain('test accuracy');
    await page.screenshot({ path: join(SHOTS, 'mnist-mlp.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  });

  it('goes on training a 2-D set while MNIST downloads, with the progress in the status line; back to a 2-D set before it is in: at once', {
    timeout: 300_000,
  }, async () => {
    const { page, errors } = await open('#dataset=spiral&hidden=8&batch=16&engine=cpu&stepsPerFrame=4');
    // MNIST's files wait until the test lets them through.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const mnistRequests: string[] = [];
    await page.route('**/mnist/*.gz', async (route) => {
      mnistRequests.push(route.request().url());
      await held;
      await route.continue();
    });
    await clickButton(page, 'play');
    await waitForApp(page, (app) => app.step >= 10, undefined, { timeout: 60_000 });
    // As the panel does: the rebuild waits for MNIST, so it is not awaited here.
    await page.evaluate(() => {
      window.app.settings.dataset = 'mnist';
      void window.app.rebuild();
    });
    await page.waitForFunction(() => /Loading MNIST: \d+\.\d of 11\.\d MB \(\d+%\)/.test(document.getElementById('status')?.textContent ?? ''));
    const waiting = (await state(page)).step;
    await waitForApp(page, (app, from) => app.step >= from + 20, waiting, { timeout: 60_000 });
    let s = await state(page);
    expect(s.running).toBe(true);
    expect(s.trainFeatures).toBe(2); // still the spiral
    // The run's own line (once its first refresh has drawn it) after the download's progress.
    await page.waitForFunction(() =>
      /^Loading MNIST: \d+\.\d of 11\.\d MB \(\d+%\) · step [\d,]+ · /.test(document.getElementById('status')?.textContent ?? ''),
    );
    // The run bar acts on the run that shows, not after the download.
    await clickButton(page, 'pause');
    await waitForApp(page, (app) => !app.running);
    const paused = (await state(page)).step;
    await clickButton(page, 'one step');
    await waitForApp(page, (app, at) => app.step === at + 1, paused, { timeout: 30_000 });
    await clickButton(page, 'play');

    await rebuildWith(page, { dataset: 'circles' }); // returns although MNIST is still held
    s = await state(page);
    expect(s.settings.dataset).toBe('circles');
    expect(s.trainFeatures).toBe(2);
    expect(s.running).toBe(true);
    const onCircles = s.step;
    await waitForApp(page, (app, from) => app.step >= from + 10, onCircles, { timeout: 60_000 });

    // The download goes on for later: once in, it leaves the status line and the circles run alone.
    release();
    await page.waitForFunction(() => !/Loading MNIST/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 120_000 });
    s = await state(page);
    expect(s.settings.dataset).toBe('circles');
    expect(s.trainFeatures).toBe(2);
    await rebuildWith(page, { dataset: 'mnist' }); // from memory: no second download
    expect((await state(page)).trainFeatures).toBe(784);
    expect(mnistRequests).toHaveLength(4);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('applies a learning-rate change without a reset', async () => {
    const { page } = await open('#dataset=xor&optimizer=sgd&lr=0.1');
    const before = await trainFor(page, 20);
    const input = page.locator('.lil-controller', { hasText: 'learning rate' }).locator('input').last();
    await input.fill('0.5');
    await input.press('Enter');
    await waitForApp(page, (app) => app.optimizerInUse?.lr === 0.5, undefined, { timeout: 10_000 });
    const after = await trainFor(page, before.step + 20);
    expect(after.history.gpu.length).toBeGreaterThan(before.history.gpu.length); // the curve went on
    expect(after.history.gpu[0]!.step).toBe(0);
    expect(after.optimizerInUse!.lr).toBe(0.5);
    expect(await page.evaluate(() => location.hash)).toContain('lr=0.5');
    await page.close();
  });

  it('restores the settings from the URL', async () => {
    const { page } = await open('#model=mlp&dataset=circles&hidden=12&lr=0.05&seed=7&optimizer=momentum&samples=400');
    const s = await state(page);
    expect(s.settings).toMatchObject({ model: 'mlp', dataset: 'circles', hidden: [12], lr: 0.05, seed: 7, optimizer: 'momentum', samples: 400 });
    expect(s.optimizerInUse).toMatchObject({ lr: 0.05, kind: 'momentum' });
    const hidden = page.locator('.lil-controller', { hasText: 'hidden layers' }).locator('input').last();
    expect(await hidden.inputValue()).toBe('12');
    await page.close();
  });

  it('ignores a hostile URL hash with a message and keeps working', async () => {
    const { page, errors } = await open('#lr=NaN&hidden=-5&model=<script>&__proto__=1&batch=1e99');
    const s = await state(page);
    expect(s.settings).toMatchObject({ lr: 0.01, hidden: [32], model: 'mlp' });
    expect(await page.getByRole('alert').textContent()).toContain('ignored');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws a decision boundary for a 2-D set', async () => {
    const { page } = await open('#dataset=spiral&hidden=32&optimizer=adam&lr=0.02&stepsPerFrame=8');
    await trainFor(page, 150);
    const painted = await page.evaluate(boundaryColours);
    expect(painted).toBeGreaterThan(10); // a heatmap, not a blank canvas
    await page.screenshot({ path: join(SHOTS, 'spiral-boundary.png'), fullPage: true });
    await page.close();
  });

  it('trains the activation chosen in the link, and the math views follow it', async () => {
    const { page, errors } = await open('#dataset=spiral&activation=tanh&hidden=8&optimizer=adam&lr=0.03&stepsPerFrame=8');
    expect(await page.getByRole('status').textContent()).toContain('MLP with 8 tanh units');
    const s = await trainFor(page, 200);
    const losses = s.history.gpu.map((m) => m.loss);
    expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 10)));
    // The gradient check runs on the tanh kernels and the tanh reference: both right.
    await waitForApp(page, (app) => app.gradCheck !== null, undefined, { timeout: 30_000 });
    for (const [name, t] of Object.entries((await state(page)).gradCheck!.tensors)) {
      expect(t.gpuVsReference, name).toBeLessThan(1e-4);
      expect(t.referenceVsFiniteDiff, name).toBeLessThan(1e-4);
    }
    expect(await page.locator('.view-activation-stats').textContent()).toContain('tanh′(V)');
    expect(await page.locator('.view-equations .katex').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('tanh')]));
    // The swish-prime mistake is swish's: the gallery does not offer it with tanh.
    const offered = await page
      .locator('.lil-controller', { hasText: 'backprop mistake' })
      .locator('option')
      .evaluateAll((os) => os.filter((o) => !(o as HTMLOptionElement).hidden).map((o) => o.textContent));
    expect(offered.some((o) => o?.startsWith('swish-prime'))).toBe(false);
    expect(offered).toContain('w2-layout: W read as Wᵀ');
    // A change in the panel rebuilds with the new activation.
    await page.locator('.lil-controller', { hasText: 'activation' }).locator('select').selectOption('ReLU');
    await waitForApp(page, (app) => app.settings.activation === 'relu' && app.step === 0, undefined, { timeout: 30_000 });
    expect(await page.evaluate(() => location.hash)).toContain('activation=relu');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('brings the autoencoder loss toward the PCA bound', async () => {
    const { page } = await open('#model=autoencoder&dataset=blobs&code=1&optimizer=momentum&lr=0.05&initScale=0.3&samples=400&stepsPerFrame=8');
    await waitForApp(page, (app) => app.pcaBound !== null, undefined, { timeout: 30_000 });
    const s = await trainFor(page, 200);
    const bound = s.pcaBound!;
    const losses = s.history.gpu.map((m) => m.loss);
    const startGap = mean(losses.slice(0, 5)) - bound;
    const endGap = mean(losses.slice(-20)) - bound;
    expect(startGap).toBeGreaterThan(0);
    expect(endGap).toBeLessThan(startGap * 0.1);
    await page.screenshot({ path: join(SHOTS, 'autoencoder.png'), fullPage: true });
    await page.close();
  });

  it('races the GPU against the float32 CPU engine from one seed: the same curve, each at its own speed', async () => {
    const { page, errors } = await open('#dataset=xor&engine=race&optimizer=sgd&lr=0.1&stepsPerFrame=2');
    await clickButton(page, 'play');
    // Both engines report while the race runs: each has its own step and its own rate in the status line.
    await page.waitForFunction(() => /steps\/s.*steps\/s/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 60_000, polling: 50 });
    const racing = await page.getByRole('status').textContent();
    expect(racing).toMatch(/GPU \(.+\) step [\d,]+ at [\d,.]+ steps\/s, CPU \(float32, \d+ threads?\) step [\d,]+ at [\d,.]+ steps\/s, racing/);
    // The preview server isolates the page, so the CPU engine has every thread of the machine.
    const threads = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(racing).toContain(`CPU (float32, ${threads} thread${threads === 1 ? '' : 's'})`);
    await waitForApp(page, (app) => Math.min(app.history.gpu.at(-1)?.step ?? -1, app.history.cpu.at(-1)?.step ?? -1) >= 20, undefined, {
      timeout: 60_000,
      polling: 50,
    });
    // On the clock: both engines' test accuracy moves past step 0 within 30 s, and the card says who reached 95% first.
    await waitForApp(page, (app) => ['gpu', 'cpu'].every((e) => app.evals.some((v) => v.engine === e && v.step > 0)) && app.raceResult !== null, undefined, {
      timeout: 30_000,
      polling: 50,
    });
    await clickButton(page, 'pause');
    await page.waitForTimeout(500);
    const s = await state(page);
    expect(s.lossAxis).toBe('seconds');
    expect(s.raceResult).toMatch(
      /^(Reached 95% test accuracy first: (GPU|CPU)[^,]*, in [\d.]+ s \((GPU|CPU)[^:]*: ([\d.]+ s|not yet)\)\.|Neither engine has reached 95% test accuracy yet\.)$/,
    );
    expect(await page.locator('.race-result').textContent()).toBe(s.raceResult);
    await page.locator('.view-loss').screenshot({ path: join(SHOTS, 'race-on-the-clock.png') });
    // Same seed and batches: the float32 engines agree at every common step (their sums run in other orders).
    const cpu = new Map(s.history.cpu.map((m) => [m.step, m.loss]));
    const common = s.history.gpu.filter((m) => cpu.has(m.step));
    expect(common.length).toBeGreaterThanOrEqual(20);
    for (const m of common) expect(Math.abs(m.loss - cpu.get(m.step)!) / cpu.get(m.step)!, `step ${m.step}`).toBeLessThan(1e-3);
    expect(await page.getByRole('status').textContent()).toMatch(/paused.*, racing$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a malformed dropped file with a message and keeps the run; trains on a good one', async () => {
    const { page, errors } = await open('#dataset=circles');
    const before = await trainFor(page, 5);
    const drop = (name: string, text: string) =>
      page.evaluate(
        ([n, t]) => {
          const data = new DataTransfer();
          data.items.add(new File([t!], n!));
          window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
        },
        [name, text],
      );
    await drop('bad.csv', '1,2,0\n3,x,1\n');
    await page.waitForFunction(() => /bad\.csv/.test(document.querySelector('[role=alert]')?.textContent ?? ''));
    expect(await page.getByRole('alert').textContent()).toMatch(/Could not use bad\.csv: .*line 2.*current run is unchanged/);
    const kept = await state(page);
    expect(kept.settings.dataset).toBe('circles');
    expect(kept.step).toBe(before.step);
    const rows = Array.from({ length: 40 }, (_, i) => `${(i % 2) + 0.1 * i},${i % 3},${i % 2}`).join('\n');
    await drop('mine.csv', `x,y,label\n${rows}\n`);
    await page.waitForFunction(
      () => /Ready/.test(document.getElementById('status')?.textContent ?? '') && /mine\.csv/.test(document.getElementById('status')!.textContent!),
    );
    const s = await trainFor(page, 10);
    expect(s.settings.dataset).toBe('file');
    expect(s.history.gpu.length).toBeGreaterThan(10);
    // For the autoencoder the same file is read again: the label column becomes a third feature.
    const features = [(await state(page)).trainFeatures];
    await rebuildWith(page, { model: 'autoencoder', code: 1 });
    features.push((await state(page)).trainFeatures);
    await rebuildWith(page, { model: 'mlp' });
    features.push((await state(page)).trainFeatures);
    expect(features).toEqual([2, 3, 2]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without WebGPU, says why and trains on the CPU engine', async () => {
    const { page, errors } = await open('#dataset=xor', { webgpu: false });
    expect(await page.getByRole('alert').textContent()).toContain('CPU engine');
    const s = await trainFor(page, 30);
    expect(s.settings.engine).toBe('cpu');
    expect(s.history.cpu.length).toBeGreaterThan(30);
    expect(await page.getByRole('status').textContent()).toMatch(/ · CPU \(float32, \d+ threads?\)/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
