// Where the network diagram puts its nodes and which links it draws: columns of square nodes of one
// size that grows with the diagram, wrapping into sub-columns when a layer is tall, and the strongest
// links of each weight matrix. Pure arithmetic, so that it is tested without a page.

/** One node's square, CSS pixels from the diagram's top left. */
export interface NodeBox {
  x: number;
  y: number;
  size: number;
}

/** A link between node `from` of one column and node `to` of the next, with its weight. */
export interface DrawnLink {
  from: number;
  to: number;
  weight: number;
}

const GAP = 3; // pixels between nodes
const READABLE = 32; // the least a node is drawn at where the card has that room: a unit's map reads at this size
const SMALLEST = 18; // on a short card, a column of up to eight nodes stays one sub-column down to this size
const ONE_COLUMN = 8; // a column of this many nodes or fewer stays one sub-column, as Playground draws its layers
const LINK_ROOM = 0.38; // the share of each column's width left to the links
const WRAPPED_LINK_ROOM = 0.2; // a layer wrapped into sub-columns takes more of its width: its neighbours' nodes are narrow

/**
 * Boxes for the nodes of each column, `counts[c]` in column c, spread over width × height (`top`
 * pixels kept free above for the columns' headings, `left` pixels at the left for the inputs' names).
 * As in Playground, the nodes of every column share one size: the largest that keeps each column of
 * up to eight nodes in one sub-column, no more than a quarter of the height (so nodes grow with the
 * window), and never under 32 px where the card is that large (on a short card, as large as keeps
 * those columns whole, 18 px at the least). A taller layer wraps into as many sub-columns as its
 * room allows, with nodes no larger; where even 32 px nodes do not all fit, the
 * column holds as many as fit, its first units (the result is shorter than its count: the caller
 * says how many are drawn). A wrapped layer whose units all fit is evened out over its sub-columns
 * (16 units in three: 6 + 6 + 4). A lone node (an image) may be twice as large.
 */
export function layoutColumns(counts: readonly number[], width: number, height: number, top = 0, left = 0): NodeBox[][] {
  const columns = counts.length;
  if (columns === 0) return [];
  const spacing = columnSpacing(columns, width, left);
  const room = spacing * (1 - LINK_ROOM);
  const tall = height - top;
  // 32 px, or less where a column of up to eight nodes (the inputs, named at their left) would wrap.
  const tallest = Math.max(1, ...counts.map((n) => Math.floor(n)).filter((n) => n <= ONE_COLUMN));
  const oneColumn = Math.max(SMALLEST, (tall + GAP) / tallest - GAP);
  const least = Math.max(1, Math.floor(Math.min(READABLE, room, tall, oneColumn)));
  const common = commonNodeSize(counts, room, tall, least);
  return counts.map((count, c) => {
    const n = Math.max(0, Math.floor(count));
    if (n === 0) return [];
    const own = n > ONE_COLUMN ? spacing * (1 - WRAPPED_LINK_ROOM) : room;
    const size = largestFitting(n, n === 1 ? 2 * common : common, least, own, tall) ?? least;
    const mostRows = Math.min(n, rowsFor(size, tall));
    const drawn = Math.min(n, mostRows * subColumnsFor(size, own));
    const k = Math.ceil(drawn / mostRows);
    const rows = Math.ceil(drawn / k); // the sub-columns evened out: 16 units in three read 6 + 6 + 4, not 7 + 7 + 2
    const blockW = k * (size + GAP) - GAP;
    const blockH = rows * (size + GAP) - GAP;
    const x0 = columnCentre(c, columns, width, left) - blockW / 2;
    const y0 = top + (tall - blockH) / 2;
    const boxes: NodeBox[] = [];
    for (let i = 0; i < drawn; i++) {
      const col = Math.floor(i / rows); // down each sub-column first, so unit order reads top to bottom
      const row = i % rows;
      boxes.push({ x: Math.round(x0 + col * (size + GAP)), y: Math.round(y0 + row * (size + GAP)), size });
    }
    return boxes;
  });
}

/** The width each of `columns` columns takes of `width`, `left` pixels kept free at the left. */
export function columnSpacing(columns: number, width: number, left = 0): number {
  return (width - left) / Math.max(1, columns);
}

/** The middle of column `c` of `columns` across `width`, `left` pixels kept free: where its nodes and heading are centred. */
export function columnCentre(c: number, columns: number, width: number, left = 0): number {
  return left + columnSpacing(columns, width, left) * (c + 0.5);
}

/** Nodes of `size` that one sub-column of height `tall` holds (at least one). */
function rowsFor(size: number, tall: number): number {
  return Math.max(1, Math.floor((tall + GAP) / (size + GAP)));
}

/** Sub-columns of nodes of `size` side by side in `room` (at least one). */
function subColumnsFor(size: number, room: number): number {
  return Math.max(1, Math.floor((room + GAP) / (size + GAP)));
}

/** The largest whole node size from `max` down to `least` at which all `n` nodes fit in `room` × `tall`, wrapping into sub-columns; null where none does. */
function largestFitting(n: number, max: number, least: number, room: number, tall: number): number | null {
  for (let size = Math.floor(max); size >= least; size--) {
    if (n <= rowsFor(size, tall) * subColumnsFor(size, room) && size <= room && size <= tall) return size;
  }
  return null;
}

/** The size every column's nodes share: a quarter of the height, within the room, each column of up to eight nodes in one sub-column, `least` at the least. */
function commonNodeSize(counts: readonly number[], room: number, tall: number, least: number): number {
  let size = Math.min(tall / 4, room) - GAP;
  for (const count of counts) {
    const n = Math.floor(count);
    if (n > 1 && n <= ONE_COLUMN) size = Math.min(size, (tall + GAP) / n - GAP);
  }
  return Math.max(least, Math.floor(size));
}

/**
 * The `max` links of largest |weight| among those between the first `fromCount` and `toCount`
 * nodes, strongest first; `weight(to, from)` reads the matrix. Non-finite weights are left out.
 */
export function strongestLinks(weight: (to: number, from: number) => number, toCount: number, fromCount: number, max: number): DrawnLink[] {
  const all: DrawnLink[] = [];
  for (let to = 0; to < toCount; to++) {
    for (let from = 0; from < fromCount; from++) {
      const w = weight(to, from);
      if (Number.isFinite(w)) all.push({ from, to, weight: w });
    }
  }
  all.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  return all.slice(0, Math.max(0, max));
}

/** Distance from (px, py) to the segment (x1, y1)–(x2, y2). */
export function segmentDistance(px: number, py: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const length2 = dx * dx + dy * dy;
  const t = length2 > 0 ? Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / length2)) : 0;
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}

/**
 * A column's heading, as long as `fits` allows: "layer 1: 16 swish", with "(first 8)" where only
 * its first units are drawn; where that is too wide, its short form ("16 swish (first 8)"), then
 * "first 8 of 16". The last is drawn squeezed where even it does not fit.
 */
export function columnHeading(column: { heading: string; shortHeading?: string; units: number }, shown: number, fits: (text: string) => boolean): string {
  const { heading, units } = column;
  const short = column.shortHeading ?? heading;
  const texts = shown < units ? [`${heading} (first ${shown})`, `${short} (first ${shown})`, `first ${shown} of ${units}`] : [heading, short];
  return texts.find(fits) ?? texts.at(-1)!;
}
