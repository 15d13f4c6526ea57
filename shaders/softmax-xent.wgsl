// Softmax cross-entropy fused with its gradient, one thread per row of Z [B, C]:
// rowStats[i] = (logsumexp(z) − z_k, 1 if argmax z = k), G_Z = (softmax(z) − onehot(k)) / B.

const WG: u32 = 64u;
// False is the no-one-hot mistake of MATH.md's catalogue: G_Z = softmax(z) / B.
override ONE_HOT: bool = true;

struct Dims { rows: u32, C: u32, invB: f32 }

@group(0) @binding(0) var<storage, read> Z: array<f32>;           // [B, C]
@group(0) @binding(1) var<storage, read> labels: array<u32>;      // [B]
@group(0) @binding(2) var<storage, read_write> GZ: array<f32>;    // [B, C]
@group(0) @binding(3) var<storage, read_write> rowStats: array<vec2f>;  // [B]: loss, correct
@group(0) @binding(4) var<uniform> dims: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= dims.rows) { return; }
  let base = i * dims.C;
  // The row maximum is subtracted before exp; ties go to the lowest index.
  var best = 0u;
  var zmax = Z[base];
  for (var c = 1u; c < dims.C; c++) {
    let z = Z[base + c];
    if (z > zmax) { zmax = z; best = c; }
  }
  var sum = 0.0;
  for (var c = 0u; c < dims.C; c++) { sum += exp(Z[base + c] - zmax); }
  let k = labels[i];
  rowStats[i] = vec2f(zmax + log(sum) - Z[base + k], select(0.0, 1.0, best == k));
  for (var c = 0u; c < dims.C; c++) {
    let p = exp(Z[base + c] - zmax) / sum;
    GZ[base + c] = (p - select(0.0, 1.0, ONE_HOT && c == k)) * dims.invB;
  }
}
