// Colours shared by the views: ten class colours that stay apart for colour-blind readers,
// a diverging blue–white–red ramp for signed weights, and a grey ramp for images.

/** Ten class colours: Okabe–Ito (without black) plus wine, olive and grey from Paul Tol's sets. */
export const CLASS_COLOURS: readonly string[] = [
  '#0072b2', // blue
  '#e69f00', // orange
  '#009e73', // bluish green
  '#cc79a7', // reddish purple
  '#56b4e9', // sky blue
  '#d55e00', // vermillion
  '#f0e442', // yellow
  '#882255', // wine
  '#999933', // olive
  '#555555', // dark grey
];

/** An RGB triple, each channel 0..255. */
export type Rgb = readonly [number, number, number];

/** Parses `#rrggbb`. */
export function hexToRgb(hex: string): Rgb {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

const CLASS_RGB: readonly Rgb[] = CLASS_COLOURS.map(hexToRgb);
const UNKNOWN_RGB: Rgb = [136, 136, 136];

/** The colour of class `c` as a CSS string; classes past ten wrap around. */
export function classColour(c: number): string {
  return CLASS_COLOURS[c % CLASS_COLOURS.length] ?? '#888888';
}

/** The colour of class `c` as RGB; classes past ten wrap around. */
export function classRgb(c: number): Rgb {
  return CLASS_RGB[c % CLASS_RGB.length] ?? UNKNOWN_RGB;
}

/** `a` moved towards `b` by `t` in [0, 1]. */
export function mixRgb(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

const WHITE: Rgb = [255, 255, 255];
const NEGATIVE: Rgb = [33, 102, 172]; // ColorBrewer RdBu ends
const POSITIVE: Rgb = [178, 24, 43];

/** Diverging ramp: -1 blue, 0 white, +1 red; values outside [-1, 1] are clamped. */
export function divergingRgb(t: number): Rgb {
  const c = Math.max(-1, Math.min(1, t));
  return c < 0 ? mixRgb(WHITE, NEGATIVE, -c) : mixRgb(WHITE, POSITIVE, c);
}

/** Background shown where a value is missing or not finite. */
export const MISSING_RGB: Rgb = [214, 217, 222];

/** The largest |v| among the finite values of values[start], values[start + stride], … before `end` (0 when none): a ramp's scale. */
export function maxAbs(values: ArrayLike<number>, start = 0, end = values.length, stride = 1): number {
  let m = 0;
  for (let i = start; i < end; i += stride) {
    const v = Math.abs(values[i]!);
    if (v > m && Number.isFinite(v)) m = v;
  }
  return m;
}

/**
 * A unit's value as a colour: with `classIndex`, a probability (0 to 1) from white to that class's
 * colour; otherwise signed, divided by `scale`, on the diverging ramp. Not finite: MISSING_RGB.
 */
export function unitRgb(v: number, scale: number, classIndex?: number): Rgb {
  if (!Number.isFinite(v)) return MISSING_RGB;
  if (classIndex !== undefined) return mixRgb(WHITE, classRgb(classIndex), Math.max(0, Math.min(1, v)));
  return divergingRgb(scale > 0 ? v / scale : 0);
}
