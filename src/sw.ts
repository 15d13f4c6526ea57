// The service worker of the built site (vite-plugin-pwa builds it into sw.js and writes the build's
// file list into self.__WB_MANIFEST): it precaches the whole site, MNIST included, so that the page
// loads and trains offline after one visit, and adds the cross-origin isolation headers to every
// same-origin response it serves, so that the CPU engine gets its threads on a host that cannot send them.
// A new version waits until the page asks it to take over (registerType 'prompt'; src/ui/service-worker.ts).
import { clientsClaim, type WorkboxPlugin } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { NetworkOnly } from 'workbox-strategies';

/** What this file uses of ServiceWorkerGlobalScope (the project's type check has the DOM's types, not a worker's). */
declare const self: {
  readonly __WB_MANIFEST: Array<PrecacheEntry | string>;
  readonly location: Location;
  skipWaiting(): Promise<void>;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
};

/** The headers that make a page cross-origin isolated; on a worker's script too, or a COEP page may not start it. */
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** The response with the isolation headers set; an opaque one (status 0) cannot be rewritten and stays as it is. */
function withIsolation(response: Response): Response {
  if (response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

const isolate: WorkboxPlugin = { handlerWillRespond: async ({ response }) => withIsolation(response) };

addPlugins([isolate]);
// Any query matches the cached file: the page keeps its settings in the hash, and a link with a query
// (?utm_…, ?v=2) still opens offline.
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/] });
cleanupOutdatedCaches();
// Whatever is not precached (nothing the page needs, as built) still gets the headers.
registerRoute(({ url }) => url.origin === self.location.origin, new NetworkOnly({ plugins: [isolate] }));

// The first version takes the page that installed it at once (its files are that page's own);
// a later one only when the page says so, after the user chose to reload.
clientsClaim();
self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
