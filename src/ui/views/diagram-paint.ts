// Paints a laid-out network diagram on its canvas: the links under the nodes (wide and opaque where
// |w| is large, red positive, blue negative), the selected link dashed, each column's heading, each
// node's picture, the input features' names beside their nodes and the features switched off faded.
import { paintGreyTile, paintSignedTile, setPixel, type PixelBuffer, type SizedCanvas } from './canvas';
import { divergingRgb, maxAbs, MISSING_RGB, unitRgb } from './colours';
import { linkEnds } from './diagram-hit';
import { columnCentre, columnHeading, columnSpacing, type NodeBox } from './diagram-layout';
import type { DiagramColumn, LinkAt, NodePicture, PlacedDiagram } from './diagram-types';

const HEADING_FONT = '600 11px system-ui, sans-serif';
const TEXT_COLOUR = '#4b4f56';
const LINK_POSITIVE = 'rgb(178, 24, 43)';
const LINK_NEGATIVE = 'rgb(33, 102, 172)';
const SWITCHED_OFF_VEIL = 'rgba(255, 255, 255, 0.72)';

/** Paints `placed` over the whole canvas; `selected` is drawn dashed over the others. */
export function paintDiagram(surface: SizedCanvas, pixels: PixelBuffer, placed: PlacedDiagram, selected: LinkAt | null): void {
  const { ctx, width, height } = surface;
  const { frame, links } = placed;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  // Links first, under the nodes: width and opacity by |w| relative to the matrix's strongest drawn.
  links.forEach((list, column) => {
    const strongest = list.length > 0 ? Math.abs(list[0]!.weight) || 1 : 1;
    for (let i = list.length - 1; i >= 0; i--) {
      const link = list[i]!;
      const t = Math.abs(link.weight) / strongest;
      ctx.strokeStyle = link.weight >= 0 ? LINK_POSITIVE : LINK_NEGATIVE;
      ctx.globalAlpha = 0.15 + 0.6 * t;
      ctx.lineWidth = 0.5 + 3 * t;
      strokeLink(ctx, placed, { column, link });
    }
  });
  ctx.globalAlpha = 1;
  if (selected) {
    ctx.strokeStyle = '#1c1e21';
    ctx.lineWidth = 2;
    ctx.setLineDash([4, 3]);
    strokeLink(ctx, placed, selected);
    ctx.setLineDash([]);
  }
  const columns = frame.columns.length;
  const spacing = columnSpacing(columns, width, placed.left);
  frame.columns.forEach((column, c) => {
    paintHeading(ctx, column, placed.boxes[c]!.length, columnCentre(c, columns, width, placed.left), Math.max(12, spacing - 14));
    paintColumn(ctx, pixels, column, placed.boxes[c]!);
  });
}

function strokeLink(ctx: CanvasRenderingContext2D, placed: PlacedDiagram, at: LinkAt): void {
  const ends = linkEnds(placed, at);
  if (!ends) return;
  ctx.beginPath();
  ctx.moveTo(ends[0], ends[1]);
  ctx.lineTo(ends[2], ends[3]);
  ctx.stroke();
}

/**
 * A column's heading at `x` (with how many of its units are drawn, where not all are), shortened to fit `maxWidth` (columnHeading). It sets its own font and
 * colour each time: the column before leaves its last node's fill and its class names' font behind.
 */
function paintHeading(ctx: CanvasRenderingContext2D, column: DiagramColumn, shown: number, x: number, maxWidth: number): void {
  ctx.font = HEADING_FONT;
  ctx.fillStyle = TEXT_COLOUR;
  ctx.textAlign = 'center';
  // A layer too tall for the card at a readable size draws its first units (a larger window draws more).
  const heading = columnHeading(column, shown, (text) => ctx.measureText(text).width <= maxWidth);
  ctx.fillText(heading, x, 13, maxWidth);
}

