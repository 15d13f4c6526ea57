// The classic backprop mistakes (MATH.md, "A catalogue of backprop mistakes"): each one can be made
// on purpose in the GPU kernels and in the float64 reference alike, so that GPU and reference agree
// on it and the reference against finite differences of the true loss shows which tensors it breaks.
import type { Activation, SwishDerivative } from './activations';
import type { Problem } from './problem';

/** 'none' is the correct backward pass and update; the others are named as in MATH.md. */
export const MISTAKES = ['none', 'swish-prime', 'w2-layout', 'no-batch-mean', 'no-one-hot', 'bias-one-row', 'ae-one-term', 'update-sign'] as const;
export type Mistake = (typeof MISTAKES)[number];

export interface MistakeInfo {
  /** Its name in the page's gallery: the mistake's name and the slip in a few symbols. */
  label: string;
  /** The models it can be made in. */
  models: ReadonlyArray<'mlp' | 'autoencoder'>;
  /** What was written, in one line. */
  wrong: string;
  /** What should have been written. */
  right: string;
  /** Which tensors go wrong and why, in one sentence: what it teaches. */
  teaches: string;
}

export const MISTAKE_INFO: Readonly<Record<Exclude<Mistake, 'none'>, MistakeInfo>> = {
  'swish-prime': {
    label: 'swish-prime: σ(2 − σ)',
    models: ['mlp'],
    wrong: 'swish′(v) = σ(v)(2 − σ(v))',
    right: 'swish′(v) = σ(v)(1 + v(1 − σ(v)))',
    teaches: 'the factor v of v·σ(v) was differentiated as if it were 1: every layer below the output gets a wrong G, the output layer stays right',
  },
  'w2-layout': {
    label: 'w2-layout: W read as Wᵀ',
    models: ['mlp'],
    wrong: 'G_Y computed with the output weights’ C×H buffer read as H×C (the transpose flag flipped)',
    right: 'G_Y from the weights as they are stored',
    teaches: 'a layout slip: the output layer’s own gradients stay right, and everything below it gets a G made from scrambled weights',
  },
  'no-batch-mean': {
    label: 'no-batch-mean: no 1/B',
    models: ['mlp', 'autoencoder'],
    wrong: 'the gradient summed over the batch (G_Z, or the autoencoder’s dW, without the 1/B)',
    right: 'the gradient of the mean loss (divided by B)',
    teaches:
      'the loss is a mean but the gradient a sum: every tensor is B times too large, which for SGD and momentum is a learning rate B times too high (Adam divides the scale away, so it hides the mistake)',
  },
  'no-one-hot': {
    label: 'no-one-hot: G_Z = a/B',
    models: ['mlp'],
    wrong: 'G_Z = softmax(Z) / B',
    right: 'G_Z = (softmax(Z) − onehot) / B',
    teaches: 'without the one-hot nothing says which class is right: every tensor goes wrong and training only pushes all logits down together',
  },
  'bias-one-row': {
    label: 'bias-one-row: db = G[0]',
    models: ['mlp'],
    wrong: 'db = G[0] (the first row of the batch)',
    right: 'db = 1ᵀ G (the sum over the batch)',
    teaches: 'a bias is shared by every row, so its gradient sums over the batch: the biases go wrong, the weights stay right',
  },
  'ae-one-term': {
    label: 'ae-one-term: dW = UᵀX/B',
    models: ['autoencoder'],
    wrong: 'dW = Uᵀ X / B',
    right: 'dW = (Uᵀ X + Zᵀ V) / B',
    teaches: 'W appears twice in WᵀWx (encoder and decoder), so its gradient has two terms: dropping one makes W wrong',
  },
  'update-sign': {
    label: 'update-sign: p + ηg',
    models: ['mlp', 'autoencoder'],
    wrong: 'p ← p + η g',
    right: 'p ← p − η g',
    teaches: 'every gradient is right and the loss still rises: a gradient check checks gradients, not the update',
  },
};

/**
 * Why `mistake` cannot be made in this model (one line), or null when it can. A regression MLP has
 * no one-hot to forget, and its one output makes W_L read as W_Lᵀ the same numbers: neither shows.
 */
export function mistakeProblem(
  mistake: Mistake,
  model: 'mlp' | 'autoencoder',
  activation: Activation | null,
  problem: Problem = 'classification',
): string | null {
  if (mistake === 'none') return null;
  const info = MISTAKE_INFO[mistake];
  if (!info) return `unknown mistake '${String(mistake)}'`;
  if (!info.models.includes(model))
    return `the mistake ${mistake} is one of the ${info.models.map((m) => (m === 'mlp' ? 'MLP' : m)).join(' and ')}, not of the ${model === 'mlp' ? 'MLP' : model}`;
  if (mistake === 'swish-prime' && activation !== 'swish')
    return `the mistake swish-prime is σ(v)(2 − σ(v)) for swish′: it needs the swish activation, not ${activation}`;
  if (model === 'mlp' && problem === 'regression') {
    if (mistake === 'no-one-hot') return 'the mistake no-one-hot forgets the one-hot of the softmax: a regression has none';
    if (mistake === 'w2-layout') return 'the mistake w2-layout reads the output weights transposed: with one output that is the same numbers';
  }
  return null;
}

/** The mistakes that can be made in this model. */
export function mistakesFor(model: 'mlp' | 'autoencoder', activation: Activation | null, problem: Problem = 'classification'): Mistake[] {
  return MISTAKES.filter((m) => mistakeProblem(m, model, activation, problem) === null);
}

/**
 * The tensors whose gradients `mistake` makes wrong against finite differences of the true loss,
 * among `names` (W1, b1, …, WL, bL for the MLP; W for the autoencoder). swish-prime is made at every
 * hidden layer (one wrong derivative function, used wherever swish is), w2-layout at the output
 * layer's back product; both break every tensor below the output layer.
 */
export function wrongTensors(mistake: Mistake, names: readonly string[]): string[] {
  const top = Math.max(...names.filter((n) => n.startsWith('W')).map((n) => Number(n.slice(1)) || 0));
  switch (mistake) {
    case 'swish-prime':
    case 'w2-layout':
      return names.filter((n) => Number(n.slice(1)) < top);
    case 'no-batch-mean':
    case 'no-one-hot':
    case 'ae-one-term':
      return [...names];
    case 'bias-one-row':
      return names.filter((n) => n.startsWith('b'));
    default:
      return [];
  }
}

/** The swish′ of a backward pass with this mistake. */
export function swishDerivativeOf(mistake: Mistake): SwishDerivative {
  return mistake === 'swish-prime' ? 'wrong' : 'correct';
}

/** The gallery's name of a mistake ('none (correct)' for none). */
export function mistakeLabel(mistake: Mistake): string {
  return mistake === 'none' ? 'none (correct)' : MISTAKE_INFO[mistake].label;
}
