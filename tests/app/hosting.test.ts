// The built app as a static site: it carries a Content-Security-Policy that allows only its own
// origin, its bundle has no eval or Function, and it works from any base path: the site built once for
// the end-to-end files (global-setup.ts), served here as it is by a tiny static server under
// /some/sub/path/ and loaded in headless Chromium, with every CSP violation, console error and
// request recorded.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/vite-plugins/content-security-policy';

const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const MOUNT = '/some/sub/path/';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};
declare global {
  interface Window {
    /** Every CSP violation the page reported, recorded by an init script. */
    cspViolations: string[];
    /** Set only if an injected inline script or a string timer ran (the policy must stop both). */
    inlineRan?: boolean;
    evalRan?: boolean;
  }
}

let outDir: string;
let server: Server;
let origin: string;
let browser: Browser;

/** Serves `root` under MOUNT only; anything else, or a path that leaves root, is a 404. */
function serveStatic(root: string): Server {
  return createServer(async (req, res) => {
    const path = decodeURIComponent((req.url ?? '').split(/[?#]/)[0]!);
    if (!path.startsWith(MOUNT)) return void res.writeHead(404).end();
    let file = normalize(join(root, path.slice(MOUNT.length)));
    if (!file.startsWith(root + sep) && file !== root) return void res.writeHead(404).end();
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const size = (await stat(file)).size;
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': size });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end();
    }
  });
}

beforeAll(async () => {
  outDir = inject('builtSite');
  server = serveStatic(outDir);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({
    executablePath: CHROME,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run', '--enable-unsafe-webgpu'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * Opens the app under the sub-path; records CSP violations (as events and console lines), errors and requests.
 * Its service worker is blocked unless asked for: it would add the isolation headers this host does not send.
 */
async function open(hash: string, { serviceWorkers = false } = {}) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, serviceWorkers: serviceWorkers ? 'allow' : 'block' });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => (m.type() === 'error' || /Content Security Policy/i.test(m.text())) && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.addInitScript(() => {
    const seen: string[] = (window.cspViolations = []);
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${origin}${MOUNT}${hash}`);
  await page.waitForFunction(() => /Ready/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 90_000 });
  return { page, errors, requests };
}

const violations = (page: Page) => page.evaluate(() => window.cspViolations);

describe('the built app as a static site', () => {
  it('has the Content-Security-Policy in its page, no inline script and only relative URLs', async () => {
    const html = await readFile(join(outDir, 'index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
    expect(meta?.[1]?.replaceAll('&#39;', "'")).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self' 'wasm-unsafe-eval' blob:(;|$)/); // WebAssembly, not JavaScript eval; blob: for peers' workers
    expect(CONTENT_SECURITY_POLICY).toMatch(/connect-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/(?<!wasm-)unsafe-eval|\*|https?:/);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // every script has a src
    expect(html).not.toMatch(/(src|href)="\/(?!\/)/); // nothing from the server's root
  });

  it('bundles no eval and no Function constructor', async () => {
    const scripts = (await filesUnder(outDir)).filter((f) => /\.(m?js|html)$/.test(f));
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts) {
      const text = await readFile(file, 'utf8');
      for (const pattern of [/\beval\s*\(/, /\bnew\s+Function\s*\(/, /(?<![\w$.])Function\s*\(\s*["'`]/, /\bsetTimeout\s*\(\s*["'`]/]) {
        const match = pattern.exec(text);
        expect(match && text.slice(Math.max(0, match.index - 60), match.index + 60), `${file}: ${pattern}`).toBeNull();
      }
    }
  });

  it('works where the host sends no isolation headers: not cross-origin isolated, and the CPU engine trains on one thread', async () => {
    const { page, errors } = await open('#dataset=xor&engine=cpu&stepsPerFrame=4');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await page.getByRole('button', { name: 'play', exact: true }).click();
    await page.waitForFunction(() => (window.app.inspect().step ?? 0) >= 20, null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'pause', exact: true }).click();
    expect(await page.getByRole('status').textContent()).toContain(' · CPU (float32, 1 thread: the page is not cross-origin isolated)');
    expect(await violations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('there, its service worker adds the isolation headers: after one reload of its own the page is cross-origin isolated and the CPU engine has every core', {
    timeout: 180_000,
  }, async () => {
    const { page, errors, requests } = await open('#dataset=xor&engine=cpu&stepsPerFrame=4', { serviceWorkers: true });
    // The worker takes the page once its precache is in; the page, not isolated and not yet trained, reloads itself.
    await page.waitForFunction(
      () => crossOriginIsolated && navigator.serviceWorker.controller !== null && /Ready/.test(document.getElementById('status')?.textContent ?? ''),
      null,
      {
        timeout: 90_000,
      },
    );
    expect(
      await page.evaluate(() => [
        (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).type,
        navigator.serviceWorker.controller!.scriptURL,
      ]),
    ).toEqual(['reload', `${origin}${MOUNT}sw.js`]);
    const cores = await page.evaluate(() => {
      document.body.dataset.mark = 'after the reload';
      return navigator.hardwareConcurrency;
    });
    await page.getByRole('button', { name: 'play', exact: true }).click();
    await page.waitForFunction(() => (window.app.inspect().step ?? 0) >= 20, null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'pause', exact: true }).click();
    expect(await page.getByRole('status').textContent()).toContain(cores > 1 ? ` · CPU (float32, ${cores} threads)` : ' · CPU (float32, 1 thread)');
    expect(await page.evaluate(() => document.body.dataset.mark)).toBe('after the reload'); // and no second one
    expect(await violations(page)).toEqual([]);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(`${origin}${MOUNT}`) && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  });

  it(`loads under ${MOUNT} to "Ready" and trains, with no CSP violation and nothing from another origin or path`, { timeout: 180_000 }, async () => {
    const { page, errors, requests } = await open('#dataset=xor&stepsPerFrame=4');
    await page.getByRole('button', { name: 'play', exact: true }).click();
    await page.waitForFunction(() => (window.app.inspect().step ?? 0) >= 20, null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'pause', exact: true }).click();
    expect(await violations(page)).toEqual([]);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(`${origin}${MOUNT}`) && !u.startsWith('data:'))).toEqual([]);
    // the policy is in force: an injected inline script and a string timer (eval) are refused and reported
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.head.append(script);
      (setTimeout as unknown as (code: string) => void)('window.evalRan = true');
    });
    await page.waitForFunction(() => window.cspViolations.length >= 2);
    expect(await page.evaluate(() => [window.inlineRan, window.evalRan])).toEqual([undefined, undefined]);
    expect((await violations(page)).join('\n')).toMatch(/script-src/);
    await page.close();
  });

  it(`loads MNIST from ${MOUNT}mnist/, gzip-compressed`, { timeout: 180_000 }, async () => {
    const { page, errors, requests } = await open('#dataset=mnist&hidden=16');
    expect(await page.getByRole('status').textContent()).toMatch(/mnist/i);
    expect(requests.filter((u) => u.includes('/mnist/'))).toEqual(
      expect.arrayContaining([`${origin}${MOUNT}mnist/train-images-idx3-ubyte.gz`, `${origin}${MOUNT}mnist/t10k-labels-idx1-ubyte.gz`]),
    );
    const sizes = await Promise.all((await readdir(join(outDir, 'mnist'))).map(async (f) => (await stat(join(outDir, 'mnist', f))).size));
    expect(sizes).toHaveLength(4);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(12e6); // 55 MB raw
    expect(await violations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
