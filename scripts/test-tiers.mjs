// `npm test`'s three tiers side by side, in two streams of Vitest runs. On a 2-core machine each
// tier alone leaves a third of the cores idle (pages waiting on timers, a file's browser starting),
// and in one Vitest process the Node tiers share one worker: the unit files waited for every
// end-to-end file. Here one stream runs the end-to-end files, the other the GPU tier, the unit tier
// and then the end-to-end files of LATE_E2E, so that both streams end at about the same time. The
// site is built once, first, for both end-to-end runs (tests/app/global-setup.ts reads E2E_SITE).
//
// Each line is printed as it comes, prefixed with its stream. The exit status is the first failing
// run's; a failing run stops nothing else, so that every failure is reported, and each failed run's
// report is printed again at the end (failure-report.mjs). Options after `--` go
// to every Vitest run (--reporter …); to run some files, use a tier's own script (npm run test:unit …).
// Interrupted, it stops its runs and removes the site.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'vite';
import { failureReport } from './failure-report.mjs';

/**
 * End-to-end files the second stream runs after its own tiers: short ones, about 140 s of the
 * end-to-end tier's 440 s alone, which balance the streams (GPU and unit tiers: some 270 s beside the
 * end-to-end files). A new file runs in the first stream.
 */
const LATE_E2E = ['gpu-cpu', 'user-csv', 'math-views', 'panel', 'save-resume', 'deep-networks', 'autoencoder-views', 'derive', 'mistakes', 'diagram'].map(
  (name) => `tests/app/${name}.test.ts`,
);
/** The first stream's end-to-end files: every other one, named (Vitest's --exclude does not reach a project with an exclude of its own). */
const EARLY_E2E = readdirSync('tests/app')
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => `tests/app/${f}`)
  .filter((f) => !LATE_E2E.includes(f));

const extra = process.argv.slice(2).filter((a) => a !== '--');
const started = Date.now();
const seconds = () => Math.round((Date.now() - started) / 1000);

const children = new Set();
/** What each failed run said of its failures (failure-report.mjs), printed again at the end. */
const failedReports = [];

/** Runs one Vitest, its lines prefixed with `name`; resolves with its exit status. */
function vitest(name, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...args, ...extra], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}), ...env },
    });
    const report = failureReport();
    for (const [stream, input] of [
      ['stdout', child.stdout],
      ['stderr', child.stderr],
    ]) {
      createInterface({ input }).on('line', (line) => {
        process.stdout.write(`[${name}] ${line}\n`);
        report.add(line, stream);
      });
    }
    children.add(child);
    child.on('close', (code, signal) => {
      children.delete(child);
      const status = code ?? (signal ? 1 : 0);
      if (status !== 0) failedReports.push({ name, args: args.join(' '), status, lines: report.lines() });
      resolve(status);
    });
  });
}

/** Runs `runs` in turn (each after the one before, whatever its result); resolves with the first failure's status, or 0. */
async function stream(name, runs) {
  let status = 0;
  for (const run of runs) {
    const s = await run(); // each run whatever the one before did
    if (status === 0) status = s;
  }
  console.log(`[${name}] done at ${seconds()} s, exit ${status}`);
  return status;
}

const site = mkdtempSync(join(tmpdir(), 'app-e2e-site-'));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of children) child.kill(signal);
    rmSync(site, { recursive: true, force: true });
    process.exit(1);
  });
}
try {
  // The GPU tier needs no site: it starts while the site builds.
  const gpu = vitest('gpu+unit', ['--project', 'gpu', '--project', 'gpu-bench']);
  // A failed build fails the end-to-end runs, and the other tiers still run to the end.
  const built = build({ logLevel: 'error', build: { outDir: site, emptyOutDir: true } }).then(
    () => true,
    (error) => {
      console.error(`[e2e] the site did not build: ${error instanceof Error ? error.message : error}`);
      return false;
    },
  );
  const e2e = async (name, files) => ((await built) ? vitest(name, ['--project', 'e2e', ...files], { E2E_SITE: site }) : 1);
  const statuses = await Promise.all([
    stream('e2e', [() => e2e('e2e', EARLY_E2E)]),
    stream('gpu+unit', [() => gpu, () => vitest('gpu+unit', ['--project', 'unit']), () => e2e('gpu+unit', LATE_E2E)]),
  ]);
  process.exitCode = statuses.find((s) => s !== 0) ?? 0;
  for (const { name, args, status, lines } of failedReports) {
    console.log(`\n[${name}] ── failed, exit ${status}: vitest run ${args.length > 200 ? `${args.slice(0, 200)}…` : args} ──`);
    for (const line of lines) console.log(`[${name}] ${line}`);
  }
} finally {
  rmSync(site, { recursive: true, force: true });
}
