// End to end: a run saved to a file and resumed exactly (its loss history and the status line's
// training loss too), its tensors saved for numpy, and run files refused (a future version, a step
// counter or weights that would poison training) with the run left as it was.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { clickButton, state, trainFor, useApp, waitForApp } from './harness';

const { open } = useApp();

/** Trains one step from `step` ("one step") and reads the status line's training loss, a mean of the last steps'. */
async function stepAndReadLoss(page: Page, step: number): Promise<string> {
  await clickButton(page, 'one step');
  const status = page.getByRole('status');
  await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(new RegExp(`^step ${step + 1} `));
  const loss = /training loss \(mean of 20 steps\) (\S+)/.exec((await status.textContent()) ?? '')?.[1];
  expect(loss).toMatch(/^\d/);
  return loss!;
}

describe('when things go wrong', () => {
  it('saves a run and resumes it exactly; saves the tensors for numpy; refuses a bad run file', async () => {
    const { page, errors } = await open('#dataset=xor&optimizer=adam&lr=0.02&stepsPerFrame=2&seed=3');
    const first = await trainFor(page, 20);
    const saving = page.waitForEvent('download');
    await clickButton(page, 'save run (.json');
    const saved = await saving;
    const runFile = join(tmpdir(), `run-${process.pid}.json`);
    await saved.saveAs(runFile);
    expect(saved.suggestedFilename()).toBe(`webgpu-backprop-mlp-step-${first.step}.json`);
    // The file keeps the loss history: every step before the one saved.
    const kept = JSON.parse(readFileSync(runFile, 'utf8')).history.gpu;
    expect(kept.step).toEqual(Array.from({ length: first.step }, (_, i) => i));
    const lossGoingOn = await stepAndReadLoss(page, first.step);
    const uninterrupted = await trainFor(page, first.step + 20);
    const npzSaving = page.waitForEvent('download');
    await clickButton(page, 'save tensors');
    const npz = readFileSync((await (await npzSaving).path())!);
    expect(npz.subarray(0, 2).toString()).toBe('PK');
    for (const name of ['gpu-params-W1.npy', 'gpu-m-b2.npy', 'gpu-v-W2.npy']) expect(npz.includes(Buffer.from(name))).toBe(true);

    const choosing = page.waitForEvent('filechooser');
    await clickButton(page, 'resume a saved run');
    await (await choosing).setFiles(runFile);
    await page.waitForFunction((n) => new RegExp(`continuing from step ${n}`).test(document.getElementById('notice')?.textContent ?? ''), first.step, {
      timeout: 60_000,
    });
    const loaded = await state(page);
    expect(loaded.step).toBe(first.step);
    // Its loss history is back, and the status line's training loss (a mean of the last steps) one
    // step on is the one the run showed one step on before it was saved.
    expect(loaded.history.gpu).toEqual(kept.step.map((step: number, i: number) => ({ step, loss: kept.loss[i], accuracy: kept.accuracy[i] })));
    expect(await stepAndReadLoss(page, first.step)).toBe(lossGoingOn);
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

  it('refuses, by name, a run file that would poison training, and leaves a paused run paused and a running one running', async () => {
    const { page, errors } = await open('#dataset=xor&optimizer=adam&lr=0.02&stepsPerFrame=2&seed=3');
    await trainFor(page, 10);
    const saving = page.waitForEvent('download');
    await clickButton(page, 'save run (.json');
    const good = JSON.parse(readFileSync((await (await saving).path())!, 'utf8'));
    const drop = (name: string, doc: unknown) =>
      page.evaluate(
        ([n, text]) => {
          const data = new DataTransfer();
          data.items.add(new File([text], n));
          window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
        },
        [name, JSON.stringify(doc)] as const,
      );
    const refused = async (name: string) => {
      await page.waitForFunction((n) => document.querySelector('[role=alert]')?.textContent?.includes(n), name, { timeout: 30_000 });
      const text = (await page.getByRole('alert').textContent()) ?? '';
      expect(text.split(name)).toHaveLength(2); // named once, not "Could not use x.json: x.json: …"
      return text;
    };
    // A step counter where the kernels' u32 would wrap, and Adam's 1 − β^t would be 0.
    const wrapped = structuredClone(good);
    wrapped.engines.gpu.step = 4294967295;
    wrapped.engines.gpu.optimizerStep = 4294967295;
    // Weights of 3e38: finite, but the first forward pass overflows.
    const huge = structuredClone(good);
    const w1 = Buffer.from(huge.engines.gpu.params.W1.data, 'base64');
    w1.writeFloatLE(3e38, 0);
    huge.engines.gpu.params.W1.data = w1.toString('base64');

    const paused = await state(page);
    await drop('wrapped.json', wrapped);
    expect(await refused('wrapped.json')).toMatch(
      /Could not use wrapped\.json: .*engines\.gpu\.step must be a whole number from 0 to 2147483647.*The current run is unchanged/,
    );
    await page.waitForTimeout(500);
    const after = await state(page);
    expect(after.running).toBe(false);
    expect(after.step).toBe(paused.step);
    expect(await page.getByRole('status').textContent()).toContain('paused');

    await clickButton(page, 'play');
    await drop('huge.json', huge);
    expect(await refused('huge.json')).toMatch(
      /Could not use huge\.json: .*params\.W1 element 0 is 3\.0000000\d*e\+38, beyond ±10000.*The current run is unchanged/,
    );
    const at = (await state(page)).step;
    await waitForApp(page, (app, n) => app.step > n + 20, at, { timeout: 30_000 });
    expect((await state(page)).running).toBe(true);
    await clickButton(page, 'pause');
    expect(errors).toEqual([]);
  });
});
