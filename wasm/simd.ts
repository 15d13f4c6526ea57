// SIMD helpers shared by the CPU engine's kernels: a multiply-add that is fused where the module is
// built with relaxed SIMD (f32x4.relaxed_madd) and a plain multiply then add where not, and exp on
// four lanes (range reduction to 2^n · e^r and Cephes' degree-6 polynomial for e^r, ≤ 2 ulp).

/** a · b + c on four lanes. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** The lanes' sum in a fixed order, (l0 + l1) + (l2 + l3), so every path reduces alike. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** e^x on four lanes; x is clamped to [−87.3, 88.37] so that 2^n stays a normal float. */
export function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.3)), f32x4.splat(88.37));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504)));
  // r = x − n ln 2, with ln 2 split in two so that the subtraction is exact.
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = f32x4.add(madd(p, f32x4.mul(r, r), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}
