// Initial parameters from a seed: weights N(0, scale²/fan_in), biases zero, rounded to float32
// so the GPU and its CPU twin start from identical numbers.
import type { Rng } from '../base/rng';

/** A named tensor's shape, e.g. ['W1', [H, D]]; the last dimension is the fan-in. */
export type TensorShape = readonly [string, readonly number[]];

/** Draws every tensor: 2-D weights scaled by 1/sqrt(fan_in), 1-D biases zero. */
export function initParams(shapes: readonly TensorShape[], rng: Rng, scale = 1): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, shape] of shapes) {
    const count = shape.reduce((a, b) => a * b, 1);
    const t = new Float32Array(count);
    if (shape.length >= 2) {
      const std = scale / Math.sqrt(shape[shape.length - 1]!);
      for (let i = 0; i < count; i++) t[i] = rng.normal() * std;
    }
    out[name] = t;
  }
  return out;
}
