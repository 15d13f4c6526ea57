// The six hidden activations and their derivatives on four lanes (MATH.md, "Deeper MLPs and other
// activations"), in the same forms as src/reference/activations.ts, and the known-wrong swish′
// σ(2 − σ) of the swish-prime mistake. A row's tail (width not a multiple of 4) goes through the same
// four-lane code, so every element of a row is computed alike whatever the width.
import { exp4 } from './simd';

export const SWISH = 0;
export const RELU = 1;
export const TANH = 2;
export const SIGMOID = 3;
export const GELU = 4;
export const LINEAR = 5;

const GELU_C: f32 = 0.7978845608; // √(2/π)
const GELU_A: f32 = 0.044715;
const GELU_LINEAR: f32 = 10; // past |v| = 10 GELU is ReLU in float32 (as the WGSL kernel takes it)

// @ts-ignore: decorator
@inline function sigmoid4(v: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), exp4(f32x4.neg(v))));
}

/** tanh from e^(−2|v|), signed: it cannot overflow. */
// @ts-ignore: decorator
@inline function tanh4(v: v128): v128 {
  const e = exp4(f32x4.mul(f32x4.splat(-2), f32x4.abs(v)));
  const t = f32x4.div(f32x4.sub(f32x4.splat(1), e), f32x4.add(f32x4.splat(1), e));
  return v128.bitselect(f32x4.neg(t), t, f32x4.lt(v, f32x4.splat(0)));
}

// @ts-ignore: decorator
@inline function geluInner(v: v128): v128 {
  const v3 = f32x4.mul(f32x4.mul(v, v), v);
  return tanh4(f32x4.mul(f32x4.splat(GELU_C), f32x4.add(v, f32x4.mul(f32x4.splat(GELU_A), v3))));
}

/** f(v) on four lanes. */
export function activate4(act: i32, v: v128): v128 {
  const zero = f32x4.splat(0);
  switch (act) {
    case SWISH: return f32x4.mul(v, sigmoid4(v));
    case RELU: return f32x4.max(v, zero);
    case TANH: return tanh4(v);
    case SIGMOID: return sigmoid4(v);
    case GELU: {
      const g = f32x4.mul(f32x4.mul(f32x4.splat(0.5), v), f32x4.add(f32x4.splat(1), geluInner(v)));
      return v128.bitselect(f32x4.max(v, zero), g, f32x4.gt(f32x4.abs(v), f32x4.splat(GELU_LINEAR)));
    }
    default: return v;
  }
}

/** f′(v) on four lanes; `wrongSwish` takes swish′ as σ(2 − σ), the mistake. ReLU′(0) = 0. */
export function derivative4(act: i32, v: v128, wrongSwish: bool): v128 {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  switch (act) {
    case SWISH: {
      const s = sigmoid4(v);
      if (wrongSwish) return f32x4.mul(s, f32x4.sub(f32x4.splat(2), s));
      return f32x4.mul(s, f32x4.add(one, f32x4.mul(v, f32x4.sub(one, s))));
    }
    case RELU: return v128.and(f32x4.gt(v, zero), one);
    case TANH: {
      const t = tanh4(v);
      return f32x4.sub(one, f32x4.mul(t, t));
    }
    case SIGMOID: {
      const s = sigmoid4(v);
      return f32x4.mul(s, f32x4.sub(one, s));
    }
    case GELU: {
      const t = geluInner(v);
      const half = f32x4.splat(0.5);
      const inner = f32x4.add(one, f32x4.mul(f32x4.splat(3 * GELU_A), f32x4.mul(v, v)));
      const d = f32x4.add(
        f32x4.mul(half, f32x4.add(one, t)),
        f32x4.mul(f32x4.mul(f32x4.mul(half, v), f32x4.sub(one, f32x4.mul(t, t))), f32x4.mul(f32x4.splat(GELU_C), inner)),
      );
      const relu = v128.and(f32x4.gt(v, zero), one);
      return v128.bitselect(relu, d, f32x4.gt(f32x4.abs(v), f32x4.splat(GELU_LINEAR)));
    }
    default: return one;
  }
}

/** row[j] = f(row[j] + bias[j]) for j < n (out may be the row itself). */
export function biasActivate(act: i32, v: usize, bias: usize, out: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const x = f32x4.add(v128.load(v + (<usize>j << 2)), v128.load(bias + (<usize>j << 2)));
    v128.store(v + (<usize>j << 2), x);
    v128.store(out + (<usize>j << 2), activate4(act, x));
  }
  for (; j < n; j++) {
    const x = load<f32>(v + (<usize>j << 2)) + load<f32>(bias + (<usize>j << 2));
    store<f32>(v + (<usize>j << 2), x);
    store<f32>(out + (<usize>j << 2), f32x4.extract_lane(activate4(act, f32x4.splat(x)), 0));
  }
}

/** g[j] *= f′(v[j]) for j < n. */
export function scaleByDerivative(act: i32, g: usize, v: usize, n: i32, wrongSwish: bool): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const at = <usize>j << 2;
    v128.store(g + at, f32x4.mul(v128.load(g + at), derivative4(act, v128.load(v + at), wrongSwish)));
  }
  for (; j < n; j++) {
    const at = <usize>j << 2;
    store<f32>(g + at, load<f32>(g + at) * f32x4.extract_lane(derivative4(act, f32x4.splat(load<f32>(v + at)), wrongSwish), 0));
  }
}
