// Which drawn link of the network diagram a point is on: each link's segment as the painter draws
// it, and the nearest within a few pixels. Pure arithmetic, so that it is tested without a page.
import { segmentDistance } from './diagram-layout';
import type { LinkAt, PlacedDiagram } from './diagram-types';

/** The segment a link is drawn along: from the right edge of one node to the left edge of the next. */
export function linkEnds(placed: PlacedDiagram, at: LinkAt): [number, number, number, number] | null {
  const a = placed.boxes[at.column]?.[at.link.from];
  const b = placed.boxes[at.column + 1]?.[at.link.to];
  return a && b ? [a.x + a.size, a.y + a.size / 2, b.x, b.y + b.size / 2] : null;
}

/** The drawn link nearest (x, y), CSS pixels from the diagram's top left, if one is closer than `within`. */
export function nearestLink(placed: PlacedDiagram, x: number, y: number, within: number): LinkAt | null {
  let best: LinkAt | null = null;
  let bestDistance = within;
  placed.links.forEach((list, column) => {
    for (const link of list) {
      const ends = linkEnds(placed, { column, link });
      if (!ends) continue;
      const d = segmentDistance(x, y, ...ends);
      if (d < bestDistance) {
        best = { column, link };
        bestDistance = d;
      }
    }
  });
  return best;
}
