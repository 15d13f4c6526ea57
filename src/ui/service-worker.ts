/// <reference types="vite-plugin-pwa/client" />
// The page's side of the service worker (src/sw.ts, in the build only: in the dev server
// virtual:pwa-register registers nothing). It says when the site is saved for offline use, announces a
// new version with a reload button instead of mixing old and new files, and, on a host that sends no
// isolation headers, reloads once when the worker first takes the page, which then comes back
// cross-origin isolated (the worker adds the headers).
import { registerSW } from 'virtual:pwa-register';
import type { MessageAction } from './recovery';

/** What the service worker's messages need of the app (src/ui/app.ts). */
export interface ServiceWorkerHost {
  message(text: string, actions?: MessageAction[]): void;
  notice(text: string): void;
  readonly step: number;
  readonly running: boolean;
}

/** Set in sessionStorage before the reload for isolation: one per tab, so that a browser that does not isolate this way is not reloaded again and again. */
const RELOADED_FOR_ISOLATION = 'webgpu-backprop/reloaded-for-isolation';

/** Registers the service worker once the page has loaded (see the file's header). */
export function registerServiceWorker(host: ServiceWorkerHost): void {
  if (!('serviceWorker' in navigator)) return;
  // null on a first visit, and after a reload that bypasses the worker (Shift+reload).
  const controlledAtStart = navigator.serviceWorker.controller !== null;
  const update = registerSW({
    onOfflineReady: () => host.notice('Saved for offline use: this page now opens and trains without a network.'),
    onNeedRefresh: () => host.message('A new version is ready: reload to update.', [{ label: 'reload', run: () => takeUpdate() }]),
    // The reload once the new version has taken over is takeUpdate's: workbox-window's own reloads
    // only a page that was controlled when it loaded, not one whose visit installed the first version.
    onNeedReload: () => undefined,
    // Refused (storage off, a browser or test that blocks workers): the page works as it is, online.
    onRegisterError: () => undefined,
  });
  let updating = false;
  const takeUpdate = () => {
    updating = true;
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
    void update();
  };
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!updating && !controlledAtStart && globalThis.crossOriginIsolated === false) reloadForIsolation(host);
  });
}

/** Reloads now if nothing has been trained yet; else offers the reload, which starts the run again from its link. */
function reloadForIsolation(host: ServiceWorkerHost): void {
  try {
    if (sessionStorage.getItem(RELOADED_FOR_ISOLATION) !== null) return;
    sessionStorage.setItem(RELOADED_FOR_ISOLATION, String(Date.now()));
  } catch {
    return; // no sessionStorage: no guard against a loop, so no reload
  }
  if (host.step === 0 && !host.running) location.reload();
  else {
    host.message('The page can now use every core for the CPU engine: reload to get them (the run starts again from its link).', [
      { label: 'reload', run: () => location.reload() },
    ]);
  }
}
