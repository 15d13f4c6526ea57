// The forward pass's tensors that a derivation may read and the built-in backward never forms, one
// thread per row of Z [B, C]: A = softmax(Z) and T = onehot(labels), each [B, C].

const WG: u32 = 64u;

struct Dims { rows: u32, C: u32 }

@group(0) @binding(0) var<storage, read> Z: array<f32>;           // [B, C]
@group(0) @binding(1) var<storage, read> labels: array<u32>;      // [B]
@group(0) @binding(2) var<storage, read_write> A: array<f32>;     // [B, C]
@group(0) @binding(3) var<storage, read_write> T: array<f32>;     // [B, C]
@group(0) @binding(4) var<uniform> dims: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= dims.rows) { return; }
  let base = i * dims.C;
  // The row maximum is subtracted before exp, as in softmax-xent.wgsl, so that A is the same there.
  var zmax = Z[base];
  for (var c = 1u; c < dims.C; c++) { zmax = max(zmax, Z[base + c]); }
  var sum = 0.0;
  for (var c = 0u; c < dims.C; c++) { sum += exp(Z[base + c] - zmax); }
  let k = labels[i];
  for (var c = 0u; c < dims.C; c++) {
    A[base + c] = exp(Z[base + c] - zmax) / sum;
    T[base + c] = select(0.0, 1.0, c == k);
  }
}
