// End to end: the built app in headless Chromium (the system browser, WebGPU on SwiftShader where
// there is no GPU), driven as a user would. Screenshots of the main views go to screenshots/.
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'screenshots');
let server: PreviewServer;
let origin: string;
let browser: Browser;
let noGpuBrowser: Browser;

interface AppState {
  step: number;
  running: boolean;
  pcaBound: number | null;
  history: { gpu: Array<{ step: number; loss: number }>; cpu: Array<{ step: number; loss: number }> };
  evals: Array<{ engine: string; step: number; testLoss: number; testAccuracy?: number }>;
  settings: Record<string, unknown>;
  optimizerInUse: { lr: number; kind: string } | null;
}

beforeAll(async () => {
  const outDir = join(tmpdir(), `app-e2e-${process.pid}`);
  await build({ logLevel: 'error', build: { outDir, emptyOutDir: true } });
  server = await preview({ logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
  origin = new URL(server.resolvedUrls!.local[0]!).origin;
  const args = ['--no-sandbox', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'];
  // gc() and precise heap sizes let the endurance test read a settled JS heap.
  browser = await chromium.launch({
    executablePath: CHROME,
    args: [...args, '--enable-unsafe-webgpu', '--js-flags=--expose-gc', '--enable-precise-memory-info'],
  });
  noGpuBrowser = await chromium.launch({ executablePath: CHROME, args });
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await noGpuBrowser?.close();
  await server?.close();
});

/**
 * Opens the app with a hash, records console errors and every request, waits for "Ready". `init`
 * runs in the page before the app does (to pretend a smaller GPU, or to count buffers).
 */
async function open(hash: string, b: Browser = browser, init?: () => void) {
  const page = await b.newPage({ viewport: { width: 1280, height: 800 } });
  if (init) await page.addInitScript(init);
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${origin}/${hash}`);
  await page.waitForFunction(() => /Ready/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 90_000 });
  return { page, errors, requests };
}

const state = (page: Page) =>
  page.evaluate(() => {
    const app = (window as unknown as { app: AppState }).app;
    return JSON.parse(JSON.stringify({
      step: app.step, running: app.running, pcaBound: app.pcaBound, history: app.history, evals: app.evals,
      settings: app.settings, optimizerInUse: app.optimizerInUse,
    })) as AppState;
  });

async function clickButton(page: Page, name: string): Promise<void> {
  await page.locator('.lil-gui button', { hasText: name }).first().click();
}

/** Plays until `steps` steps have metrics, then pauses and waits for the last readback. */
async function trainFor(page: Page, steps: number, timeout = 150_000): Promise<AppState> {
  await clickButton(page, 'play');
  await page.waitForFunction((n) => {
    const app = (window as unknown as { app: AppState }).app;
    return (app.history.gpu.at(-1)?.step ?? app.history.cpu.at(-1)?.step ?? -1) >= n;
  }, steps, { timeout, polling: 250 });
  await clickButton(page, 'pause');
  await page.waitForTimeout(500);
  return state(page);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('the app in headless Chromium', () => {
  it('loads without console errors and requests nothing outside its own origin', async () => {
    const { page, errors, requests } = await open('');
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    expect(await page.getByRole('status').textContent()).toContain('Ready');
    await page.close();
  });

  it('trains the MLP on MNIST: the loss falls and test accuracy rises above chance', { timeout: 300_000 }, async () => {
    const { page, errors, requests } = await open('#dataset=mnist&hidden=32&batch=32&optimizer=sgd&lr=0.1&stepsPerFrame=16');
    const s = await trainFor(page, 200, 240_000);
    const losses = s.history.gpu.map((m) => m.loss);
    expect(mean(losses.slice(-30))).toBeLessThan(mean(losses.slice(0, 10)) * 0.6);
    // pausing evaluates the test set at the step reached
    await page.waitForFunction(() => ((window as unknown as { app: AppState }).app.evals.at(-1)?.step ?? 0) >= 200, null, { timeout: 60_000 });
    const last = (await state(page)).evals.at(-1)!;
    expect(last.testAccuracy).toBeGreaterThan(0.5); // chance is 0.1
    expect(await page.getByRole('status').textContent()).toContain('test accuracy');
    await page.screenshot({ path: join(SHOTS, 'mnist-mlp.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  });

  it('applies a learning-rate change without a reset', async () => {
    const { page } = await open('#dataset=xor&optimizer=sgd&lr=0.1');
    const before = await trainFor(page, 20);
    const input = page.locator('.lil-controller', { hasText: 'learning rate' }).locator('input').last();
    await input.fill('0.5');
    await input.press('Enter');
    await page.waitForFunction(() => (window as unknown as { app: AppState }).app.optimizerInUse?.lr === 0.5, null, { timeout: 10_000 });
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
    expect(s.settings).toMatchObject({ model: 'mlp', dataset: 'circles', hidden: 12, lr: 0.05, seed: 7, optimizer: 'momentum', samples: 400 });
    expect(s.optimizerInUse).toMatchObject({ lr: 0.05, kind: 'momentum' });
    const hidden = page.locator('.lil-controller', { hasText: 'hidden units' }).locator('input').last();
    expect(await hidden.inputValue()).toBe('12');
    await page.close();
  });

  it('ignores a hostile URL hash with a message and keeps working', async () => {
    const { page, errors } = await open('#lr=NaN&hidden=-5&model=<script>&__proto__=1&batch=1e99');
    const s = await state(page);
    expect(s.settings).toMatchObject({ lr: 0.01, hidden: 32, model: 'mlp' });
    expect(await page.getByRole('alert').textContent()).toContain('ignored');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws a decision boundary for a 2-D set', async () => {
    const { page } = await open('#dataset=spiral&hidden=32&optimizer=adam&lr=0.02&stepsPerFrame=8');
    await trainFor(page, 150);
    const painted = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('.view-decision-boundary canvas');
      if (!canvas) return -1;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 97) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return colours.size;
    });
    expect(painted).toBeGreaterThan(10); // a heatmap, not a blank canvas
    await page.screenshot({ path: join(SHOTS, 'spiral-boundary.png'), fullPage: true });
    await page.close();
  });

  it('brings the autoencoder loss toward the PCA bound', async () => {
    const { page } = await open('#model=autoencoder&dataset=blobs&code=1&optimizer=momentum&lr=0.05&initScale=0.3&samples=400&stepsPerFrame=8');
    await page.waitForFunction(() => (window as unknown as { app: AppState }).app.pcaBound !== null, null, { timeout: 30_000 });
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

  it('runs GPU and CPU side by side from one seed, the two curves on top of each other', async () => {
    const { page, errors } = await open('#dataset=xor&engine=both&optimizer=sgd&lr=0.1&stepsPerFrame=2');
    const s = await trainFor(page, 20);
    const cpu = new Map(s.history.cpu.map((m) => [m.step, m.loss]));
    const common = s.history.gpu.filter((m) => cpu.has(m.step));
    expect(common.length).toBeGreaterThanOrEqual(20);
    for (const m of common) expect(Math.abs(m.loss - cpu.get(m.step)!) / cpu.get(m.step)!).toBeLessThan(1e-3);
    expect(await page.getByRole('status').textContent()).toContain('side by side');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a malformed dropped file with a message and keeps the run; trains on a good one', async () => {
    const { page, errors } = await open('#dataset=circles');
    const before = await trainFor(page, 5);
    const drop = (name: string, text: string) =>
      page.evaluate(([n, t]) => {
        const data = new DataTransfer();
        data.items.add(new File([t!], n!));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
      }, [name, text]);
    await drop('bad.csv', '1,2,0\n3,x,1\n');
    await page.waitForFunction(() => /bad\.csv/.test(document.querySelector('[role=alert]')?.textContent ?? ''));
    expect(await page.getByRole('alert').textContent()).toMatch(/Could not use bad\.csv: .*line 2.*current run is unchanged/);
    const kept = await state(page);
    expect(kept.settings.dataset).toBe('circles');
    expect(kept.step).toBe(before.step);
    const rows = Array.from({ length: 40 }, (_, i) => `${(i % 2) + 0.1 * i},${i % 3},${i % 2}`).join('\n');
    await drop('mine.csv', `x,y,label\n${rows}\n`);
    await page.waitForFunction(() => /Ready/.test(document.getElementById('status')?.textContent ?? '') && /mine\.csv/.test(document.getElementById('status')!.textContent!));
    const s = await trainFor(page, 10);
    expect(s.settings.dataset).toBe('file');
    expect(s.history.gpu.length).toBeGreaterThan(10);
    // For the autoencoder the same file is read again: the label column becomes a third feature.
    const features = await page.evaluate(async () => {
      const app = (window as unknown as { app: { settings: Record<string, unknown>; rebuild(): Promise<void>; session: { data: { train: { D: number } } } } }).app;
      const D = [app.session.data.train.D];
      Object.assign(app.settings, { model: 'autoencoder', code: 1 });
      await app.rebuild();
      D.push(app.session.data.train.D);
      Object.assign(app.settings, { model: 'mlp' });
      await app.rebuild();
      D.push(app.session.data.train.D);
      return D;
    });
    expect(features).toEqual([2, 3, 2]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without WebGPU, says why and trains on the CPU engine', async () => {
    const { page, errors } = await open('#dataset=xor', noGpuBrowser);
    expect(await page.getByRole('alert').textContent()).toContain('CPU engine');
    const s = await trainFor(page, 30);
    expect(s.settings.engine).toBe('cpu');
    expect(s.history.cpu.length).toBeGreaterThan(30);
    expect(await page.getByRole('status').textContent()).toContain('CPU engine');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the math views', () => {
  interface Check { step: number; swishDerivative: string; tensors: Record<string, { gpuVsReference: number | null; referenceVsFiniteDiff: number }> }
  const gradCheck = (page: Page) =>
    page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { app: { gradCheck: unknown } }).app.gradCheck)) as Check | null);

  it('checks the gradients, shows the wrong derivative in red, and plots both runs together', { timeout: 240_000 }, async () => {
    const { page, errors, requests } = await open('#dataset=xor&samples=200&hidden=8&batch=16&optimizer=sgd&lr=0.2&stepsPerFrame=4&checkEvery=0');
    await page.waitForFunction(() => (window as unknown as { app: { gradCheck: unknown } }).app.gradCheck !== null, null, { timeout: 30_000 });
    const good = (await gradCheck(page))!;
    expect(good.swishDerivative).toBe('correct');
    expect(Object.keys(good.tensors)).toEqual(['W1', 'b1', 'W2', 'b2']);
    for (const [name, t] of Object.entries(good.tensors)) {
      expect(t.gpuVsReference, name).toBeLessThan(1e-4);
      expect(t.referenceVsFiniteDiff, name).toBeLessThan(1e-4);
    }
    expect(await page.locator('.view-grad-check td.math-bug').count()).toBe(0);
    expect(await page.locator('.view-grad-check td.math-ok').count()).toBe(8);
    // the equations are typeset, and hovering one highlights its values
    expect(await page.locator('.view-equations .math-eq .katex').count()).toBeGreaterThanOrEqual(10);
    await page.locator('.view-equations .math-eq[data-key="GV"]').hover();
    expect(await page.locator('.view-equations .math-value.math-hot[data-key="GV"]').count()).toBe(1);
    await trainFor(page, 40);
    // the activation statistics are filled in
    expect(await page.locator('.view-activation-stats table tr').count()).toBeGreaterThanOrEqual(6);
    // an on-demand check after training
    await page.locator('.view-grad-check button', { hasText: 'check now' }).click();
    await page.waitForFunction(() => ((window as unknown as { app: { gradCheck: { step: number } } }).app.gradCheck.step ?? 0) > 0, null, { timeout: 30_000 });

    // the wrong derivative: rebuilt with it in the kernel and the reference
    await page.locator('.lil-controller', { hasText: 'wrong swish' }).locator('input').check();
    await page.waitForFunction(() => (window as unknown as { app: { gradCheck: { swishDerivative: string } | null } }).app.gradCheck?.swishDerivative === 'wrong', null, { timeout: 60_000 });
    const bad = (await gradCheck(page))!;
    for (const name of ['W1', 'b1']) expect(bad.tensors[name]!.referenceVsFiniteDiff, name).toBeGreaterThan(1e-2);
    for (const name of ['W2', 'b2']) expect(bad.tensors[name]!.referenceVsFiniteDiff, name).toBeLessThan(1e-4);
    for (const [name, t] of Object.entries(bad.tensors)) expect(t.gpuVsReference, name).toBeLessThan(1e-4);
    expect(await page.locator('.view-grad-check tr[data-tensor="W1"] td.math-bug').count()).toBe(1);
    expect(await page.locator('.view-grad-check tr[data-tensor="W2"] td.math-bug').count()).toBe(0);
    expect(await page.evaluate(() => location.hash)).toContain('wrongDerivative=true');
    await trainFor(page, 40);
    const legend = await page.locator('.view-compare-runs .u-legend').textContent();
    expect(legend).toContain('correct swish');
    expect(legend).toContain('wrong swish');
    await page.screenshot({ path: join(SHOTS, 'math-wrong-derivative.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  });

  it('shows the autoencoder turning onto the principal subspace', { timeout: 240_000 }, async () => {
    const { page, errors } = await open('#model=autoencoder&code=2&optimizer=momentum&lr=0.01&stepsPerFrame=8');
    // 4-D data with standard deviations 3, 2, 0.5, 0.2 along a rotated basis: a clear top-2 subspace.
    const rows = Array.from({ length: 300 }, (_, i) => {
      const z = [3, 2, 0.5, 0.2].map((s, j) => s * Math.sin(1.7 * i * (j + 1) + j));
      return [z[0]! + z[1]! + z[2]! + z[3]!, z[0]! - z[1]! + z[2]! - z[3]!, z[0]! + z[1]! - z[2]! - z[3]!, z[0]! - z[1]! - z[2]! + z[3]!]
        .map((v) => (v / 2).toFixed(5)).join(',');
    }).join('\n');
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'pca.csv'));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
    }, `${rows}\n`);
    await page.waitForFunction(() => /Ready/.test(document.getElementById('status')?.textContent ?? '') && /pca\.csv/.test(document.getElementById('status')!.textContent!));
    await page.waitForSelector('.view-pca .math-table', { timeout: 30_000 });
    await trainFor(page, 300);
    const history = await page.evaluate(() =>
      JSON.parse(JSON.stringify((window as unknown as { app: { mathViews: { pcaHistory: unknown } } }).app.mathViews.pcaHistory)) as
        Array<{ step: number; largestAngleDeg: number; orthoError: number; gap: number | null }>);
    expect(history.length).toBeGreaterThan(1);
    expect(history.at(-1)!.largestAngleDeg).toBeLessThan(5);
    expect(history.at(-1)!.orthoError).toBeLessThan(history[0]!.orthoError);
    expect(await page.locator('.view-pca .u-legend').textContent()).toContain('largest angle');
    const check = (await gradCheck(page))!;
    expect(check.tensors.W!.gpuVsReference).toBeLessThan(1e-4);
    expect(check.tensors.W!.referenceVsFiniteDiff).toBeLessThan(1e-4);
    await page.screenshot({ path: join(SHOTS, 'math-autoencoder.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** What the reliability tests read besides AppState. */
interface RecoveryState {
  diverged: boolean;
  devicesLost: number;
  snapshot: unknown;
  step: number;
  settings: Record<string, unknown>;
  device: GPUDevice | null;
  restoreLastGood(lr: number | null): Promise<void>;
  rebuild(): Promise<void>;
  ready: Promise<void>;
}

/** Makes the page's GPU report a 4 MiB storage-binding limit, as a small laptop GPU might. */
function pretendSmallGpu(): void {
  const limits = Object.getOwnPropertyDescriptor(GPUDevice.prototype, 'limits')!;
  Object.defineProperty(GPUDevice.prototype, 'limits', {
    get() {
      const real = limits.get!.call(this) as GPUSupportedLimits;
      return new Proxy(real, { get: (t, k) => (k === 'maxStorageBufferBindingSize' ? 4 * 2 ** 20 : (t as never)[k]) });
    },
  });
}

/** Counts live GPU buffers in the page: created and not yet destroyed. */
function countGpuBuffers(): void {
  const live = new Set<GPUBuffer>();
  const create = GPUDevice.prototype.createBuffer;
  const destroy = GPUBuffer.prototype.destroy;
  GPUDevice.prototype.createBuffer = function (this: GPUDevice, d: GPUBufferDescriptor) {
    const b = create.call(this, d);
    live.add(b);
    return b;
  };
  GPUBuffer.prototype.destroy = function (this: GPUBuffer) {
    live.delete(this);
    destroy.call(this);
  };
  (window as unknown as { liveBuffers: () => number }).liveBuffers = () => live.size;
}

describe('when things go wrong', () => {
  it('pauses a diverging run with its likely cause, keeps NaN out of the plots, and restores the last good state', async () => {
    const { page, errors } = await open('#model=autoencoder&dataset=blobs&code=1&optimizer=sgd&lr=0.02&samples=400&stepsPerFrame=4');
    await clickButton(page, 'play');
    await page.waitForFunction(() => (window as unknown as { app: RecoveryState }).app.snapshot !== null && (window as unknown as { app: RecoveryState }).app.step > 20, null, { timeout: 60_000, polling: 250 });
    const input = page.locator('.lil-controller', { hasText: 'learning rate' }).locator('input').last();
    await input.fill('10');
    await input.press('Enter');
    await page.waitForFunction(() => (window as unknown as { app: RecoveryState }).app.diverged, null, { timeout: 60_000, polling: 250 });
    const alert = page.getByRole('alert');
    expect(await alert.textContent()).toMatch(/Training paused: .*loss stopped being a finite number \((NaN|Infinity|-Infinity)\) at step \d+\. Likely cause: the learning rate 10 is high for SGD/);
    const s = await state(page);
    expect(s.running).toBe(false);
    expect(s.history.gpu.every((m) => Number.isFinite(m.loss))).toBe(true);
    expect(await page.getByRole('status').textContent()).not.toMatch(/NaN|Infinity/);
    const snapshotStep = await page.evaluate(() => ((window as unknown as { app: RecoveryState }).app.snapshot as { engines: { gpu: { step: number } } }).engines.gpu.step);
    await alert.getByRole('button', { name: `Restore step ${snapshotStep} with learning rate 1` }).click();
    await page.waitForFunction(() => !(window as unknown as { app: RecoveryState }).app.diverged && /Restored/.test(document.getElementById('status')!.textContent!), null, { timeout: 30_000 });
    const restored = await state(page);
    expect(restored.step).toBe(snapshotStep);
    expect(restored.settings.lr).toBe(1);
    expect(restored.optimizerInUse!.lr).toBe(1);
    expect(restored.history.gpu.at(-1)!.step).toBeLessThan(snapshotStep);
    // The smoothed curve kept for the derivative comparison is cut back too.
    const curveEnd = await page.evaluate(() => (window as unknown as { app: { runs: { curves: { correct?: { steps: number[] } } } } }).app.runs.curves.correct!.steps.at(-1)!);
    expect(curveEnd).toBeLessThan(snapshotStep);
    const after = await trainFor(page, snapshotStep + 20);
    expect(after.history.gpu.filter((m) => m.step >= snapshotStep).every((m) => Number.isFinite(m.loss))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('gets a new device when the GPU is lost mid-training and carries on from the last snapshot', async () => {
    const { page } = await open('#dataset=xor&optimizer=adam&lr=0.02&stepsPerFrame=4');
    await clickButton(page, 'play');
    await page.waitForFunction(() => (window as unknown as { app: RecoveryState }).app.snapshot !== null && (window as unknown as { app: RecoveryState }).app.step > 40, null, { timeout: 60_000, polling: 250 });
    const lostAt = await page.evaluate(() => {
      (window as unknown as { app: RecoveryState }).app.device!.destroy();
      return (window as unknown as { app: RecoveryState }).app.step;
    });
    await page.waitForFunction(() => (window as unknown as { app: RecoveryState }).app.devicesLost === 1 && /new device was opened/.test(document.querySelector('[role=alert]')!.textContent!), null, { timeout: 60_000, polling: 250 });
    await page.waitForFunction((n) => {
      const app = (window as unknown as { app: AppState }).app;
      return (app.history.gpu.at(-1)?.step ?? 0) > n + 20;
    }, lostAt, { timeout: 60_000, polling: 250 });
    const s = await state(page);
    expect(s.running).toBe(true);
    const steps = s.history.gpu.map((m) => m.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b)); // one curve, no steps twice
    expect(new Set(steps).size).toBe(steps.length);
    expect(s.history.gpu.every((m) => Number.isFinite(m.loss))).toBe(true);
    await clickButton(page, 'pause');
    await page.close();
  });

  it('goes on with the CPU engine when no new device can be had', async () => {
    const { page } = await open('#dataset=xor&optimizer=adam&lr=0.02&stepsPerFrame=4', browser, () => {
      const requestDevice = GPUAdapter.prototype.requestDevice;
      let calls = 0;
      GPUAdapter.prototype.requestDevice = function (this: GPUAdapter, d?: GPUDeviceDescriptor) {
        return ++calls === 1 ? requestDevice.call(this, d) : Promise.reject(new Error('the GPU is gone for good'));
      };
    });
    await clickButton(page, 'play');
    await page.waitForFunction(() => (window as unknown as { app: RecoveryState }).app.snapshot !== null, null, { timeout: 60_000, polling: 250 });
    await page.evaluate(() => (window as unknown as { app: RecoveryState }).app.device!.destroy());
    await page.waitForFunction(() => /CPU engine/.test(document.querySelector('[role=alert]')?.textContent ?? ''), null, { timeout: 60_000, polling: 250 });
    expect(await page.getByRole('alert').textContent()).toMatch(/GPU device was lost.*no new device could be opened \(.*the GPU is gone for good\).*CPU engine.*continues from step \d+/);
    await page.waitForFunction(() => (window as unknown as { app: AppState }).app.history.cpu.length > 20, null, { timeout: 60_000, polling: 250 });
    const s = await state(page);
    expect(s.settings.engine).toBe('cpu');
    expect(s.running).toBe(true);
    expect(s.history.cpu.every((m) => Number.isFinite(m.loss))).toBe(true);
    await clickButton(page, 'pause');
    // Asking for the GPU again tries for a device again; none comes, so the CPU engine stays.
    await page.locator('.lil-controller', { hasText: 'engine' }).locator('select').selectOption('GPU');
    await page.waitForFunction(() => /No WebGPU device could be opened/.test(document.querySelector('[role=alert]')?.textContent ?? ''), null, { timeout: 30_000 });
    expect((await state(page)).settings.engine).toBe('cpu');
    await page.close();
  });

  it('refuses sizes over the GPU limits with a message and keeps the current run', async () => {
    const { page } = await open('#dataset=spiral&hidden=32&batch=512&samples=1000&optimizer=sgd&lr=0.1', browser, pretendSmallGpu);
    const before = await trainFor(page, 10);
    const hidden = page.locator('.lil-controller', { hasText: 'hidden units' }).locator('input').last();
    await hidden.fill('4096');
    await hidden.press('Enter');
    await page.waitForFunction(() => /Not applied/.test(document.querySelector('[role=alert]')?.textContent ?? ''), null, { timeout: 30_000 });
    expect(await page.getByRole('alert').textContent()).toMatch(
      /Not applied: the hidden activations of an evaluation chunk \(1000×4096\) needs 15\.6 MiB in one buffer, but this GPU allows 4\.0 MiB \(1 more buffer is too large too\).*current run goes on/,
    );
    const s = await state(page);
    expect(s.settings.hidden).toBe(32);
    expect(await hidden.inputValue()).toBe('32');
    expect(s.step).toBe(before.step);
    expect(await page.evaluate(() => location.hash)).not.toContain('hidden=4096');
    const after = await trainFor(page, before.step + 10);
    expect(after.history.gpu[0]!.step).toBe(0); // the same run went on
    await page.close();
  });

  it('saves a run and resumes it exactly; saves the tensors for numpy; refuses a bad run file', async () => {
    const { page, errors } = await open('#dataset=xor&optimizer=adam&lr=0.02&stepsPerFrame=2&seed=3');
    const first = await trainFor(page, 20);
    const saving = page.waitForEvent('download');
    await clickButton(page, 'save run (.json');
    const saved = await saving;
    const runFile = join(tmpdir(), `run-${process.pid}.json`);
    await saved.saveAs(runFile);
    expect(saved.suggestedFilename()).toBe(`webgpu-backprop-mlp-step-${first.step}.json`);
    const uninterrupted = await trainFor(page, first.step + 20);
    const npzSaving = page.waitForEvent('download');
    await clickButton(page, 'save tensors');
    const npz = readFileSync((await (await npzSaving).path())!);
    expect(npz.subarray(0, 2).toString()).toBe('PK');
    for (const name of ['gpu-params-W1.npy', 'gpu-m-b2.npy', 'gpu-v-W2.npy']) expect(npz.includes(Buffer.from(name))).toBe(true);

    const choosing = page.waitForEvent('filechooser');
    await clickButton(page, 'resume a saved run');
    await (await choosing).setFiles(runFile);
    await page.waitForFunction((n) => new RegExp(`continuing from step ${n}`).test(document.querySelector('[role=alert]')?.textContent ?? ''), first.step, { timeout: 60_000 });
    expect((await state(page)).step).toBe(first.step);
    const resumed = await trainFor(page, first.step + 20);
    const expected = new Map(uninterrupted.history.gpu.map((m) => [m.step, m.loss]));
    const again = resumed.history.gpu.filter((m) => m.step >= first.step && expected.has(m.step));
    expect(again.length).toBeGreaterThanOrEqual(20);
    for (const m of again) expect(m.loss).toBe(expected.get(m.step)); // bit for bit

    const stepNow = resumed.step;
    const future = JSON.stringify({ ...JSON.parse(readFileSync(runFile, 'utf8')), version: 99 });
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'bad.json'));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
    }, future);
    await page.waitForFunction(() => /bad\.json/.test(document.querySelector('[role=alert]')?.textContent ?? ''));
    expect(await page.getByRole('alert').textContent()).toMatch(/Could not use bad\.json: .*version.*current run is unchanged/);
    expect((await state(page)).step).toBe(stepNow);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the live GPU buffers and the JS heap flat over rebuilds and training', async () => {
    const { page } = await open('#dataset=spiral&samples=20000&hidden=16&stepsPerFrame=8', browser, countGpuBuffers);
    const live = () => page.evaluate(() => (window as unknown as { liveBuffers: () => number }).liveBuffers());
    // The heap after gc() still moves by several MB with work in flight: take the least of a few readings.
    const heapBytes = () => page.evaluate(async () => {
      let least = Infinity;
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, 150));
        (window as unknown as { gc: () => void }).gc();
        least = Math.min(least, (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize);
      }
      return least;
    });
    await trainFor(page, 50);
    const baseline = await live();
    const heapBefore = await heapBytes();
    for (let i = 0; i < 30; i++) {
      await page.evaluate(async (h) => {
        (window as unknown as { app: RecoveryState }).app.settings.hidden = h;
        await (window as unknown as { app: RecoveryState }).app.rebuild();
      }, i % 2 === 0 ? 48 : 16);
    }
    await trainFor(page, 200);
    // Equal up to the metrics staging buffers, whose number follows how many readbacks were in flight.
    expect(await live()).toBeLessThanOrEqual(baseline + 2);
    expect(await live()).toBeGreaterThanOrEqual(baseline - 2);
    // Each rebuild makes a new 20,000-point data set (~0.5 MB with its test half): thirty kept would show.
    expect(await heapBytes()).toBeLessThan(heapBefore + 8 * 2 ** 20);
    await page.close();
  });
});

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
