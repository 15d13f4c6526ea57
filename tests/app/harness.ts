// The end-to-end harness: the built app in headless Chromium (the system browser, WebGPU on
// SwiftShader where there is no GPU), driven as a user would. The site is built once for all the
// files (global-setup.ts); each story file calls useApp(), which serves its own copy of the build on
// an origin of its own, in browsers launched once for every file of the worker (the tier's files share
// their worker's modules). Screenshots of the main views go to screenshots/.
//
// The page's state is read in one place: readPageState() below, the only code that knows how the
// app names its fields. Tests read it with state(page) and wait on it with waitForApp(page, ...);
// nothing else reads window.app, and no test casts window.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type JSHandle, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';

const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
export const SHOTS = join(process.cwd(), 'screenshots');

export interface StepMetrics {
  step: number;
  loss: number;
}

export interface TestEval {
  engine: string;
  step: number;
  testLoss: number;
  testAccuracy?: number;
  /** A regression's RMSE and R² on the test set. */
  testRMSE?: number;
  testR2?: number;
}

export interface GradCheck {
  step: number;
  mistake: string;
  tensors: Record<string, { gpuVsReference: number | null; referenceVsFiniteDiff: number }>;
}

export interface PcaPoint {
  step: number;
  largestAngleDeg: number;
  orthoError: number;
  gap: number | null;
}

/**
 * What the tests use of the page's `window.app` (the App of src/ui/app.ts, set by src/main.ts): one
 * snapshot of its state, inspect(), and the few actions below. Written out here rather than
 * imported, so that the tests hold the app to what they read.
 */
export interface AppHandle {
  inspect(): PageState;
  readonly settings: Record<string, unknown>;
  readonly device: GPUDevice | null;
  rebuild(): Promise<void>;
  /** The leading engine's parameters now, by tensor; null with no run. */
  params(): Promise<Record<string, number[]> | null>;
}

declare global {
  interface Window {
    /** The app, for the end-to-end tests (src/main.ts). */
    app: AppHandle;
    /** Live GPU buffers, where a test's init script counts them. */
    liveBuffers?: () => number;
    liveStaging?: () => number;
    /** With --js-flags=--expose-gc (the WebGPU browser). */
    gc?: () => void;
  }
}

/** The page's state as the tests read it (App.inspect() in src/ui/app.ts): a copy taken at one moment. */
export interface PageState {
  step: number;
  running: boolean;
  /** Play was pressed during a build: the run starts when it is ready. */
  startsWhenReady: boolean;
  /** A session is being replaced. */
  building: boolean;
  /** The status line's own text. */
  status: string;
  /** The text of each banner that shows, or null. */
  banners: { message: string | null; notice: string | null };
  pcaBound: number | null;
  /** Each engine's kept metrics, oldest first: the GPU's, the float32 CPU engine's and the float64 reference's. */
  history: { gpu: readonly StepMetrics[]; cpu: readonly StepMetrics[]; reference: readonly StepMetrics[] };
  /** The test-set evaluations, oldest first. */
  evals: readonly TestEval[];
  settings: Record<string, unknown>;
  /** The settings the running session was built with; null before the first. */
  applied: Record<string, unknown> | null;
  optimizerInUse: { lr: number; kind: string } | null;
  /** The loss card's |GPU − CPU| chart as drawn: common steps and differences (null: exactly 0, left out); null unless both engines report. */
  lossDifference: { steps: readonly number[]; values: ReadonlyArray<number | null> } | null;
  /** What the loss charts run against: the step, or wall-clock seconds in a race. */
  lossAxis: 'step' | 'seconds';
  /** In a race: who reached 95% test accuracy first ("neither yet"); else null. */
  raceResult: string | null;
  /** The last gradient check, or null before the first. */
  gradCheck: GradCheck | null;
  /** The autoencoder's PCA angles over training, or null without the math views. */
  pcaHistory: readonly PcaPoint[] | null;
  /** The last healthy state of the run: the GPU engine's step in it; null before there is one. */
  snapshot: { gpuStep: number | null } | null;
  diverged: boolean;
  devicesLost: number;
  /** Features per sample of the training set in use; null with no session. */
  trainFeatures: number | null;
  /** The last step of each smoothed curve kept for the comparison, by mistake ('none': the correct run; 'derivation': the student's). */
  curveEnds: Record<string, number | undefined>;
  /** The student's derivation the run trains with (the derive card), or null for the built-in backward pass. */
  derivation: string | null;
}

/** Reads the page's state; it runs in the page (its source is sent there), so it uses nothing from this module. */
function readPageState(): PageState {
  return window.app.inspect();
}

