// What a model on the GPU will need, computed before anything is allocated, so that a size the
// adapter cannot hold is refused with a message while the current run keeps going.
import { UserError } from '../base/errors';
import { EVAL_ROWS } from './model';
import { ParamLayout } from './params';
import { specTensorShapes, type ModelSpec } from './build';

/** One buffer (or binding) the model will create, and its size. */
export interface BufferNeed {
  what: string;
  byteLength: number;
}

/** The limits that decide whether a model fits (a GPUSupportedLimits has them all). */
export type FootprintLimits = Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize' | 'minStorageBufferOffsetAlignment'>;

/**
 * Every large buffer a GpuModel with `batch` rows per step allocates for `spec`, with its training
 * set of `trainRows` rows and optionally a test set, of `featureBytes` bytes per feature (4 for
 * float32, 1 for bytes): each must fit in one storage binding.
 */
export function modelBuffers(spec: ModelSpec, batch: number, trainRows: number, testRows: number, alignBytes: number, featureBytes: 1 | 4 = 4): BufferNeed[] {
  const f = 4;
  const paramBytes = new ParamLayout(specTensorShapes(spec), alignBytes).total * f;
  const [D, hidden, out] =
    spec.kind === 'mlp'
      ? [spec.shape.D, Math.max(...spec.shape.hidden), spec.shape.C] // the widest layer: each layer's buffers are their own
      : [spec.shape.n, spec.shape.m, spec.shape.n];
  const needs: BufferNeed[] = [
    { what: 'the parameters (and each of their gradients and optimizer moments)', byteLength: paramBytes },
    { what: `a batch of inputs (${batch}×${D})`, byteLength: batch * D * f },
    { what: `the hidden activations of a batch (${batch}×${hidden})`, byteLength: batch * hidden * f },
    { what: `the outputs of a batch (${batch}×${out})`, byteLength: batch * out * f },
    { what: `the per-row loss of a batch (${batch}×2)`, byteLength: batch * 2 * f },
  ];
  // Either set may be evaluated (the page evaluates the test set, the CLI both), in chunks of rows.
  for (const [name, rows] of [
    ['training', trainRows],
    ['test', testRows],
  ] as const) {
    if (rows === 0) continue;
    const chunk = Math.min(rows, EVAL_ROWS);
    needs.push(
      { what: `the ${name} set (${rows}×${D})`, byteLength: Math.ceil((rows * D * featureBytes) / 4) * 4 },
      { what: `an evaluation chunk of the ${name} set (${chunk}×${D})`, byteLength: chunk * D * f },
      { what: `the per-row loss of the ${name} set (${rows}×2)`, byteLength: rows * 2 * f },
      { what: `the hidden activations of an evaluation chunk (${chunk}×${hidden})`, byteLength: chunk * hidden * f },
    );
  }
  if (testRows > 0) needs.push({ what: `the test set's outputs (${testRows}×${out})`, byteLength: testRows * out * f });
  return needs;
}

/** Throws a UserError naming the largest buffer that does not fit the limits, with what to change. */
export function checkFootprint(limits: FootprintLimits, needs: BufferNeed[]): void {
  const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const tooBig = needs.filter((n) => n.byteLength > limit).sort((a, b) => b.byteLength - a.byteLength);
  const worst = tooBig[0];
  if (!worst) return;
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  throw new UserError(
    `${worst.what} needs ${mib(worst.byteLength)} in one buffer, but this GPU allows ${mib(limit)}` +
      (tooBig.length === 2 ? ' (1 more buffer is too large too)' : tooBig.length > 2 ? ` (${tooBig.length - 1} more buffers are too large too)` : '') +
      '; choose a smaller batch, hidden or code size, or a smaller data set',
  );
}
