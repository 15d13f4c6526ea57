// End to end: a user's CSV of more than two features, dropped on the page — the network diagram's
// headings keep their own colour whatever the nodes before them are filled with; the test share of
// its rows is held out, as the 2-D sets have a test set, so that its test accuracy shows.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { rebuildWith, state, trainFor, useApp, waitForApp } from './harness';

const { open } = useApp();

/** A labelled CSV of `features` columns and a class label (three classes), from a fixed formula. */
function csv(rows: number, features: number): string {
  const header = [...Array.from({ length: features }, (_, j) => `f${j + 1}`), 'label'].join(',');
  const lines = Array.from({ length: rows }, (_, i) => {
    const label = i % 3;
    const values = Array.from({ length: features }, (_, j) => (label - 1 + 0.3 * Math.sin(7 * i + 3 * j)).toFixed(3));
    return [...values, label].join(',');
  });
  return `${header}\n${lines.join('\n')}\n`;
}

/** Drops a file on the page as a user would, and waits for its run to be ready. */
async function drop(page: Page, name: string, text: string): Promise<void> {
  await page.evaluate(
    ([n, t]) => {
      const data = new DataTransfer();
      data.items.add(new File([t!], n!));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
    },
    [name, text],
  );
  await waitForApp(page, (app, n) => /Ready/.test(app.status) && app.status.includes(n), name, { timeout: 90_000 });
}

/**
 * Runs in the page: the darkest pixel of each column's heading band in the diagram's canvas, as
 * [r, g, b] — the headings' ink, as nothing else is drawn above the nodes.
 */
const headingInk = (columns: number) => {
  const canvas = document.querySelector<HTMLCanvasElement>('.view-network-diagram canvas')!;
  const ratio = canvas.width / Number.parseFloat(canvas.style.width);
  const band = Math.round(16 * ratio);
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, band);
  const span = canvas.width / columns;
  return Array.from({ length: columns }, (_, c) => {
    let darkest = [255, 255, 255];
    for (let y = 0; y < band; y++) {
      for (let x = Math.floor(c * span); x < Math.floor((c + 1) * span); x++) {
        const i = 4 * (y * canvas.width + x);
        if (data[i]! + data[i + 1]! + data[i + 2]! < darkest[0]! + darkest[1]! + darkest[2]!) darkest = [data[i]!, data[i + 1]!, data[i + 2]!];
      }
    }
    return darkest;
  });
};

describe('a user’s CSV of more than two features', () => {
  it('draws every heading of the diagram in the headings’ grey, not in the last node’s colour', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('#hidden=5,4');
    await drop(page, 'four.csv', csv(90, 4));
    await trainFor(page, 5);
    // inputs, layer 1, layer 2, outputs: each heading's ink is a dark grey (#4b4f56, antialiased).
    const ink = await page.evaluate(headingInk, 4);
    for (const [c, [r, g, b]] of ink.entries()) {
      expect(Math.max(r!, g!, b!) - Math.min(r!, g!, b!), `column ${c}: rgb(${r}, ${g}, ${b})`).toBeLessThan(24);
      expect(r! + g! + b!, `column ${c}: rgb(${r}, ${g}, ${b})`).toBeLessThan(3 * 140);
    }
    expect(errors).toEqual([]);
  });

  it('holds out the test share of its rows, as the 2-D sets do, and shows their test accuracy', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('#hidden=8&batch=8');
    await drop(page, 'four.csv', csv(90, 4));
    expect((await state(page)).banners.notice).toBe('Loaded four.csv: 90 rows, 4 features, 3 classes; 20% of them held out for testing.');
    expect(await page.locator('.lil-controller', { hasText: 'test share' }).isVisible()).toBe(true);
    let s = await trainFor(page, 20);
    expect(s.trainFeatures).toBe(4);
    expect(s.evals.at(-1)?.testAccuracy).toEqual(expect.any(Number));
    expect(s.status).toMatch(/test accuracy \d+\.\d%/);
    // The same setting as the 2-D sets': half of the rows held out now, the step counted from 0 again.
    await rebuildWith(page, { testShare: 0.5 });
    s = await trainFor(page, 45);
    expect(s.evals.at(-1)?.testAccuracy).toEqual(expect.any(Number));
    expect(s.status).toMatch(/epoch [\d.]+/);
    // 45 training rows in batches of 8: 5 steps an epoch.
    expect(s.status).toContain(`epoch ${(s.step / 5).toFixed(2)}`);
    expect(errors).toEqual([]);
  });
});
