// The batch gather: rows of the resident data set in the order of the epoch permutation,
// starting at the cursor held in the training state; byte features come out as the same float32
// values the CPU side computes (BYTE_VALUES), whatever the row's alignment in the packed words.
import { describe, expect, it } from 'vitest';
import { BYTE_VALUES, gatherRows, type Dataset } from '../src/data/dataset';
import { readBytes } from '../src/gpu/buffers';
import { uploadDataset } from '../src/gpu/dataset-buffers';
import { encodeDispatches } from '../src/gpu/kernel';
import { Gather } from '../src/kernels/gather';
import { gpuDevice, poisoned, randomArray, readFloats, Rng, storageBuffer } from './gpu-context';

async function gather(set: Dataset, perm: Uint32Array, cursor: number, B: number): Promise<{ X: Float32Array; labels: Uint32Array }> {
  const device = await gpuDevice();
  const resident = uploadDataset(device, set);
  const batchX = poisoned(device, 'test/batchX', B * set.D);
  const batchLabels = storageBuffer(device, 'test/batchLabels', new Uint32Array(B).fill(0xffffffff));
  const d = (await Gather.create(device)).bind(
    'test',
    {
      data: resident.X,
      labels: resident.labels,
      perm: storageBuffer(device, 'test/perm', perm),
      state: storageBuffer(device, 'test/state', new Uint32Array([0, cursor, 0, 0])),
      batchX,
      batchLabels,
    },
    B,
    set.D,
    resident.bytes,
  );
  const encoder = device.createCommandEncoder();
  encodeDispatches(encoder, [d], 'test');
  device.queue.submit([encoder.finish()]);
  const X = await readFloats(device, batchX);
  const labels = new Uint32Array(await readBytes(device, batchLabels));
  resident.destroy();
  return { X, labels };
}

describe('gather kernel', () => {
  for (const kind of ['float32', 'bytes'] as const) {
    // D = 11 and N·D odd: rows start at every offset within a packed word, and the last word is partial.
    it(`copies rows perm[cursor..cursor+B) and their labels (${kind} features)`, async () => {
      const [N, D, B, cursor] = [53, 11, 7, 21];
      const rng = new Rng(kind === 'bytes' ? 4 : 3);
      const X = kind === 'bytes' ? Uint8Array.from({ length: N * D }, () => rng.int(256)) : randomArray(rng, N * D);
      if (kind === 'bytes') X.set([0, 255, 1, 254], 0); // both ends of the range
      const set: Dataset = { name: `test-${kind}`, X, labels: Uint32Array.from({ length: N }, (_, i) => i * 3), N, D, classes: 1 };
      const perm = rng.permutation(N);
      // Row 0, with the extremes, goes into the batch.
      const at = perm.indexOf(0);
      [perm[at], perm[cursor + 2]] = [perm[cursor + 2]!, 0];
      const rows = perm.subarray(cursor, cursor + B);
      const got = await gather(set, perm, cursor, B);
      expect(Array.from(got.X)).toEqual(Array.from(gatherRows(set, rows)));
      expect(Array.from(got.labels)).toEqual(Array.from(rows, (row) => set.labels[row]!));
      if (kind === 'bytes') {
        const first = rows.indexOf(0) * D;
        expect(Array.from(got.X.subarray(first, first + 4))).toEqual([0, 1, BYTE_VALUES[1], BYTE_VALUES[254]]);
      }
    });
  }
});
