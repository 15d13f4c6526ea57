// Where the network diagram puts its nodes and which links it draws: columns of square nodes that
// wrap into sub-columns when a layer is tall, and the strongest links of each weight matrix. Pure
// arithmetic, so that it is tested without a page.

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
const READABLE = 18; // a node this large shows its map well enough

/**
 * Boxes for `counts[c]` nodes in each column c, spread over width × height (`top` pixels kept free
 * above for the columns' headings). Each column takes the sub-column count that gives the largest
 * node, no larger than `maxNode`.
 */
export function layoutColumns(counts: readonly number[], width: number, height: number, maxNode = 36, top = 0): NodeBox[][] {
  const columns = counts.length;
  if (columns === 0) return [];
  const spacing = columns > 1 ? width / columns : width;
  const room = spacing * 0.62; // the rest of each column's width is left to the links
  const tall = height - top;
  return counts.map((count, c) => {
    const n = Math.max(0, Math.floor(count));
    if (n === 0) return [];
    // One sub-column while its nodes stay readable (as Playground draws them), else the largest nodes.
    let best = { k: 1, size: 0 };
    for (let k = 1; k <= n; k++) {
      const rows = Math.ceil(n / k);
      const size = Math.min(n === 1 ? 2 * maxNode : maxNode, tall / rows - GAP, room / k - GAP); // a lone node (an image) may be larger
      if (size > best.size) best = { k, size };
      if (size >= Math.min(maxNode, READABLE) || rows === 1) break;
    }
    const size = Math.max(1, Math.floor(best.size));
    const rows = Math.ceil(n / best.k);
    const blockW = best.k * (size + GAP) - GAP;
    const blockH = rows * (size + GAP) - GAP;
    const x0 = spacing * (c + 0.5) - blockW / 2;
    const y0 = top + (tall - blockH) / 2;
    const boxes: NodeBox[] = [];
    for (let i = 0; i < n; i++) {
      const col = Math.floor(i / rows); // down each sub-column first, so unit order reads top to bottom
      const row = i % rows;
      boxes.push({ x: Math.round(x0 + col * (size + GAP)), y: Math.round(y0 + row * (size + GAP)), size });
    }
    return boxes;
  });
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
