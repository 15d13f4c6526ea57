// `check`: the page's gradient check, headless, on a generated batch: per tensor, the WGSL kernels'
// gradient against the float64 reference, and the reference against central differences.
// --mistake NAME makes one of MATH.md's catalogue of backprop mistakes in both the kernels and the
// reference (--wrong-derivative is --mistake swish-prime).
import { swishDerivativeOf, wrongTensors, type Mistake } from '../reference/mistakes';
import type { ModelSpec } from '../models/build';
import { ACTIVATIONS } from '../reference/activations';
import { activationField, activationOf, MAX_HIDDEN_LAYERS } from '../reference/mlp';
import { checkGradients, generatedCase, verdict, type GradCheck } from '../train/grad-check';
import { choiceFlag, intFlag, intListFlag, mistakeFlag, numberFlag } from './flags';
import type { CliIo } from './io';

export async function checkCommand(flags: Record<string, unknown>, io: CliIo): Promise<void> {
  const kind = choiceFlag(flags, 'model', ['mlp', 'autoencoder'] as const, 'mlp');
  const seed = intFlag(flags, 'seed', 1, 0, 2 ** 32 - 1);
  const B = intFlag(flags, 'batch', 16, 1, 4096);
  const D = intFlag(flags, 'inputs', kind === 'mlp' ? 24 : 12, 1, 4096);
  const spec: ModelSpec =
    kind === 'mlp'
      ? {
          kind,
          shape: {
            D,
            hidden: intListFlag(flags, 'hidden', [16], MAX_HIDDEN_LAYERS, 1, 4096),
            C: intFlag(flags, 'classes', 5, 2, 1024),
            ...activationField(choiceFlag(flags, 'activation', ACTIVATIONS, 'swish')),
          },
        }
      : { kind, shape: { n: D, m: intFlag(flags, 'code', Math.min(4, D), 1, D) } };
  const mistake = mistakeFlag(flags, spec.kind, spec.kind === 'mlp' ? activationOf(spec.shape) : null);
  const { params, batch } = generatedCase(spec, B, seed);
  const finiteDiffBudget = numberFlag(flags, 'fd-budget', 5e8, 1, 1e12); // every flag read before the device opens
  const ctx = await io.gpu();
  const result = await checkGradients(spec, params, batch, { device: ctx.device, mistake, seed, finiteDiffBudget });
  if (flags.json === true) io.out(`${JSON.stringify(asJson(result, spec, ctx.adapterName))}\n`);
  else io.out(table(result, ctx.adapterName, spec));
  io.release(ctx);
}

function asJson(r: GradCheck, spec: ModelSpec, adapter: string): Record<string, unknown> {
  const tensors: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(r.tensors)) {
    tensors[name] = {
      gpuVsReference: t.gpuVsReference,
      referenceVsFiniteDiff: t.referenceVsFiniteDiff,
      finiteDiffEntries: t.finiteDiffEntries,
      entries: t.entries,
    };
  }
  return {
    tensors,
    model: r.model,
    shape: spec.shape,
    batch: r.B,
    swishDerivative: swishDerivativeOf(r.mistake),
    mistake: r.mistake,
    wrongTensors: wrongTensors(r.mistake, Object.keys(r.tensors)),
    loss: r.loss,
    adapter,
  };
}

function table(r: GradCheck, adapter: string, spec: ModelSpec): string {
  const mark = { ok: 'ok', suspect: 'SUSPECT', bug: 'WRONG' } as const;
  const lines = [
    `gradient check: ${r.model}, batch ${r.B}, ${derivativeLabel(spec, r.mistake)}, ${r.mistake === 'none' ? 'no mistake' : `mistake ${r.mistake}`}, on ${adapter}`,
    'tensor  GPU vs float64          float64 vs finite differences',
  ];
  for (const [name, t] of Object.entries(r.tensors)) {
    const gpu = t.gpuVsReference === null ? '—' : `${t.gpuVsReference.toExponential(2)} ${mark[verdict('gpuVsReference', t.gpuVsReference)]}`;
    const fd = `${t.referenceVsFiniteDiff.toExponential(2)} ${mark[verdict('referenceVsFiniteDiff', t.referenceVsFiniteDiff)]}`;
    lines.push(`${name.padEnd(7)} ${gpu.padEnd(23)} ${fd} (${t.finiteDiffEntries} of ${t.entries} entries)`);
  }
  return `${lines.join('\n')}\n`;
}

/** "swish' correct", "swish' wrong", "tanh'" (the activation's derivative, as the backward pass uses it). */
function derivativeLabel(spec: ModelSpec, mistake: Mistake): string {
  if (spec.kind !== 'mlp') return 'linear';
  const activation = activationOf(spec.shape);
  return activation === 'swish' ? `swish' ${swishDerivativeOf(mistake)}` : `${activation}'`;
}
