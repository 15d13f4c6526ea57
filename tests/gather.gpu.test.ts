// The batch gather: rows of the resident data set in the order of the epoch permutation,
// starting at the cursor held in the training state.
import { describe, expect, it } from 'vitest';
import { readBytes } from '../src/gpu/buffers';
import { encodeDispatches } from '../src/gpu/kernel';
import { Gather } from '../src/kernels/gather';
import { gpuDevice, poisoned, randomArray, readFloats, Rng, storageBuffer } from './gpu-context';

describe('gather kernel', () => {
  it('copies rows perm[cursor..cursor+B) and their labels', async () => {
    const device = await gpuDevice();
    const [N, D, B, cursor] = [53, 11, 7, 21];
    const rng = new Rng(3);
    const data = randomArray(rng, N * D);
    const labels = Uint32Array.from({ length: N }, (_, i) => i * 3);
    const perm = rng.permutation(N);
    const batchX = poisoned(device, 'test/batchX', B * D);
    const batchLabels = storageBuffer(device, 'test/batchLabels', new Uint32Array(B).fill(0xffffffff));
    const d = (await Gather.create(device)).bind(
      'test',
      {
        data: storageBuffer(device, 'test/data', data),
        labels: storageBuffer(device, 'test/labels', labels),
        perm: storageBuffer(device, 'test/perm', perm),
        state: storageBuffer(device, 'test/state', new Uint32Array([0, cursor, 0, 0])),
        batchX,
        batchLabels,
      },
      B,
      D,
    );
    const encoder = device.createCommandEncoder();
    encodeDispatches(encoder, [d], 'test');
    device.queue.submit([encoder.finish()]);
    const gotX = await readFloats(device, batchX);
    const gotLabels = new Uint32Array(await readBytes(device, batchLabels));
    for (let i = 0; i < B; i++) {
      const row = perm[cursor + i]!;
      expect(Array.from(gotX.subarray(i * D, (i + 1) * D))).toEqual(Array.from(data.subarray(row * D, (row + 1) * D)));
      expect(gotLabels[i]).toBe(labels[row]);
    }
  });
});
