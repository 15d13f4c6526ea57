// Copies this step's batch out of the data set resident on the GPU: row i of the batch is
// data row perm[cursor + i], where the cursor lives in the training state (advanced by metrics.wgsl).
// The data is float32, or bytes packed four to a word (entry k in bits 8·(k mod 4) of word k / 4)
// that stand for byte × scale: the one float32 product every engine computes (src/data/dataset.ts).

const WG: u32 = 256u;

struct Dims { B: u32, D: u32, bytes: u32, scale: f32 }

@group(0) @binding(0) var<storage, read> data: array<u32>;        // [N, D] f32 bits, or bytes packed in words
@group(0) @binding(1) var<storage, read> labels: array<u32>;      // [N]
@group(0) @binding(2) var<storage, read> perm: array<u32>;        // [N]: this epoch's order
@group(0) @binding(3) var<storage, read> state: array<u32>;       // [1] is the cursor
@group(0) @binding(4) var<storage, read_write> batchX: array<f32>;      // [B, D]
@group(0) @binding(5) var<storage, read_write> batchLabels: array<u32>; // [B]
@group(0) @binding(6) var<uniform> dims: Dims;

fn feature(k: u32) -> f32 {
  if (dims.bytes == 0u) { return bitcast<f32>(data[k]); }
  return f32((data[k / 4u] >> (8u * (k % 4u))) & 0xffu) * dims.scale;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let e = (wid.y * groups.x + wid.x) * WG + lid;
  if (e >= dims.B * dims.D) { return; }
  let i = e / dims.D;
  let d = e % dims.D;
  let row = perm[state[1] + i];
  batchX[e] = feature(row * dims.D + d);
  if (d == 0u) { batchLabels[i] = labels[row]; }
}
