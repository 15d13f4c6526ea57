// `npm run screenshot`: the README's picture of the page training. Builds the page with Vite into a
// temporary folder, serves it with vite preview, opens it at 1280×800 in headless Chromium with
// WebGPU (the system browser, or CHROME_PATH; SwiftShader where there is no GPU), presses play,
// trains until a step count and saves the first screen (Chromium encodes it: no image package).
// Flags: --hash '#…' (the run), --steps N, --quality Q (0–100), --out FILE (.webp or .png), --size
// WxH (repeatable: one picture per window size, the size added to each file's name).
import { statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { servedPage } from './served-page.mjs';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    hash: { type: 'string', default: '#dataset=spiral&hidden=16,16' },
    steps: { type: 'string', default: '600' },
    quality: { type: 'string', default: '80' },
    out: { type: 'string', default: 'docs/screenshot.webp' },
    size: { type: 'string', multiple: true, default: ['1280x800'] },
  },
});
const format = values.out.endsWith('.png') ? 'png' : 'webp';
const sizes = values.size.map((s) => {
  const [width, height] = s.split('x').map(Number);
  if (!(width > 0 && height > 0)) throw new Error(`--size ${s}: expected WIDTHxHEIGHT`);
  return { width, height };
});
/** The file for one size: `out` itself when there is one size, else with the size before its extension. */
const fileFor = ({ width, height }) => (sizes.length === 1 ? values.out : values.out.replace(/(\.\w+)$/, `-${width}x${height}$1`));
const { origin, browser, close } = await servedPage('screenshot-page');
let code = 0;
try {
  for (const size of sizes) {
    const { width, height } = size;
    // No service worker: it would precache the whole site (MNIST too) while the run trains, and say so.
    const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1, serviceWorkers: 'block' });
    page.on('console', (m) => m.type() === 'error' && process.stderr.write(`page: ${m.text()}\n`));
    await page.goto(`${origin}/${values.hash}`);
    await page.waitForFunction(() => /Ready/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 90_000 });
    await page.getByRole('button', { name: 'play', exact: true }).click();
    await page.waitForFunction((n) => window.app.inspect().step >= n, Number(values.steps), { timeout: 180_000, polling: 250 });
    await page.mouse.move(width - 1, height - 1); // no hover highlight in the picture
    await page.waitForTimeout(1000); // a refresh of the views after those steps
    const step = await page.evaluate(() => window.app.inspect().step);
    const cdp = await page.context().newCDPSession(page);
    const { data } = await cdp.send('Page.captureScreenshot', { format, ...(format === 'webp' ? { quality: Number(values.quality) } : {}) });
    const out = fileFor(size);
    writeFileSync(out, Buffer.from(data, 'base64'));
    process.stdout.write(`${out}: ${width}×${height}, ${Math.round(statSync(out).size / 1024)} KB, at step ${step}\n`);
    await page.close();
  }
} catch (error) {
  process.stderr.write(`error: ${error.message}\n`);
  code = 1;
} finally {
  await close();
}
process.exit(code);
