// End to end, when things go wrong: a diverging run, a lost GPU device (with and without a new one),
// sizes over the GPU's limits; and the GPU buffers and JS heap over many rebuilds.
import { describe, expect, it } from 'vitest';
import { clickButton, destroyDevice, rebuildWith, settledHeapBytes, state, trainFor, useApp, waitForApp } from './harness';

const { open } = useApp();

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
  // Readback staging (MAP_READ) apart: how many of those exist follows how many reads were in flight
  // when counted (more on a loaded machine), the others only the model and the data.
  const live = new Set<GPUBuffer>();
  const staging = new Set<GPUBuffer>();
  const create = GPUDevice.prototype.createBuffer;
  const destroy = GPUBuffer.prototype.destroy;
  GPUDevice.prototype.createBuffer = function (this: GPUDevice, d: GPUBufferDescriptor) {
    const b = create.call(this, d);
    (d.usage & GPUBufferUsage.MAP_READ ? staging : live).add(b);
    return b;
  };
  GPUBuffer.prototype.destroy = function (this: GPUBuffer) {
    live.delete(this);
    staging.delete(this);
    destroy.call(this);
  };
  window.liveBuffers = () => live.size;
  window.liveStaging = () => staging.size;
}

describe('when things go wrong', () => {
  it('pauses a diverging run with its likely cause, keeps NaN out of the plots, and restores the last good state', async () => {
    const { page, errors } = await open('#model=autoencoder&dataset=blobs&code=1&optimizer=sgd&lr=0.02&samples=400&stepsPerFrame=4');
    await clickButton(page, 'play');
    await waitForApp(page, (app) => app.snapshot !== null && app.step > 20, undefined, { timeout: 60_000, polling: 50 });
    const input = page.locator('.lil-controller', { hasText: 'learning rate' }).locator('input').last();
    await input.fill('10');
    await input.press('Enter');
    await waitForApp(page, (app) => app.diverged, undefined, { timeout: 60_000, polling: 50 });
    const alert = page.getByRole('alert');
    // The views refresh while training goes on: the parameters read back may be the first to show it.
    expect(await alert.textContent()).toMatch(
      /Training paused: .*(loss stopped being a finite number \((NaN|Infinity|-Infinity)\)|parameters stopped being finite numbers) at step \d+\. Likely cause: the learning rate 10 is high for SGD/,
    );
    const s = await state(page);
    expect(s.running).toBe(false);
    expect(s.history.gpu.every((m) => Number.isFinite(m.loss))).toBe(true);
    expect(await page.getByRole('status').textContent()).not.toMatch(/NaN|Infinity/);
    const snapshotStep = (await state(page)).snapshot!.gpuStep!;
    // Restored as it was (rate 10 still), it goes wrong again from the same state: then only the safer rate is offered.
    await alert.getByRole('button', { name: `Restore step ${snapshotStep}`, exact: true }).click();
    await waitForApp(page, (app) => !app.diverged && /Restored/.test(document.getElementById('status')!.textContent!), undefined, { timeout: 30_000 });
    await clickButton(page, 'play');
    await waitForApp(page, (app) => app.diverged, undefined, { timeout: 60_000, polling: 50 });
    expect((await state(page)).snapshot!.gpuStep).toBe(snapshotStep);
    expect(await alert.getByRole('button', { name: `Restore step ${snapshotStep}`, exact: true }).count()).toBe(0);
    await alert.getByRole('button', { name: `Restore step ${snapshotStep} with learning rate 1` }).click();
    await waitForApp(page, (app) => !app.diverged && /Restored/.test(document.getElementById('status')!.textContent!), undefined, { timeout: 30_000 });
    const restored = await state(page);
    expect(restored.step).toBe(snapshotStep);
    expect(restored.settings.lr).toBe(1);
    expect(restored.optimizerInUse!.lr).toBe(1);
    expect(restored.history.gpu.at(-1)!.step).toBeLessThan(snapshotStep);
    // The smoothed curve kept for the derivative comparison is cut back too.
    const curveEnd = (await state(page)).curveEnds.none!;
    expect(curveEnd).toBeLessThan(snapshotStep);
    const after = await trainFor(page, snapshotStep + 20);
    expect(after.history.gpu.filter((m) => m.step >= snapshotStep).every((m) => Number.isFinite(m.loss))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('gets a new device when the GPU is lost mid-training and carries on from the last snapshot', async () => {
    const { page } = await open('#dataset=xor&optimizer=adam&lr=0.02&stepsPerFrame=4');
    await clickButton(page, 'play');
    await waitForApp(page, (app) => app.snapshot !== null && app.step > 40, undefined, { timeout: 60_000, polling: 50 });
    const lostAt = await destroyDevice(page);
    await waitForApp(page, (app) => app.devicesLost === 1 && /new device was opened/.test(document.querySelector('[role=alert]')!.textContent!), undefined, {
      timeout: 60_000,
      polling: 50,
    });
    await waitForApp(page, (app, n) => (app.history.gpu.at(-1)?.step ?? 0) > n + 20, lostAt, { timeout: 60_000, polling: 50 });
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
    const { page } = await open('#dataset=xor&optimizer=adam&lr=0.02&stepsPerFrame=4', {
      init: () => {
        const requestDevice = GPUAdapter.prototype.requestDevice;
        let calls = 0;
        GPUAdapter.prototype.requestDevice = function (this: GPUAdapter, d?: GPUDeviceDescriptor) {
          return ++calls === 1 ? requestDevice.call(this, d) : Promise.reject(new Error('the GPU is gone for good'));
        };
      },
    });
    await clickButton(page, 'play');
    await waitForApp(page, (app) => app.snapshot !== null, undefined, { timeout: 60_000, polling: 50 });
    await destroyDevice(page);
    await page.waitForFunction(() => /CPU engine/.test(document.querySelector('[role=alert]')?.textContent ?? ''), null, { timeout: 60_000, polling: 50 });
    expect(await page.getByRole('alert').textContent()).toMatch(
      /GPU device was lost.*no new device could be opened \(.*the GPU is gone for good\).*CPU engine.*continues from step \d+/,
    );
    await waitForApp(page, (app) => app.history.cpu.length > 20, undefined, { timeout: 60_000, polling: 50 });
    const s = await state(page);
    expect(s.settings.engine).toBe('cpu');
    expect(s.running).toBe(true);
    expect(s.history.cpu.every((m) => Number.isFinite(m.loss))).toBe(true);
    await clickButton(page, 'pause');
    // Asking for the GPU again tries for a device again; none comes, so the CPU engine stays.
    await page.locator('.lil-controller', { hasText: 'engine' }).locator('select').selectOption('GPU');
    await page.waitForFunction(() => /No WebGPU device could be opened/.test(document.querySelector('[role=alert]')?.textContent ?? ''), null, {
      timeout: 30_000,
    });
    expect((await state(page)).settings.engine).toBe('cpu');
    await page.close();
  });

  it('refuses sizes over the GPU limits with a message and keeps the current run', async () => {
    const { page } = await open('#dataset=spiral&hidden=32&batch=512&samples=1000&optimizer=sgd&lr=0.1', { init: pretendSmallGpu });
    const before = await trainFor(page, 10);
    const hidden = page.locator('.lil-controller', { hasText: 'hidden layers' }).locator('input').last();
    await hidden.fill('4096');
    await hidden.press('Enter');
    await page.waitForFunction(() => /Not applied/.test(document.querySelector('[role=alert]')?.textContent ?? ''), null, { timeout: 30_000 });
    expect(await page.getByRole('alert').textContent()).toMatch(
      /Not applied: the hidden activations of an evaluation chunk \(1000×4096\) needs 15\.6 MiB in one buffer, but this GPU allows 4\.0 MiB \(1 more buffer is too large too\).*current run goes on/,
    );
    const s = await state(page);
    expect(s.settings.hidden).toEqual([32]);
    expect(await hidden.inputValue()).toBe('32');
    expect(s.step).toBe(before.step);
    expect(await page.evaluate(() => location.hash)).not.toContain('hidden=4096');
    const after = await trainFor(page, before.step + 10);
    expect(after.history.gpu[0]!.step).toBe(0); // the same run went on
    await page.close();
  });

  it('keeps the live GPU buffers and the JS heap flat over rebuilds and training', async () => {
    const { page } = await open('#dataset=spiral&samples=20000&hidden=16&stepsPerFrame=8', { init: countGpuBuffers });
    // Settled: the same count twice, 300 ms apart (a refresh or a check still under way holds a few of its own); the last after 20 tries.
    const live = async () => {
      const count = () => page.evaluate(() => window.liveBuffers!());
      let last = await count();
      for (let i = 0; i < 20; i++) {
        await page.waitForTimeout(300);
        const now = await count();
        if (now === last) break;
        last = now;
      }
      return last;
    };
    const heapBytes = () => settledHeapBytes(page);
    await trainFor(page, 50);
    const baseline = await live();
    const heapBefore = await heapBytes();
    for (let i = 0; i < 30; i++) await rebuildWith(page, { hidden: i % 2 === 0 ? 48 : 16 });
    await trainFor(page, 200);
    // The model's and the data's buffers: as many as before the thirty rebuilds. The readback staging
    // buffers: a handful, whatever the rebuilds (a leak of one per rebuild would show).
    expect(await live()).toBe(baseline);
    expect(await page.evaluate(() => window.liveStaging!())).toBeLessThan(16);
    // Each rebuild makes a new 20,000-point data set (~0.5 MB with its test half): thirty kept would show.
    expect(await heapBytes()).toBeLessThan(heapBefore + 8 * 2 ** 20);
    await page.close();
  });
});
