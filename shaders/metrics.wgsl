// End of the forward pass: reduces the per-row loss and correct count in a fixed order, stores
// them in the metrics ring slot of this step, and advances the training state (step, data cursor,
// optimizer step). One workgroup; only thread 0 touches the state, after the reduction.

const WG: u32 = 64u;   // few invocations per barrier: cheap on CPU implementations, ample for B rows

struct Dims { rows: u32, ringSlots: u32, cursorAdvance: u32, cursorSpan: u32 }
// state: [0] steps done, [1] data cursor (row of the epoch permutation), [2] optimizer step t
struct Slot { step: u32, loss: f32, correct: f32, rows: f32 }

@group(0) @binding(0) var<storage, read> rowStats: array<vec2f>;    // [B]: loss, correct
@group(0) @binding(1) var<storage, read_write> state: array<u32>;   // [4]
@group(0) @binding(2) var<storage, read_write> ring: array<Slot>;   // [ringSlots]
@group(0) @binding(3) var<uniform> dims: Dims;

var<workgroup> partial: array<vec2f, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var s = vec2f(0.0);
  for (var r = lid; r < dims.rows; r += WG) { s += rowStats[r]; }
  partial[lid] = s;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) { partial[lid] += partial[lid + half]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let step = state[0];
    ring[step % dims.ringSlots] = Slot(step, partial[0].x / f32(dims.rows), partial[0].y, f32(dims.rows));
    state[0] = step + 1u;
    state[1] = (state[1] + dims.cursorAdvance) % dims.cursorSpan;
    // Adam's t saturates rather than wrap to 0 (1 − β⁰ = 0 would divide by zero); run files stop
    // far below it (MAX_RUN_STEP).
    state[2] = state[2] + select(1u, 0u, state[2] == 0xffffffffu);
  }
}
