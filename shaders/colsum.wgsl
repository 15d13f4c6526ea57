// Column sums of A [rows, cols] (the bias gradients), one thread per column, rows added in order:
// a fixed order, so results are deterministic (no float atomics).

const WG: u32 = 64u;

struct Dims { rows: u32, cols: u32 }

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read_write> sums: array<f32>;  // [cols]
@group(0) @binding(2) var<uniform> dims: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= dims.cols) { return; }
  var s = 0.0;
  for (var r = 0u; r < dims.rows; r++) { s += A[r * dims.cols + c]; }
  sums[c] = s;
}
