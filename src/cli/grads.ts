// `grads --case FILE.json`: loss and gradients of one batch computed by the WGSL kernels, printed as
// one JSON object, so anyone can check the kernels against numpy or PyTorch.
import { readFile } from 'node:fs/promises';
import { UserError } from '../base/errors';
import { GpuModel } from '../models/model';
import { buildNetwork, type ModelSpec } from '../models/build';
import { activationField } from '../reference/mlp';
import { DEFAULT_OPTIMIZER } from '../reference/optimizer';
import { parseCase, toNested } from './case-file';
import type { CliIo } from './io';

export async function gradsCommand(flags: Record<string, unknown>, io: CliIo): Promise<void> {
  const file = flags.case;
  if (typeof file !== 'string') throw new UserError('grads needs --case FILE.json');
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  const c = parseCase(text, file);
  const spec: ModelSpec =
    c.model === 'mlp'
      ? { kind: 'mlp', shape: { D: c.D, hidden: c.hidden, C: c.C, ...activationField(c.activation) } }
      : { kind: 'autoencoder', shape: { n: c.n, m: c.m } };
  const ctx = await io.gpu();
  const { device } = ctx;
  const model = await GpuModel.create(device, await buildNetwork(device, spec), { batch: c.B, optimizer: DEFAULT_OPTIMIZER });
  model.setParams(c.tensors);
  const labels = c.model === 'mlp' ? c.labels : new Uint32Array(c.B);
  const { loss, grads } = await model.gradients(c.X, labels);
  const out: Record<string, unknown> = {};
  for (const slot of model.network.layout.slots) out[slot.name] = toNested(grads[slot.name]!, slot.shape);
  io.out(`${JSON.stringify({ loss, grads: out })}\n`);
  model.destroy();
  io.release(ctx);
}
