// Draws the web app's icons (public/icons/: 192 and 512 px, and a 512 px maskable one) as PNGs: a
// small network of three layers on the page's blue, links in the diagram's colours. Run it again
// after a change: `node scripts/make-icons.mjs`. Needs nothing but Node.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const OUT = new URL('../public/icons/', import.meta.url);
const BLUE = [0x00, 0x72, 0xb2];
const NODE = [0xff, 0xff, 0xff];
const POSITIVE = [0xf0, 0x8a, 0x5d]; // the diagram's red, lightened to read on the blue
const NEGATIVE = [0xa6, 0xd8, 0xf5];
const LAYERS = [
  [0.3, 0.7],
  [0.22, 0.5, 0.78],
  [0.36, 0.64],
].map((ys, i) => ys.map((y) => [0.2 + 0.3 * i, y]));

/** Distance from p to the segment a–b. */
function toSegment([px, py], [ax, ay], [bx, by]) {
  const dx = bx - ax,
    dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** The icon's shapes, back to front, as [colour, inside(x, y)] in the unit square; `scale` shrinks them into the maskable safe zone. */
function shapes(maskable) {
  const scale = maskable ? 0.78 : 1;
  const at = ([x, y]) => [0.5 + (x - 0.5) * scale, 0.5 + (y - 0.5) * scale];
  const list = [];
  const radius = 0.2;
  list.push([
    BLUE,
    maskable
      ? () => true
      : (x, y) => {
          const cx = Math.min(Math.max(x, radius), 1 - radius),
            cy = Math.min(Math.max(y, radius), 1 - radius);
          return Math.hypot(x - cx, y - cy) <= radius;
        },
  ]);
  for (let l = 0; l + 1 < LAYERS.length; l++) {
    LAYERS[l].forEach((a, i) =>
      LAYERS[l + 1].forEach((b, j) => {
        const colour = (i + j + l) % 3 === 0 ? NEGATIVE : POSITIVE;
        const width = (0.018 + 0.012 * ((i * 7 + j * 3 + l) % 3)) * scale;
        list.push([colour, (x, y) => toSegment([x, y], at(a), at(b)) <= width / 2]);
      }),
    );
  }
  for (const layer of LAYERS) for (const c of layer) list.push([NODE, (x, y) => Math.hypot(x - at(c)[0], y - at(c)[1]) <= 0.065 * scale]);
  return list;
}

/** RGBA pixels of the icon at `size` px, 4×4 samples a pixel. */
function draw(size, maskable) {
  const list = shapes(maskable);
  const pixels = new Uint8Array(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size,
            y = (py + (sy + 0.5) / n) / size;
          let colour = null;
          for (const [c, inside] of list) if (inside(x, y)) colour = c;
          if (colour) for (let k = 0; k < 3; k++) sum[k] += colour[k];
          if (colour) sum[3] += 255;
        }
      }
      const covered = sum[3] / 255;
      const o = (py * size + px) * 4;
      for (let k = 0; k < 3; k++) pixels[o + k] = covered ? Math.round(sum[k] / covered) : 0;
      pixels[o + 3] = Math.round(sum[3] / (n * n));
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => (bytes.reduce((c, b) => CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8), 0xffffffff) ^ 0xffffffff) >>> 0;

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const head = Buffer.alloc(4),
    tail = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  tail.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, tail]);
}

/** An 8-bit RGBA PNG of the pixels, no filtering. */
function png(size, pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rows.set(pixels.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

mkdirSync(OUT, { recursive: true });
for (const [name, size, maskable] of [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['icon-maskable-512.png', 512, true],
]) {
  const bytes = png(size, draw(size, maskable));
  writeFileSync(new URL(name, OUT), bytes);
  console.log(`public/icons/${name}: ${bytes.length} bytes`);
}
