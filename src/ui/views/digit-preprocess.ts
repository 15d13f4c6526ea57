// MNIST-style preprocessing of a drawn digit: crop to the ink, scale into a 20×20 box by area
// averaging, and place it in 28×28 so its centre of mass sits at the centre, as LeCun et al. did.

const SIDE = 28;
const BOX = 20;
const INK_THRESHOLD = 0.02; // intensities at or below this count as background when cropping

/** For each of `count` target cells over [start, start + span), the source pixels it covers and by how much. */
function coverage(start: number, span: number, count: number): Array<Array<[number, number]>> {
  const step = span / count;
  const cells: Array<Array<[number, number]>> = [];
  for (let i = 0; i < count; i++) {
    const lo = start + i * step;
    const hi = lo + step;
    const parts: Array<[number, number]> = [];
    for (let s = Math.floor(lo); s < hi; s++) {
      const w = Math.min(hi, s + 1) - Math.max(lo, s);
      if (w > 1e-9) parts.push([s, w]);
    }
    cells.push(parts);
  }
  return cells;
}

/**
 * Turns an RGBA drawing (light ink on dark, `width`×`height`) into 784 MNIST-like values in [0, 1]:
 * the ink's bounding box scaled to fit 20×20 by area averaging, centred by centre of mass in 28×28.
 * A drawing without ink gives all zeros.
 */
export function downsampleDigit(rgba: Uint8ClampedArray, width: number, height: number): Float32Array {
  const out = new Float32Array(SIDE * SIDE);
  const w = Math.floor(width);
  const h = Math.floor(height);
  if (w <= 0 || h <= 0 || rgba.length < w * h * 4) return out;
  const ink = new Float32Array(w * h);
  let [x0, y0, x1, y1] = [w, h, -1, -1];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const v = ((rgba[i]! + rgba[i + 1]! + rgba[i + 2]!) / (3 * 255)) * (rgba[i + 3]! / 255);
      ink[y * w + x] = v;
      if (v > INK_THRESHOLD) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = BOX / Math.max(bw, bh);
  const tw = Math.max(1, Math.min(BOX, Math.round(bw * scale)));
  const th = Math.max(1, Math.min(BOX, Math.round(bh * scale)));
  const cols = coverage(x0, bw, tw);
  const rows = coverage(y0, bh, th);
  const area = (bw / tw) * (bh / th);
  const small = new Float32Array(tw * th);
  let mass = 0;
  let mx = 0;
  let my = 0;
  rows.forEach((rowParts, j) => {
    cols.forEach((colParts, i) => {
      let sum = 0;
      for (const [sy, wy] of rowParts) {
        for (const [sx, wx] of colParts) sum += wy * wx * ink[sy * w + sx]!;
      }
      const v = Math.min(1, sum / area);
      small[j * tw + i] = v;
      mass += v;
      mx += v * i;
      my += v * j;
    });
  });
  const centre = (SIDE - 1) / 2;
  const ox = mass > 0 ? Math.round(centre - mx / mass) : Math.floor((SIDE - tw) / 2);
  const oy = mass > 0 ? Math.round(centre - my / mass) : Math.floor((SIDE - th) / 2);
  for (let j = 0; j < th; j++) {
    const y = j + oy;
    if (y < 0 || y >= SIDE) continue;
    for (let i = 0; i < tw; i++) {
      const x = i + ox;
      if (x >= 0 && x < SIDE) out[y * SIDE + x] = small[j * tw + i]!;
    }
  }
  return out;
}
