// CPU twin of the GPU optimizer kernels (SGD, momentum with optional Nesterov, Adam, all with L2
// weight decay and L1 regularisation folded into the gradient), in float64.

/** The update rule. */
export type OptimizerKind = 'sgd' | 'momentum' | 'adam';

/** Hyper-parameters; each kind reads only the ones it needs. */
export interface OptimizerSettings {
  kind: OptimizerKind;
  /** Learning rate. */
  lr: number;
  /** μ of the momentum kind. */
  momentum: number;
  /** Momentum only: step along g + μ m instead of m. */
  nesterov: boolean;
  beta1: number;
  beta2: number;
  eps: number;
  /** λ of the L2 term (λ/2)‖p‖², which adds λ p to the gradient. */
  weightDecay: number;
  /** λ₁ of the L1 term λ₁‖p‖₁, which adds λ₁ sign(p) to the gradient (sign 0 = 0). */
  l1: number;
}

/** Plain SGD at lr 0.1, with the usual momentum and Adam constants ready for a switch of kind. */
export const DEFAULT_OPTIMIZER: OptimizerSettings = {
  kind: 'sgd',
  lr: 0.1,
  momentum: 0.9,
  nesterov: false,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  l1: 0,
};

/** Per-tensor state: first moment (or velocity) m, second moment v, and the step count t. */
export interface OptimizerState {
  m: Float64Array;
  v: Float64Array;
  /** Steps taken; counts every kind's steps so Adam's bias correction is right after a switch. */
  t: number;
}

/** Zeroed state for a tensor of `size` elements. */
export function newOptimizerState(size: number): OptimizerState {
  return { m: new Float64Array(size), v: new Float64Array(size), t: 0 };
}

/**
 * One update of `params` in place from `grads`, with g = grad + weightDecay·p + l1·sign(p):
 * sgd p −= lr·g; momentum m = μm + g, p −= lr·(nesterov ? g + μm : m);
 * adam m = β1m + (1−β1)g, v = β2v + (1−β2)g², p −= lr·m̂ / (√v̂ + eps) with m̂, v̂ bias-corrected by step t.
 * `ascend` is the update-sign mistake of MATH.md's catalogue: every step taken with + instead of −.
 */
export function optimizerStep(settings: OptimizerSettings, params: Float64Array, grads: Float64Array, state: OptimizerState, ascend = false): void {
  const size = params.length;
  if (grads.length !== size || state.m.length !== size || state.v.length !== size) {
    throw new RangeError(`optimizerStep: params ${size}, grads ${grads.length}, m ${state.m.length}, v ${state.v.length} must match`);
  }
  const { kind, momentum: mu, nesterov, beta1, beta2, eps, weightDecay, l1 } = settings;
  state.t += 1;
  const correction1 = 1 - beta1 ** state.t;
  const correction2 = 1 - beta2 ** state.t;
  const { m, v } = state;
  const lrSigned = ascend ? -settings.lr : settings.lr;

  for (let i = 0; i < size; i++) {
    const g = grads[i]! + weightDecay * params[i]! + l1 * Math.sign(params[i]!);
    switch (kind) {
      case 'sgd':
        params[i]! -= lrSigned * g;
        break;
      case 'momentum':
        m[i] = mu * m[i]! + g;
        params[i]! -= lrSigned * (nesterov ? g + mu * m[i]! : m[i]!);
        break;
      case 'adam':
        m[i] = beta1 * m[i]! + (1 - beta1) * g;
        v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
        params[i]! -= (lrSigned * (m[i]! / correction1)) / (Math.sqrt(v[i]! / correction2) + eps);
        break;
      default:
        // Settings can come from a URL or a file, so an unknown kind must not pass silently.
        throw new RangeError(`unknown optimizer kind: ${String(kind satisfies never)}`);
    }
  }
}
