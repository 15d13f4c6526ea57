// In-place parameter update over the flat parameter buffer: SGD, momentum (optionally Nesterov)
// or Adam with bias correction, each with optional L2 weight decay (g += λ·p) and L1 (g += λ₁·sign p,
// sign 0 = 0). ASCEND is the update-sign mistake of MATH.md's catalogue: p + lr·step instead of −.

const WG: u32 = 256u;

override KIND: u32 = 0u;         // 0 sgd, 1 momentum, 2 adam
override NESTEROV: bool = false;
override ASCEND: bool = false;

struct Settings { count: u32, lr: f32, momentum: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, l1: f32 }

@group(0) @binding(0) var<storage, read> grads: array<f32>;
@group(0) @binding(1) var<storage, read> state: array<u32>;        // [2] is the optimizer step t
@group(0) @binding(2) var<storage, read_write> params: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;       // momentum / Adam first moment
@group(0) @binding(4) var<storage, read_write> v: array<f32>;       // Adam second moment
@group(0) @binding(5) var<uniform> s: Settings;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= s.count) { return; }
  let p = params[i];
  let lr = select(s.lr, -s.lr, ASCEND);
  let g = grads[i] + s.weightDecay * p + s.l1 * sign(p);
  switch KIND {
    case 1u: {
      let mi = s.momentum * m[i] + g;
      m[i] = mi;
      params[i] = p - lr * select(mi, g + s.momentum * mi, NESTEROV);
    }
    case 2u: {
      let t = max(f32(state[2]), 1.0); // the bias corrections divide by 1 − β^t: never t = 0
      let mi = s.beta1 * m[i] + (1.0 - s.beta1) * g;
      let vi = s.beta2 * v[i] + (1.0 - s.beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      let mHat = mi / (1.0 - pow(s.beta1, t));
      let vHat = vi / (1.0 - pow(s.beta2, t));
      params[i] = p - lr * mHat / (sqrt(vHat) + s.eps);
    }
    default: { params[i] = p - lr * g; }
  }
}