/** The page's state now, as plain data. */
export async function state(page: Page): Promise<PageState> {
  return (await page.evaluate(`JSON.parse(JSON.stringify((${readPageState.toString()})()))`)) as PageState;
}

/**
 * Waits until `predicate` holds for the page's state. The predicate runs in the page (as with
 * page.waitForFunction): it may read the DOM, and takes what it needs from the test through `arg`,
 * not from its closure.
 */
export async function waitForApp<A = undefined>(
  page: Page,
  predicate: (app: PageState, arg: A) => unknown,
  arg?: A,
  options: { timeout?: number; polling?: number | 'raf' } = {},
): Promise<void> {
  // The page's CSP allows no eval, except within an evaluation Playwright makes: the predicate with
  // readPageState is made into a function there, once, and each poll calls it through its handle.
  const test = (await page.evaluateHandle(`(arg) => (${predicate.toString()})((${readPageState.toString()})(), arg)`)) as JSHandle<(arg: unknown) => unknown>;
  try {
    await page.waitForFunction(([t, a]) => t(a), [test, arg] as const, options);
  } finally {
    await test.dispose();
  }
}

/** The leading engine's parameters now, by tensor (as the next step starts from them). */
export async function params(page: Page): Promise<Record<string, number[]>> {
  const p = await page.evaluate(() => window.app.params());
  if (!p) throw new Error('no run');
  return p;
}

/** Sets `changes` in the app's settings and rebuilds the run, as the panel would. */
export async function rebuildWith(page: Page, changes: Record<string, unknown>): Promise<void> {
  await page.evaluate(async (c) => {
    Object.assign(window.app.settings, c);
    await window.app.rebuild();
  }, changes);
}

/** Destroys the page's GPU device, as a lost GPU would; returns the step it was lost at. */
export async function destroyDevice(page: Page): Promise<number> {
  return page.evaluate(() => {
    window.app.device!.destroy();
    return window.app.inspect().step;
  });
}

/** Clicks the button of that accessible name: the run bar's "play", "pause", "one step", "reset", or a panel button (by the start of its name). */
export async function clickButton(page: Page, name: string): Promise<void> {
  const exact = ['play', 'pause', 'one step', 'reset'].includes(name);
  await page.getByRole('button', { name, exact }).first().click();
}

/** Plays until `steps` steps have metrics, then pauses and waits for the last readback. */
export async function trainFor(page: Page, steps: number, timeout = 150_000): Promise<PageState> {
  await clickButton(page, 'play');
  await waitForApp(page, (app, n) => (app.history.gpu.at(-1)?.step ?? app.history.cpu.at(-1)?.step ?? app.history.reference.at(-1)?.step ?? -1) >= n, steps, {
    timeout,
    polling: 50,
  });
  await clickButton(page, 'pause');
  await page.waitForTimeout(500);
  return state(page);
}

/**
 * The page's JavaScript heap in bytes (typed arrays' contents included) after gc(). It still moves by
 * several MB with work in flight: the least of a few readings.
 */
export function settledHeapBytes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let least = Infinity;
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 150));
      window.gc!();
      least = Math.min(least, (performance as Performance & { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize);
    }
    return least;
  });
}

/** Distinct colours among a sample of the decision-boundary canvas's pixels (a blank canvas has one); runs in the page. */
export const boundaryColours = () => {
  const canvas = document.querySelector<HTMLCanvasElement>('.view-decision-boundary canvas');
  if (!canvas) return -1;
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  const colours = new Set<number>();
  for (let i = 0; i < data.length; i += 4 * 97) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
  return colours.size;
};

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export interface OpenOptions {
  /** false: a browser without WebGPU. */
  webgpu?: boolean;
  /** Runs in the page before the app does (to pretend a smaller GPU, or to count buffers). */
  init?: () => void;
  /** The window's size from the start (1280×800 by default). */
  viewport?: { width: number; height: number };
  /** true: the page may register its service worker (src/sw.ts). Blocked by default, so that a test sees the page as the network serves it. */
  serviceWorkers?: boolean;
  /** false: return as soon as the page has loaded, without waiting for "Ready". */
  waitForReady?: boolean;
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions, as they come. */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
  /** The preview server's origin, which the page is served from. */
  origin: string;
}

