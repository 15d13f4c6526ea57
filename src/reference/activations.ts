// The hidden layers' activations and their derivatives (MATH.md, "Deeper MLPs and other
// activations"), and swish's derivative in its correct form and in the wrong form from the original
// hand derivation (MATH.md, "Known trap").

/** Which swish derivative a backward pass uses; 'wrong' exists only to show a gradient check failing. */
export type SwishDerivative = 'correct' | 'wrong';

/** σ(v) = 1 / (1 + e^(−v)), evaluated so that e^x is only taken for x ≤ 0 and cannot overflow. */
export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** swish(v) = v σ(v). */
export function swish(v: number): number {
  return v * sigmoid(v);
}

/** swish'(v) = σ(v) (1 + v (1 − σ(v))). */
export function swishPrime(v: number): number {
  const s = sigmoid(v);
  return s * (1 + v * (1 - s));
}

/**
 * The known-wrong derivative σ(v)(2 − σ(v)): it treats the factor v as 1.
 * Kept for the "what if the derivative were wrong?" experiment; never use it to train.
 */
export function swishPrimeWrong(v: number): number {
  const s = sigmoid(v);
  return s * (2 - s);
}

/** The derivative function selected by `kind`. */
export function swishPrimeFor(kind: SwishDerivative): (v: number) => number {
  return kind === 'correct' ? swishPrime : swishPrimeWrong;
}

/** tanh v, from e^(−2|v|) so that it cannot overflow for large |v|. */
export function tanh(v: number): number {
  const e = Math.exp(-2 * Math.abs(v));
  return Math.sign(v) * ((1 - e) / (1 + e));
}

/** √(2/π), GELU's tanh form. */
const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;
/** Past this |v| GELU is ReLU to float32 precision (as the WGSL kernel takes it); v³ would overflow later. */
const GELU_LINEAR = 10;

/** The activations a hidden layer may use; swish is the seed's. */
export const ACTIVATIONS = ['swish', 'relu', 'tanh', 'sigmoid', 'gelu', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Each activation f and its derivative f′ (ReLU's f′(0) = 0, as PyTorch; GELU in PyTorch's approximate='tanh' form). */
export const ACTIVATION_FUNCTIONS: Readonly<Record<Activation, { f: (v: number) => number; fPrime: (v: number) => number }>> = {
  swish: { f: swish, fPrime: swishPrime },
  relu: { f: (v) => Math.max(v, 0), fPrime: (v) => (v > 0 ? 1 : 0) },
  tanh: { f: tanh, fPrime: (v) => 1 - tanh(v) ** 2 },
  sigmoid: { f: sigmoid, fPrime: (v) => sigmoid(v) * (1 - sigmoid(v)) },
  gelu: {
    f: (v) => (Math.abs(v) > GELU_LINEAR ? Math.max(v, 0) : 0.5 * v * (1 + tanh(GELU_C * (v + GELU_A * v ** 3)))),
    fPrime: (v) => {
      if (Math.abs(v) > GELU_LINEAR) return v > 0 ? 1 : 0;
      const t = tanh(GELU_C * (v + GELU_A * v ** 3));
      return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * GELU_A * v * v);
    },
  },
  linear: { f: (v) => v, fPrime: () => 1 },
};

/** f′ of a backward pass: the activation's own, or for swish the known-wrong one (the swish-prime mistake). */
export function activationPrimeFor(activation: Activation, derivative: SwishDerivative = 'correct'): (v: number) => number {
  if (activation === 'swish') return swishPrimeFor(derivative);
  if (derivative === 'wrong') throw new RangeError('the wrong swish′ exists for swish only');
  return ACTIVATION_FUNCTIONS[activation].fPrime;
}
