// Saving a run to the user's disk: the checkpoint as one .json file, or its tensors as an .npz
// (a zip of one .npy per tensor, which numpy.load opens as a dict), offered as a download.
import { zipSync } from 'fflate';
import type { Checkpoint } from '../train/checkpoint-format';
import { checkpointNpyFiles, serializeCheckpoint } from '../train/checkpoint-file';

export type RunFileFormat = 'json' | 'npz';

/** The file a checkpoint is saved as, in the given format. */
export function checkpointFile(cp: Checkpoint, format: RunFileFormat, baseName: string): File {
  if (format === 'json') return new File([serializeCheckpoint(cp)], `${baseName}.json`, { type: 'application/json' });
  const entries = Object.fromEntries(checkpointNpyFiles(cp).map((f) => [f.fileName, f.bytes]));
  // Stored, not deflated: numpy reads both, and the tensors hardly compress.
  const zip = zipSync(entries, { level: 0 });
  return new File([zip], `${baseName}.npz`, { type: 'application/zip' });
}

/** Offers `file` as a download (no server involved: an object URL, revoked afterwards). */
export function download(file: File): void {
  const url = URL.createObjectURL(file);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