const ARGS = ['--no-sandbox', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'];
// gc() and precise heap sizes let the endurance test read a settled JS heap.
const WEBGPU_ARGS = [...ARGS, '--enable-unsafe-webgpu', '--js-flags=--expose-gc', '--enable-precise-memory-info'];

/**
 * The browsers, launched once per worker and kept for every file it runs (the tier's files share
 * their worker's modules): a launch costs some 1.4 s and 2.6 CPU-seconds. Each file serves the site
 * on an origin of its own, so that no storage, cache or service worker passes from file to file.
 * They go when the worker ends.
 */
const browsers = (() => {
  let profile: Promise<BrowserContext> | undefined;
  let webgpu: Promise<Browser> | undefined;
  let noGpu: Promise<Browser> | undefined;
  // A launch that failed, or a browser that crashed or was closed, is launched again when next asked for.
  const forgetProfile = () => (profile = undefined);
  const forgetWebgpu = () => (webgpu = undefined);
  const forgetNoGpu = () => (noGpu = undefined);
  const watched = <T>(launched: Promise<T>, watch: (t: T) => void, forget: () => void): Promise<T> => {
    launched.then(watch, forget);
    return launched;
  };
  const launch = (args: string[], forget: () => void) =>
    watched(chromium.launch({ executablePath: CHROME, args }), (b) => b.on('disconnected', forget), forget);
  return {
    // In the global setup's scratch folder, which it removes after the tier.
    profile: () =>
      (profile ??= watched(
        chromium.launchPersistentContext(mkdtempSync(join(inject('scratch'), 'profile-')), {
          executablePath: CHROME,
          args: WEBGPU_ARGS,
          viewport: { width: 1280, height: 800 },
          serviceWorkers: 'block',
        }),
        (c) => c.on('close', forgetProfile),
        forgetProfile,
      )),
    webgpu: () => (webgpu ??= launch(WEBGPU_ARGS, forgetWebgpu)),
    noGpu: () => (noGpu ??= launch(ARGS, forgetNoGpu)),
  };
})();

/**
 * Sets up the calling test file: before its tests, copies the site built once for every file
 * (global-setup.ts) and serves the copy, to the worker's browsers above (Chromium with WebGPU, one
 * without when a test asks for it); after each test, closes the pages it opened and takes back the permissions it
 * granted; after them all, stops its server.
 * Returns open(), which opens the app with a hash, records console errors and every request, and
 * waits for "Ready"; newContext(), a browser context of a test's own (no script, say) in the WebGPU
 * browser; and builtDir(), the folder of this file's copy, which the server serves as it is on disk:
 * a test may change it (offline.test.ts) without touching any other file's.
 *
 * The pages open in one browser profile, kept on disk while the worker runs: its WebGPU pipeline
 * cache (Dawn's) and code cache spare every page after the first most of SwiftShader's shader
 * compiles, about half of the time to "Ready" and of its CPU. Such a profile cannot let service
 * workers in for one page only, so a page that asks for them opens in a context of its own, as a
 * first visit.
 */
export function useApp(): {
  open: (hash: string, options?: OpenOptions) => Promise<OpenedPage>;
  newContext: (options: BrowserContextOptions) => Promise<BrowserContext>;
  builtDir: () => string;
} {
  let outDir: string | undefined;
  let server: PreviewServer | undefined;
  let origin = '';
  const pages = new Set<Page>();

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'app-e2e-'));
    cpSync(inject('builtSite'), outDir, { recursive: true });
    server = await preview({ logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
    origin = new URL(server.resolvedUrls!.local[0]!).origin;
    await browsers.profile(); // launched before the first test, not inside its time
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  // A test that fails before its page.close() would leave its page training in the background,
  // slowing every later test in the file: its pages are closed after it all the same.
  afterEach(async () => {
    for (const page of pages) await page.close();
    pages.clear();
    await (await browsers.profile()).clearPermissions(); // a clipboard grant holds for the profile, not the page
  });

  afterAll(async () => {
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  async function open(
    hash: string,
    { webgpu = true, init, viewport = { width: 1280, height: 800 }, serviceWorkers = false, waitForReady = true }: OpenOptions = {},
  ): Promise<OpenedPage> {
    let page: Page;
    if (webgpu && !serviceWorkers) {
      page = await (await browsers.profile()).newPage(); // the worker's profile, launched again if it crashed
      await page.setViewportSize(viewport);
    } else {
      const b = webgpu ? await browsers.webgpu() : await browsers.noGpu();
      page = await b.newPage({ viewport, serviceWorkers: serviceWorkers ? 'allow' : 'block' });
    }
    pages.add(page);
    if (init) await page.addInitScript(init);
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${origin}/${hash}`);
    if (waitForReady) await page.waitForFunction(() => /Ready/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 90_000 });
    return { page, errors, requests, origin };
  }

  const contexts = new Set<BrowserContext>();
  afterEach(async () => {
    for (const context of contexts) await context.close();
    contexts.clear();
  });
  async function newContext(options: BrowserContextOptions): Promise<BrowserContext> {
    const context = await (await browsers.webgpu()).newContext(options);
    contexts.add(context);
    return context;
  }

  return { open, newContext, builtDir: () => outDir! };
}
