// One place that turns a model description into a GPU network, for the CLI, the page and the tests.
import type { AutoencoderShape } from '../reference/autoencoder';
import { mlpTensorShapes, problemOf, type MlpShape } from '../reference/mlp';
import { AutoencoderNetwork } from './autoencoder';
import { DerivedNetwork } from './derived';
import { MlpNetwork } from './mlp';
import type { Network, NetworkOptions } from './network';

export type ModelSpec = { kind: 'mlp'; shape: MlpShape } | { kind: 'autoencoder'; shape: AutoencoderShape };

/** Whether the model's output is classes (an MLP with softmax cross-entropy): only then do accuracy and argmax predictions mean something. */
export function classifies(spec: ModelSpec): spec is { kind: 'mlp'; shape: MlpShape } {
  return spec.kind === 'mlp' && problemOf(spec.shape) === 'classification';
}

/** The network of a spec; with `opts.derivation`, the built-in forward pass and the derivation's backward. */
export async function buildNetwork(device: GPUDevice, spec: ModelSpec, opts: NetworkOptions = {}): Promise<Network> {
  const { derivation, ...rest } = opts;
  const base = await (spec.kind === 'mlp' ? MlpNetwork.create(device, spec.shape, rest) : AutoencoderNetwork.create(device, spec.shape, rest));
  return derivation ? DerivedNetwork.create(device, base, derivation, rest) : base;
}

/** Names and shapes of a network's tensors, in layout order. */
export function tensorShapes(network: Network): Array<[string, number[]]> {
  return network.layout.slots.map((s) => [s.name, s.shape]);
}

/** Names and shapes of a model's tensors from its spec alone (no device needed), in layout order. */
export function specTensorShapes(spec: ModelSpec): Array<[string, number[]]> {
  if (spec.kind === 'autoencoder') return [['W', [spec.shape.m, spec.shape.n]]];
  return Object.entries(mlpTensorShapes(spec.shape));
}