function paintColumn(ctx: CanvasRenderingContext2D, pixels: PixelBuffer, column: DiagramColumn, boxes: NodeBox[]): void {
  const picture = column.picture;
  const scale = picture?.kind === 'map' || picture?.kind === 'values' ? maxAbs(picture.values) || 1 : 1;
  const activityScale = column.activity ? maxAbs(column.activity) || 1 : 1;
  // The plane's inputs are named beside them, as Playground writes X₁ and X₂.
  const labelled = column.role === 'input' && picture?.kind === 'map';
  boxes.forEach((box, unit) => {
    if (!picture) {
      ctx.fillStyle = '#eef0f3';
      ctx.fillRect(box.x, box.y, box.size, box.size);
    } else if (picture.kind === 'values') {
      const rgb = unitRgb(picture.values[unit] ?? Number.NaN, scale, picture.classes ? unit : undefined);
      ctx.fillStyle = `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
      ctx.fillRect(box.x, box.y, box.size, box.size);
    } else {
      // The plane's inputs each on its own scale: x₁² reaches further than sin x₁.
      const own = labelled ? maxAbs(picture.values, unit, picture.values.length, column.units) || 1 : scale;
      paintNode(pixels, picture, unit, column.units, own);
      pixels.blitPixels(ctx, box.x, box.y, box.size, box.size, picture.kind === 'map');
    }
    const off = column.switches?.[unit] === false;
    if (off) {
      ctx.fillStyle = SWITCHED_OFF_VEIL;
      ctx.fillRect(box.x, box.y, box.size, box.size);
    }
    const activity = column.activity?.[unit];
    if (activity !== undefined && Number.isFinite(activity)) {
      const rgb = divergingRgb(activity / activityScale);
      ctx.strokeStyle = `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
      ctx.lineWidth = 3;
      ctx.strokeRect(box.x - 1.5, box.y - 1.5, box.size + 3, box.size + 3);
    }
    ctx.strokeStyle = off ? 'rgba(28, 30, 33, 0.25)' : 'rgba(28, 30, 33, 0.35)';
    ctx.lineWidth = 1;
    if (off) ctx.setLineDash([3, 2]);
    ctx.strokeRect(box.x + 0.5, box.y + 0.5, box.size - 1, box.size - 1);
    ctx.setLineDash([]);
    if (picture?.kind === 'values' && picture.classes && box.size >= 14) {
      ctx.fillStyle = '#1c1e21';
      ctx.font = `${Math.min(12, Math.floor(box.size * 0.55))}px system-ui, sans-serif`;
      ctx.textAlign = 'center';
      ctx.fillText(column.names[unit] ?? String(unit), box.x + box.size / 2, box.y + box.size * 0.68);
    }
    if (labelled && column.names[unit]) {
      ctx.fillStyle = off ? 'rgba(75, 79, 86, 0.6)' : TEXT_COLOUR;
      ctx.font = `${Math.min(13, Math.max(10, Math.floor(box.size * 0.4)))}px system-ui, sans-serif`;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(column.names[unit]!, box.x - 5, box.y + box.size / 2, Math.max(10, box.x - 7));
      ctx.textBaseline = 'alphabetic';
    }
  });
}

/** Paints node `unit`'s picture into the pixel buffer at its own resolution. */
function paintNode(pixels: PixelBuffer, picture: Exclude<NodePicture, { kind: 'values' }>, unit: number, units: number, scale: number): void {
  if (picture.kind === 'map') {
    const g = picture.grid;
    const image = pixels.begin(g, g);
    for (let r = 0; r < g; r++) {
      for (let c = 0; c < g; c++) {
        const rgb = unitRgb(picture.values[(r * g + c) * units + unit] ?? Number.NaN, scale, picture.classes ? unit : undefined);
        setPixel(image, c, r, rgb[0], rgb[1], rgb[2]);
      }
    }
    return;
  }
  const side = picture.side;
  const image = pixels.begin(side, side);
  if (picture.kind === 'images') paintSignedTile(image, 0, 0, picture.values, unit * side * side, side);
  else paintGreyTile(image, 0, 0, picture.values, 0, side, MISSING_RGB);
}
