// The MNIST files gzip-compressed at level 9 (55 MB to about 11 MB), for the page to download.
// Level 9 takes about 20 s of one core for the training images, and every build of the page (`npm
// run build`, the end-to-end tier's global setup) needs them: each is compressed once per process,
// and kept in the git-ignored build/mnist/ for the next, as long as it is newer than its source.
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { mnistDataDir } from '../data/mnist-node.ts';

const CACHE_DIR = fileURLToPath(new URL('../../build/mnist', import.meta.url));
const compressed = new Map<string, Promise<Buffer>>();

/** The gzip bytes of the MNIST file `file` (a name from MNIST_FILES). */
export function gzippedMnist(file: string): Promise<Buffer> {
  let bytes = compressed.get(file);
  if (!bytes) {
    bytes = readOrCompress(file);
    bytes.catch(() => compressed.delete(file)); // a failure is retried at the next request
    compressed.set(file, bytes);
  }
  return bytes;
}

async function readOrCompress(file: string): Promise<Buffer> {
  const source = join(mnistDataDir(), file);
  const cached = join(CACHE_DIR, `${file}.gz`);
  const cachedTime = await stat(cached).then(
    (s) => s.mtimeMs,
    () => -Infinity,
  );
  if (cachedTime >= (await stat(source)).mtimeMs) return readFile(cached);
  const bytes = await promisify(gzip)(await readFile(source), { level: 9 });
  // Written aside and renamed: builds running side by side never read half a file.
  await mkdir(CACHE_DIR, { recursive: true });
  const partial = `${cached}.${process.pid}.partial`;
  await writeFile(partial, bytes);
  await rename(partial, cached);
  return bytes;
}
