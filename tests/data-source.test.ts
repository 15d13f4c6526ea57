// The page's data source (src/ui/data-source.ts) around MNIST's download, with fetchMnist replaced
// by downloads this test ends: one download however many ask, its watcher told of its end once
// (however it ends), and a failed one tried again by the next call.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataSplit } from '../src/data/dataset';
import type { LoadProgress } from '../src/ui/mnist-fetch';
import { DEFAULTS } from '../src/ui/settings';

interface Pending {
  progress: LoadProgress | undefined;
  resolve: (d: DataSplit) => void;
  reject: (e: Error) => void;
}
const downloads: Pending[] = [];

vi.mock('../src/ui/mnist-fetch', () => ({
  fetchMnist: (progress?: LoadProgress) =>
    new Promise<DataSplit>((resolve, reject) => {
      downloads.push({ progress, resolve, reject });
    }),
}));

const mnist = { ...DEFAULTS, dataset: 'mnist' as const };
const split = { train: { name: 'mnist-train' } } as unknown as DataSplit;
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the page data source', () => {
  beforeEach(() => {
    downloads.length = 0;
    vi.resetModules();
  });

  it('downloads MNIST once for every caller, and tells its watcher the progress and the end once', async () => {
    const { loadPageData, watchMnistDownload } = await import('../src/ui/data-source');
    const heard: string[] = [];
    watchMnistDownload({ progress: (l, t) => heard.push(`${l}/${t}`), ended: () => heard.push('ended') });
    const first = loadPageData(mnist, null);
    const second = loadPageData(mnist, null);
    expect(downloads).toHaveLength(1);
    downloads[0]!.progress?.(3, 10);
    downloads[0]!.resolve(split);
    expect(await first).toBe(split);
    expect(await second).toBe(split);
    await settle();
    expect(heard).toEqual(['3/10', 'ended']);
    // Kept: a later call neither downloads nor ends again.
    expect(await loadPageData(mnist, null)).toBe(split);
    await settle();
    expect(downloads).toHaveLength(1);
    expect(heard).toEqual(['3/10', 'ended']);
  });

  it('ends a failed download for its watcher, drops its late progress, and the next call tries again', async () => {
    const { loadPageData, watchMnistDownload } = await import('../src/ui/data-source');
    let ended = 0;
    const heard: string[] = [];
    watchMnistDownload({ progress: (l, t) => heard.push(`${l}/${t}`), ended: () => ended++ });
    const failed = loadPageData(mnist, null);
    downloads[0]!.reject(new Error('could not load mnist/train-images-idx3-ubyte.gz: HTTP 404'));
    await expect(failed).rejects.toThrow('HTTP 404');
    await settle();
    expect(ended).toBe(1);
    // The failed download's other files may still stream in: their progress is not news.
    downloads[0]!.progress?.(5, 10);
    expect(heard).toEqual([]);
    const again = loadPageData(mnist, null);
    expect(downloads).toHaveLength(2);
    downloads[1]!.resolve(split);
    expect(await again).toBe(split);
    await settle();
    expect(ended).toBe(2);
  });

  it('ends the download for nobody once the watcher is gone', async () => {
    const { loadPageData, watchMnistDownload } = await import('../src/ui/data-source');
    const ended = vi.fn();
    watchMnistDownload({ progress: () => {}, ended });
    const loading = loadPageData(mnist, null);
    watchMnistDownload(null);
    downloads[0]!.resolve(split);
    await loading;
    await settle();
    expect(ended).not.toHaveBeenCalled();
  });

  it("draws a 2-D set's points from the data seed (0: the run's seed), the same from the same seed", async () => {
    const { loadPageData, newDataSeed } = await import('../src/ui/data-source');
    const spiral = { ...DEFAULTS, dataset: 'spiral' as const, seed: 3 };
    const points = async (dataSeed: number) => Array.from((await loadPageData({ ...spiral, dataSeed }, null)).train.X.slice(0, 8));
    expect(await points(0)).toEqual(await points(3));
    expect(await points(7)).toEqual(await points(7));
    expect(await points(7)).not.toEqual(await points(0));
    const seed = newDataSeed(7);
    expect(seed).not.toBe(7);
    expect(seed).toBeGreaterThan(0);
  });
});
