// The logistic sigmoid and swish, with swish's derivative in its correct form and in
// the wrong form from the original hand derivation (see MATH.md, "Known trap").

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
