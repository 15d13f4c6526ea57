// The page's gunzip: a download decompressed with DecompressionStream while its compressed bytes are
// counted, on gzip data made here by zlib and fed in uneven chunks; corrupt or cut data gives an
// error that names the file, and a failing download keeps its own error.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/base/rng';
import { gunzip } from '../src/data/gunzip';

/** Half seeded noise, half a repeated pattern: some of it compresses, some does not. */
function sample(bytes: number): Uint8Array {
  const rng = new Rng(16);
  return Uint8Array.from({ length: bytes }, (_, i) => (i < bytes / 2 ? rng.int(256) : i % 7));
}

/** `bytes` as a stream of chunks of 1 to 5,000 bytes; with `failAt`, it errors after that many. */
function streamOf(bytes: Uint8Array, failAt = Infinity): ReadableStream<Uint8Array<ArrayBuffer>> {
  const rng = new Rng(3);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= failAt) return controller.error(new Error('the network went away'));
      if (at >= bytes.length) return controller.close();
      const end = Math.min(bytes.length, at + 1 + rng.int(5000));
      controller.enqueue(bytes.slice(at, end));
      at = end;
    },
  });
}

describe('gunzip', () => {
  it('returns the original bytes, counting every compressed byte as it arrives', async () => {
    const original = sample(200_000);
    const compressed = gzipSync(original, { level: 9 });
    const seen: number[] = [];
    let count = 0;
    const bytes = await gunzip(streamOf(compressed), 'sample.gz', (n) => seen.push((count += n)));
    expect(Buffer.compare(bytes, original)).toBe(0);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.every((c, i) => i === 0 || c > seen[i - 1]!)).toBe(true);
    expect(seen.at(-1)).toBe(compressed.byteLength);
  });

  it('says which file is not gzip, or is corrupt, or is cut short', async () => {
    const compressed = gzipSync(sample(50_000));
    const corrupt = compressed.slice();
    corrupt[corrupt.length - 6]! ^= 0xff; // the trailer's CRC-32
    for (const bad of [new TextEncoder().encode('<!doctype html><p>not found</p>'), corrupt, compressed.subarray(0, compressed.length / 2)]) {
      await expect(gunzip(streamOf(bad), 'mnist/t10k-labels-idx1-ubyte.gz')).rejects.toThrow(
        /^mnist\/t10k-labels-idx1-ubyte\.gz is not valid gzip data \(.+\)$/,
      );
    }
  });

  it("rethrows a failing download's own error", async () => {
    const compressed = gzipSync(sample(50_000));
    await expect(gunzip(streamOf(compressed, 10_000), 'sample.gz')).rejects.toThrow(/^the network went away$/);
  });
});
