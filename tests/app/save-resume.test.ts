// End to end: a run saved to a file and resumed exactly, its tensors saved for numpy, and a run file
// from a future version refused.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clickButton, state, trainFor, useApp } from './harness';

const { open } = useApp();

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
});
