// A data set resident on the GPU: uploaded once, then batches are gathered on the device,
// so a training step reads nothing from the host.
import { holdsBytes, type Dataset } from '../data/dataset';
import { storageBuffer } from './buffers';
import { checkBufferFits } from './device';

/** The GPU copy of a Dataset: X [N, D] float32 (or bytes packed four to a word) and labels [N] u32. */
export interface DeviceDataset {
  name: string;
  X: GPUBuffer;
  /** Whether X holds byte features (a quarter of the memory; the gather scales them). */
  bytes: boolean;
  labels: GPUBuffer;
  N: number;
  D: number;
  classes: number;
  destroy(): void;
}

/** Uploads a data set; throws a UserError when it exceeds the device's buffer limits. */
export function uploadDataset(device: GPUDevice, ds: Dataset): DeviceDataset {
  checkBufferFits(device, ds.X.byteLength, `the data set ${ds.name} (${ds.N}×${ds.D})`);
  const X = storageBuffer(device, `data/${ds.name}/X`, ds.X);
  const labels = storageBuffer(device, `data/${ds.name}/labels`, ds.labels);
  return {
    name: ds.name,
    X,
    bytes: holdsBytes(ds.X),
    labels,
    N: ds.N,
    D: ds.D,
    classes: ds.classes,
    destroy() {
      X.destroy();
      labels.destroy();
    },
  };
}
