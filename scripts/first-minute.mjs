// `npm run first-minute`: what a user waits for on the default page, timed in headless Chromium
// (the system browser, or CHROME_PATH; SwiftShader where there is no GPU) against the built site.
// For each of --runs fresh page loads: navigation to "Ready", then play to the first test accuracy
// ≥ --target (95% by default), with the steps per second over that time. A benchmark to run with
// nothing else on the machine, not a timed test. Flags: --hash '#…', --runs N, --target 0.95,
// --limit S (seconds of training before giving up).
import { parseArgs } from 'node:util';
import { servedPage } from './served-page.mjs';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    hash: { type: 'string', default: '' },
    runs: { type: 'string', default: '3' },
    target: { type: 'string', default: '0.95' },
    limit: { type: 'string', default: '60' },
  },
});
const target = Number(values.target);
const limitMs = Number(values.limit) * 1000;
const { origin, browser, close } = await servedPage('first-minute');
let code = 0;
try {
  for (let run = 1; run <= Number(values.runs); run++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
    page.on('pageerror', (e) => process.stderr.write(`page: ${e}\n`));
    const t0 = Date.now();
    await page.goto(`${origin}/${values.hash}`);
    await page.waitForFunction(() => /Ready/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 120_000, polling: 20 });
    const readyMs = Date.now() - t0;
    const startStep = await page.evaluate(() => window.app.inspect?.().step ?? window.app.step);
    await page.getByRole('button', { name: 'play', exact: true }).click();
    const t1 = Date.now();
    // The first evaluation at or above the target, by the page's own clock of test evaluations.
    let reachedMs = null;
    let best = 0;
    let step = startStep;
    while (Date.now() - t1 < limitMs) {
      const s = await page.evaluate(() => {
        const app = window.app;
        const st = app.inspect ? app.inspect() : { step: app.step, evals: app.evals };
        return { step: st.step, acc: st.evals.map((e) => e.testAccuracy ?? 0) };
      });
      step = s.step;
      best = Math.max(best, ...s.acc, 0);
      if (best >= target) {
        reachedMs = Date.now() - t1;
        break;
      }
      await page.waitForTimeout(50);
    }
    const seconds = (Date.now() - t1) / 1000;
    const rate = (step - startStep) / seconds;
    process.stdout.write(
      `run ${run}: Ready ${(readyMs / 1000).toFixed(2)} s; ` +
        (reachedMs === null
          ? `test accuracy ${(best * 100).toFixed(1)}% at ${values.limit} s (below target)`
          : `≥ ${target * 100}% test accuracy ${(reachedMs / 1000).toFixed(1)} s after play`) +
        `; ${Math.round(rate)} steps/s over that time (step ${step})\n`,
    );
    await page.close();
  }
} catch (error) {
  process.stderr.write(`error: ${error.message}\n`);
  code = 1;
} finally {
  await close();
}
process.exit(code);
