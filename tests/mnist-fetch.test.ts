// The page's MNIST download (src/ui/mnist-fetch.ts), with fetch answered here from the package's
// files gzipped by zlib: the sets it builds match the Node loader's, and its progress over the four
// files only grows and ends at its total, with the server's Content-Length or without, or from a host
// that sends them as a Content-Encoding.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MNIST_FILES } from '../src/data/mnist';
import { mnistDataDir } from '../src/data/mnist-node';
import { fetchMnist } from '../src/ui/mnist-fetch';

/** Each file's bytes, as stored and gzipped, by the URL the page asks for. */
const raw = new Map<string, Uint8Array>();
const gzipped = new Map<string, Uint8Array>();

beforeAll(async () => {
  for (const file of Object.values(MNIST_FILES)) {
    const bytes = await readFile(join(mnistDataDir(), file));
    raw.set(`/mnist/${file}.gz`, bytes);
    gzipped.set(`/mnist/${file}.gz`, gzipSync(bytes, { level: 1 }));
  }
});

afterEach(() => {
  vi.unstubAllGlobals();
});

type Host = 'Content-Length' | 'no Content-Length' | 'Content-Encoding' | 'Content-Encoding: identity';

/**
 * Answers fetch from `gzipped` in 64 KiB chunks, with a Content-Length or without; or as a host that
 * sends the files as a Content-Encoding would reach the page: decompressed, with the gzip's length;
 * or one that names an encoding but sends the .gz as it is.
 */
function serve(host: Host): void {
  vi.stubGlobal('fetch', async (url: string) => {
    const compressed = gzipped.get(url);
    if (!compressed) return new Response(null, { status: 404 });
    const bytes = host === 'Content-Encoding' ? raw.get(url)! : compressed;
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, (at += 65_536)));
      },
    });
    const headers: Record<string, string> = host === 'no Content-Length' ? {} : { 'Content-Length': String(compressed.length) };
    if (host === 'Content-Encoding') headers['Content-Encoding'] = 'gzip';
    if (host === 'Content-Encoding: identity') headers['Content-Encoding'] = 'identity';
    return new Response(body, { headers });
  });
}

const compressedBytes = () => [...gzipped.values()].reduce((a, b) => a + b.length, 0);

describe("the page's MNIST download", () => {
  it.each<Host>(['Content-Length', 'no Content-Length', 'Content-Encoding', 'Content-Encoding: identity'])(
    'builds the sets and reports growing progress to its total (%s)',
    async (host) => {
      serve(host);
      const reports: Array<[number, number]> = [];
      const { train, test } = await fetchMnist((loaded, total) => reports.push([loaded, total]));
      expect(train).toMatchObject({ name: 'mnist/train', N: 60000, D: 784 });
      expect(test).toMatchObject({ name: 'mnist/test', N: 10000, D: 784 });
      expect(reports[0]![0]).toBe(0);
      expect(reports[0]![1]).toBeGreaterThan(10e6); // a total from the first report, before any header
      expect(reports.every(([loaded, total], i) => loaded <= total && (i === 0 || loaded >= reports[i - 1]![0]))).toBe(true);
      expect(reports.at(-1)).toEqual([compressedBytes(), compressedBytes()]);
    },
  );

  it('names the file a server does not have', async () => {
    serve('Content-Length');
    gzipped.delete(`/mnist/${MNIST_FILES.testLabels}.gz`);
    await expect(fetchMnist()).rejects.toThrow(`could not load mnist/${MNIST_FILES.testLabels}.gz: HTTP 404`);
  });
});
