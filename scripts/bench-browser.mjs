// `npm run bench`: builds the benchmark page (bench.html) with Vite, serves it, opens it in headless
// Chromium with WebGPU (the system browser, or CHROME_PATH; SwiftShader where there is no GPU) and
// prints the page's report: a table, or with --json the one JSON object. Flags as `cli bench`:
// --batch 32,128 --hidden 64,512 --rounds N --warmup N --phases --json, and --impl among gpu, cpu,
// tfjs-webgpu, tfjs-wasm, jax-wasm, jax-webgpu (all of them when left out; the CLI runs the first three)
import { parseArgs } from 'node:util';
import { servedPage } from './served-page.mjs';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    batch: { type: 'string' },
    hidden: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    impl: { type: 'string' },
    phases: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '600' },
  },
});
const { origin, browser, close } = await servedPage('bench-page', { input: { bench: 'bench.html' } });
let code = 0;
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && process.stderr.write(`page: ${m.text()}\n`));
  let lastStatus = '';
  // Flags left out take the page's defaults (BENCH_DEFAULTS in src/bench/types.ts).
  const query = new URLSearchParams({ phases: values.phases ? '1' : '0' });
  for (const name of ['batch', 'hidden', 'rounds', 'warmup', 'impl']) if (values[name] !== undefined) query.set(name, values[name]);
  await page.goto(`${origin}/bench.html?${query}`);
  const deadline = Date.now() + Number(values.timeout) * 1000;
  for (;;) {
    const state = await page.evaluate(() => {
      const w = window;
      return {
        report: w.benchReport ?? null,
        table: w.benchTable ?? '',
        error: w.benchError ?? null,
        status: document.getElementById('status')?.textContent ?? '',
      };
    });
    if (state.status !== lastStatus) process.stderr.write(`${(lastStatus = state.status)}\n`);
    if (state.error) throw new Error(state.error);
    if (state.report) {
      process.stdout.write(values.json ? `${JSON.stringify(state.report)}\n` : `${state.table}\n`);
      break;
    }
    if (Date.now() > deadline) throw new Error(`no report after ${values.timeout} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
} catch (error) {
  process.stderr.write(`error: ${error.message}\n`);
  code = 1;
} finally {
  await close();
}
process.exit(code);
