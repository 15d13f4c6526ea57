// A derivation ready to train with: the student's text checked on a problem of the model's sizes and
// lowered to GPU steps (src/derive/lower.ts) for one batch size. No GPU here: DerivedNetwork
// (derived.ts) compiles and binds the steps.
import { UserError } from '../base/errors';
import { checkDerivation } from '../derive/check';
import { randomProblem } from '../derive/problem';
import { lowerDerivation, lowerProblem, type GpuProgram } from '../derive/lower';
import type { AutoencoderShape } from '../reference/autoencoder';
import { problemOf, type MlpShape } from '../reference/mlp';

/** The model a derivation is for (a ModelSpec of build.ts, spelled out here so that build.ts can import this file). */
export type DerivationModel = { kind: 'mlp'; shape: MlpShape } | { kind: 'autoencoder'; shape: AutoencoderShape };

/** A derivation to train with, and the batch size its program was lowered for. */
export interface Derivation {
  text: string;
  program: GpuProgram;
  batch: number;
}

/**
 * Checks `text` on a problem of the model's sizes (random values: only the shapes matter here) and
 * lowers it; a derivation with a line in error, a missing gradient or a custom activation is refused
 * with a UserError that says why.
 */
export function derivationFor(text: string, spec: DerivationModel, batch: number): Derivation {
  // The derivation language's MLP ends in softmax cross-entropy (its A and T are softmax(Z) and the one-hot).
  if (spec.kind === 'mlp' && problemOf(spec.shape) === 'regression')
    throw new UserError('Cannot train with a derivation: it derives a classifier, not a regression');
  const problem =
    spec.kind === 'mlp'
      ? randomProblem({ model: 'mlp', D: spec.shape.D, hidden: spec.shape.hidden, C: spec.shape.C, activation: spec.shape.activation ?? 'swish', B: batch }, 1)
      : randomProblem({ model: 'autoencoder', n: spec.shape.n, m: spec.shape.m, B: batch }, 1);
  const report = checkDerivation(text, problem);
  const why = lowerProblem(report);
  if (why) throw new UserError(`Cannot train with this derivation: ${why} (${report.summary.message}).`);
  try {
    return { text, program: lowerDerivation(report), batch };
  } catch (e) {
    throw new UserError(`Cannot train with this derivation: ${(e as Error).message}.`);
  }
}
