// The squared error of a regression's linear output fused with its gradient, one thread per row of
// Z [B, 1]: rowStats[i] = (½ (z − t)², 0), G_Z = (z − t) / B. The targets come by the labels' path
// (gather.wgsl copies u32 words), each a float32's bits, so a regression needs no gather of its own.

const WG: u32 = 64u;

struct Dims { rows: u32, invB: f32 }

@group(0) @binding(0) var<storage, read> Z: array<f32>;           // [B, 1]
@group(0) @binding(1) var<storage, read> targets: array<u32>;     // [B] float32 bits
@group(0) @binding(2) var<storage, read_write> GZ: array<f32>;    // [B, 1]
@group(0) @binding(3) var<storage, read_write> rowStats: array<vec2f>;  // [B]: loss, 0 (no class to count)
@group(0) @binding(4) var<uniform> dims: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= dims.rows) { return; }
  let e = Z[i] - bitcast<f32>(targets[i]);
  rowStats[i] = vec2f(0.5 * e * e, 0.0);
  GZ[i] = e * dims.invB;
}
