// Per-row loss of the tied autoencoder: rowStats[i] = (½‖V_i‖², 0), V [B, n] the reconstruction error.

const WG: u32 = 64u;

struct Dims { rows: u32, n: u32 }

@group(0) @binding(0) var<storage, read> V: array<f32>;
@group(0) @binding(1) var<storage, read_write> rowStats: array<vec2f>;  // [B]: loss, 0
@group(0) @binding(2) var<uniform> dims: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= dims.rows) { return; }
  var s = 0.0;
  for (var j = 0u; j < dims.n; j++) {
    let v = V[i * dims.n + j];
    s = fma(v, v, s);
  }
  rowStats[i] = vec2f(0.5 * s, 0.0);
}
