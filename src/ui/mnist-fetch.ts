// MNIST for the page: its four files fetched gzip-compressed from the page's own server (see
// src/vite-plugins/mnist-assets.ts) and decompressed here, with the download's progress in
// compressed bytes summed over the four.
import type { DataSplit } from '../data/dataset';
import { gunzip } from '../data/gunzip';
import { loadMnist, MNIST_FILES } from '../data/mnist';

/** A download's progress: bytes received so far, of `total` expected. */
export type LoadProgress = (loaded: number, total: number) => void;

/** The files' sizes compressed (gzip level 9), for a host that sends no Content-Length. */
const EXPECTED_BYTES: Record<string, number> = {
  [MNIST_FILES.trainImages]: 9_612_640,
  [MNIST_FILES.trainLabels]: 28_246,
  [MNIST_FILES.testImages]: 1_598_236,
  [MNIST_FILES.testLabels]: 4_210,
};

/** Fetches and decompresses the four MNIST files and builds the train and test sets. */
export function fetchMnist(onProgress?: LoadProgress): Promise<DataSplit> {
  const loaded = new Map<string, number>();
  const totals = new Map(Object.entries(EXPECTED_BYTES));
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  // The total never falls below what came: without a Content-Length, EXPECTED_BYTES is a guess.
  const report = () => onProgress?.(sum(loaded), Math.max(sum(totals), sum(loaded)));
  report();
  return loadMnist(async (file) => {
    const name = `mnist/${file}.gz`;
    const response = await fetch(`${import.meta.env.BASE_URL}${name}`);
    if (!response.ok || !response.body) throw new Error(`could not load ${name}: HTTP ${response.status}`);
    const length = Number(response.headers.get('Content-Length'));
    if (length > 0) totals.set(file, length);
    // A host that sends the file as a Content-Encoding has had the browser decompress it already;
    // its progress then comes whole, when it is in.
    // The body is gunzipped here unless it no longer starts with gzip's magic bytes (a host that said
    // Content-Encoding: identity, or gzipped the .gz again, still sends gzip to this code).
    const encoded = response.headers.has('Content-Encoding');
    const bytes = encoded
      ? await stillGzipped(new Uint8Array(await response.arrayBuffer()), name)
      : await gunzip(response.body, name, (n) => {
          loaded.set(file, (loaded.get(file) ?? 0) + n);
          report();
        });
    const size = (encoded ? totals.get(file) : loaded.get(file)) ?? 0;
    loaded.set(file, size);
    totals.set(file, size); // the file is in: no more to expect of it
    report();
    return bytes;
  });
}

/** `bytes` decompressed if they are (still) gzip, else as they are. */
async function stillGzipped(bytes: Uint8Array<ArrayBuffer>, name: string): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  return gunzip(new Blob([bytes]).stream(), name);
}
