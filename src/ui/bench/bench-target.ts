// What "time the current model" times: the model being trained as it is (every hidden layer, the
// activation, the data's inputs and classes, the batch), or, where the benchmark cannot time it
// (the autoencoder, no model built yet), the nearest MLP with a note that says so.
import { BENCH_C, BENCH_D, type BenchSize } from '../../bench/types';
import type { ModelSpec } from '../../models/build';
import { activationField } from '../../reference/mlp';
import type { Activation } from '../../reference/activations';

/** A size to time, and what it is not, where it is not the model being trained. */
export interface BenchTarget {
  size: BenchSize;
  note?: string;
}

/** The built run's model and batch (null before the first build), and the panel's MLP settings. */
export function benchTarget(
  built: { spec: ModelSpec; batch: number } | null,
  settings: { batch: number; hidden: number[]; activation: Activation },
): BenchTarget {
  if (built?.spec.kind === 'mlp') {
    const shape = built.spec.shape;
    return { size: { batch: built.batch, hidden: shape.hidden[0]!, shape } };
  }
  const D = built ? built.spec.shape.n : BENCH_D;
  const shape = { D, hidden: [...settings.hidden], C: BENCH_C, ...activationField(settings.activation) };
  const size = { batch: built?.batch ?? settings.batch, hidden: shape.hidden[0]!, shape };
  const note = built
    ? "The current model is the linear autoencoder, which the benchmark does not time: it times an MLP of the panel's hidden layers on the same inputs instead."
    : "No model is built yet: this is the MLP of the panel's settings on MNIST-sized inputs.";
  return { size, note };
}
