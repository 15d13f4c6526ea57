// The network itself, as TensorFlow Playground draws it: the inputs, every unit of every hidden
// layer as its own small picture (its activation over the input plane, or its weight image and
// current activation on MNIST), the outputs, and the links between them, wide where |w| is large,
// red positive and blue negative. Hovering a unit hands its map to the output view; clicking a link
// shows its weight, gradient and latest change; buttons add or remove layers and units.
import { createCanvas, paintGreyTile, paintSignedTile, PixelBuffer, setPixel, type SizedCanvas } from './canvas';
import { ViewCard } from './card';
import { divergingRgb, maxAbs, MISSING_RGB, unitRgb } from './colours';
import { layoutColumns, segmentDistance, strongestLinks, type DrawnLink, type NodeBox } from './diagram-layout';
import { formatNumber } from '../format';

const HEADER = 22; // the columns' headings above the nodes
const HEADING_FONT = '600 11px system-ui, sans-serif';
const HEADING_COLOUR = '#4b4f56';
/** Canvas height: less on a short screen (a projector's 768, a netbook's 600) so that the diagram stays on the first screen. */
const height = () => Math.max(200, Math.min(270, (globalThis.innerHeight || 800) - 360));
const MAX_NODES = 256; // per column; a wider layer says how many of its units are drawn
const MAX_LINKS = 160; // per weight matrix: the strongest
const LINK_POSITIVE = 'rgb(178, 24, 43)';
const LINK_NEGATIVE = 'rgb(33, 102, 172)';
export const MAX_LAYERS = 4;
export const MAX_UNITS = 4096;

/** What each node of a column shows. */
export type NodePicture =
  /** Each unit's value over the plane: [grid², units], row r = y from the top; `classes`: probabilities in class colours. */
  | { kind: 'map'; values: Float32Array; grid: number; classes?: boolean }
  /** Each unit's signed side×side image ([units, side²], e.g. its 784 weights), scaled per unit. */
  | { kind: 'images'; values: Float32Array; side: number }
  /** One node: a grey image in [0, 1] (the current sample, or its reconstruction). */
  | { kind: 'image'; values: Float32Array; side: number }
  /** One number per unit (its activation for the current sample); `classes`: probabilities. */
  | { kind: 'values'; values: Float32Array; classes?: boolean };

export interface DiagramColumn {
  role: 'input' | 'hidden' | 'output';
  heading: string;
  /** Nodes of the column (an image column has one). */
  units: number;
  /** Each node's name for its tooltip (index i when missing). */
  names: readonly string[];
  picture: NodePicture | null;
  /** The current sample's activation of each unit, drawn as the node's frame (with an 'images' picture). */
  activity?: Float32Array;
}

/** The weights between a column and the next: W[to, from] of tensor `tensor` at flat `index(to, from)`. */
export interface DiagramLinks {
  tensor: string;
  weight(to: number, from: number): number;
  index(to: number, from: number): number;
  /** "W2[3, 5]". */
  name(to: number, from: number): string;
}

export interface DiagramFrame {
  step: number;
  columns: DiagramColumn[];
  /** links[c] joins column c and column c + 1; null where none are drawn (an image input). */
  links: Array<DiagramLinks | null>;
  /** Why the first links are not drawn, when they are not. */
  note?: string;
}

export interface DiagramOptions {
  /** The pointer is over column `column`'s node `unit` (null: it left). */
  onHover?(column: number, unit: number | null): void;
  /** The gradient of the last step at one tensor element, read when a link is clicked. */
  gradient?(tensor: string, index: number): Promise<number | null>;
  /** Hidden widths chosen with the buttons (a shape change); absent: no buttons. */
  onReshape?(hidden: number[]): void;
  /** The canvas width, CSS pixels (default: the container's, up to 720). */
  width?: number;
}

interface Placed {
  frame: DiagramFrame;
  boxes: NodeBox[][];
  links: DrawnLink[][];
}

/** The diagram card: one canvas for the links and the pictures, one element per node on top. */
export class NetworkDiagramView {
  private readonly card: ViewCard;
  private readonly surface: SizedCanvas;
  private readonly nodesLayer: HTMLDivElement;
  private readonly inspector: HTMLParagraphElement;
  private readonly toolbar: HTMLDivElement;
  private readonly pixels = new PixelBuffer();
  private readonly height = height();
  private placed: Placed | null = null;
  private previous: DiagramFrame | null = null;
  private nodeKey = '';
  private selected: { column: number; link: DrawnLink } | null = null;

  constructor(
    container: HTMLElement,
    private hidden: number[],
    private readonly opts: DiagramOptions = {},
  ) {
    this.card = new ViewCard(
      container,
      'network-diagram',
      'The network',
      'Each unit drawn as its activation over the plane (red positive, blue negative); links wide where |w| is large.',
    );
    this.card.root.setAttribute('aria-label', 'network diagram');
    this.card.root.setAttribute('role', 'figure');
    this.toolbar = document.createElement('div');
    this.toolbar.className = 'diagram-toolbar';
    const stage = document.createElement('div');
    stage.className = 'diagram-stage';
    const width = Math.max(300, Math.floor(opts.width ?? (container.clientWidth > 0 ? Math.min(container.clientWidth, 746) - 26 : 480)));
    this.card.body.append(this.toolbar, stage);
    this.surface = createCanvas(stage, width, this.height);
    this.nodesLayer = document.createElement('div');
    this.nodesLayer.className = 'diagram-nodes';
    stage.append(this.nodesLayer);
    this.inspector = document.createElement('p');
    this.inspector.className = 'diagram-inspector';
    this.inspector.setAttribute('aria-live', 'polite');
    this.card.body.append(this.inspector);
    this.surface.canvas.addEventListener('click', (e) => this.clickAt(e));
    this.buildToolbar();
  }

  setCaption(text: string): void {
    this.card.setCaption(text);
  }

  /** Draws a frame: the nodes' pictures and the strongest links of each weight matrix. */
  update(frame: DiagramFrame): void {
    const { width } = this.surface;
    const counts = frame.columns.map((c) => Math.min(c.units, MAX_NODES));
    const boxes = layoutColumns(counts, width, this.height, 36, HEADER);
    const links = frame.links.map((l, c) => (l ? strongestLinks((to, from) => l.weight(to, from), counts[c + 1]!, counts[c]!, MAX_LINKS) : []));
    if (this.placed) this.previous = this.placed.frame;
    this.placed = { frame, boxes, links };
    this.draw();
    this.placeNodes();
    if (this.selected) this.describeLink(this.selected.column, this.selected.link);
    else if (!this.inspector.textContent) this.inspector.textContent = this.hint(frame);
  }

  destroy(): void {
    this.card.remove();
  }

  private hint(frame: DiagramFrame): string {
    const drawn = this.placed?.links.reduce((a, l) => a + l.length, 0) ?? 0;
    const total = frame.links.reduce((a, l, c) => a + (l ? frame.columns[c]!.units * frame.columns[c + 1]!.units : 0), 0);
    const links =
      total > drawn
        ? `the strongest ${drawn.toLocaleString('en')} of ${total.toLocaleString('en')} links are drawn`
        : `all ${total.toLocaleString('en')} links are drawn`;
    return `Hover a unit to see it large; click a link for its weight, gradient and latest change. ${links[0]!.toUpperCase()}${links.slice(1)}${frame.note ? `; ${frame.note}` : ''}.`;
  }

  private draw(): void {
    const { ctx, width } = this.surface;
    const placed = this.placed!;
    const { frame, boxes, links } = placed;
    ctx.clearRect(0, 0, width, this.height);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, this.height);
    // Links first, under the nodes: width and opacity by |w| relative to the matrix's strongest drawn.
    links.forEach((list, c) => {
      const strongest = list.length > 0 ? Math.abs(list[0]!.weight) || 1 : 1;
      for (let i = list.length - 1; i >= 0; i--) {
        const link = list[i]!;
        const a = boxes[c]![link.from]!;
        const b = boxes[c + 1]![link.to]!;
        const t = Math.abs(link.weight) / strongest;
        ctx.strokeStyle = link.weight >= 0 ? LINK_POSITIVE : LINK_NEGATIVE;
        ctx.globalAlpha = 0.15 + 0.6 * t;
        ctx.lineWidth = 0.5 + 3 * t;
        ctx.beginPath();
        ctx.moveTo(a.x + a.size, a.y + a.size / 2);
        ctx.lineTo(b.x, b.y + b.size / 2);
        ctx.stroke();
      }
    });
    ctx.globalAlpha = 1;
    if (this.selected) {
      const { column, link } = this.selected;
      const a = boxes[column]?.[link.from];
      const b = boxes[column + 1]?.[link.to];
      if (a && b) {
        ctx.strokeStyle = '#1c1e21';
        ctx.lineWidth = 2;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(a.x + a.size, a.y + a.size / 2);
        ctx.lineTo(b.x, b.y + b.size / 2);
        ctx.stroke();
        ctx.setLineDash([]);
      }
    }
    const spacing = width / frame.columns.length;
    frame.columns.forEach((column, c) => {
      this.drawHeading(column, spacing * (c + 0.5), Math.max(12, spacing - 14));
      this.drawColumn(column, boxes[c]!);
    });
  }

  /**
   * A column's heading at `x`, squeezed to `maxWidth` where it is wider. It sets its own font and
   * colour each time: the column before leaves its last node's fill and its class names' font behind.
   */
  private drawHeading(column: DiagramColumn, x: number, maxWidth: number): void {
    const { ctx } = this.surface;
    const shown = Math.min(column.units, MAX_NODES);
    const heading = shown < column.units ? `${column.heading} (${shown} of ${column.units})` : column.heading;
    ctx.font = HEADING_FONT;
    ctx.fillStyle = HEADING_COLOUR;
    ctx.textAlign = 'center';
    ctx.fillText(heading, x, 13, maxWidth);
  }

  private drawColumn(column: DiagramColumn, boxes: NodeBox[]): void {
    const { ctx } = this.surface;
    const picture = column.picture;
    const scale = picture?.kind === 'map' || picture?.kind === 'values' ? maxAbs(picture.values) || 1 : 1;
    const activityScale = column.activity ? maxAbs(column.activity) || 1 : 1;
    boxes.forEach((box, unit) => {
      if (!picture) {
        ctx.fillStyle = '#eef0f3';
        ctx.fillRect(box.x, box.y, box.size, box.size);
      } else if (picture.kind === 'values') {
        const rgb = unitRgb(picture.values[unit] ?? Number.NaN, scale, picture.classes ? unit : undefined);
        ctx.fillStyle = `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
        ctx.fillRect(box.x, box.y, box.size, box.size);
      } else {
        this.paintNode(picture, unit, column.units, scale);
        this.pixels.blitPixels(ctx, box.x, box.y, box.size, box.size, picture.kind === 'map');
      }
      const activity = column.activity?.[unit];
      if (activity !== undefined && Number.isFinite(activity)) {
        const rgb = divergingRgb(activity / activityScale);
        ctx.strokeStyle = `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
        ctx.lineWidth = 3;
        ctx.strokeRect(box.x - 1.5, box.y - 1.5, box.size + 3, box.size + 3);
      }
      ctx.strokeStyle = 'rgba(28, 30, 33, 0.35)';
      ctx.lineWidth = 1;
      ctx.strokeRect(box.x + 0.5, box.y + 0.5, box.size - 1, box.size - 1);
      if (picture?.kind === 'values' && picture.classes && box.size >= 14) {
        ctx.fillStyle = '#1c1e21';
        ctx.font = `${Math.min(12, Math.floor(box.size * 0.55))}px system-ui, sans-serif`;
        ctx.textAlign = 'center';
        ctx.fillText(column.names[unit] ?? String(unit), box.x + box.size / 2, box.y + box.size * 0.68);
      }
    });
  }

  /** Paints node `unit`'s picture into the pixel buffer at its own resolution. */
  private paintNode(picture: Exclude<NodePicture, { kind: 'values' }>, unit: number, units: number, scale: number): void {
    if (picture.kind === 'map') {
      const g = picture.grid;
      const image = this.pixels.begin(g, g);
      for (let r = 0; r < g; r++) {
        for (let c = 0; c < g; c++) {
          const rgb = unitRgb(picture.values[(r * g + c) * units + unit] ?? Number.NaN, scale, picture.classes ? unit : undefined);
          setPixel(image, c, r, rgb[0], rgb[1], rgb[2]);
        }
      }
      return;
    }
    const side = picture.side;
    const image = this.pixels.begin(side, side);
    if (picture.kind === 'images') paintSignedTile(image, 0, 0, picture.values, unit * side * side, side);
    else paintGreyTile(image, 0, 0, picture.values, 0, side, MISSING_RGB);
  }

  /** One element per node, over its picture: hover target, tooltip and the tests' handle. */
  private placeNodes(): void {
    const { frame, boxes } = this.placed!;
    const key = boxes.map((col) => col.map((b) => `${b.x},${b.y},${b.size}`).join(';')).join('|') + frame.columns.map((c) => c.heading).join();
    if (key === this.nodeKey) return;
    this.nodeKey = key;
    const nodes: HTMLElement[] = [];
    let hiddenLayer = 0;
    frame.columns.forEach((column, c) => {
      if (column.role === 'hidden') hiddenLayer += 1;
      boxes[c]!.forEach((box, unit) => {
        const node = document.createElement('div');
        node.className = 'diagram-unit';
        node.dataset.layer = column.role;
        node.dataset.unit = column.role === 'hidden' ? `layer${hiddenLayer}/${unit}` : `${column.role}/${unit}`;
        node.style.left = `${box.x}px`;
        node.style.top = `${box.y}px`;
        node.style.width = node.style.height = `${box.size}px`;
        const name = column.names[unit] ?? `unit ${unit + 1}`;
        node.title = `${column.heading}: ${name}`;
        node.addEventListener('pointerenter', () => this.opts.onHover?.(c, unit));
        node.addEventListener('pointerleave', () => this.opts.onHover?.(c, null));
        nodes.push(node);
      });
    });
    this.nodesLayer.replaceChildren(...nodes);
  }

  private clickAt(event: MouseEvent): void {
    if (!this.placed) return;
    const rect = this.surface.canvas.getBoundingClientRect();
    const [px, py] = [event.clientX - rect.left, event.clientY - rect.top];
    const { boxes, links } = this.placed;
    let best: { column: number; link: DrawnLink; d: number } | null = null;
    links.forEach((list, c) => {
      for (const link of list) {
        const a = boxes[c]![link.from]!;
        const b = boxes[c + 1]![link.to]!;
        const d = segmentDistance(px, py, a.x + a.size, a.y + a.size / 2, b.x, b.y + b.size / 2);
        if (d < 6 && (!best || d < best.d)) best = { column: c, link, d };
      }
    });
    const found = best as { column: number; link: DrawnLink; d: number } | null;
    this.selected = found ? { column: found.column, link: found.link } : null;
    this.draw();
    if (found) this.describeLink(found.column, found.link);
    else this.inspector.textContent = this.hint(this.placed.frame);
  }

  /** The inspector's line for a link: its weight now, its gradient at the last step, its change since the last frame. */
  private describeLink(column: number, link: DrawnLink): void {
    const frame = this.placed!.frame;
    const links = frame.links[column];
    if (!links) return;
    const { to, from } = link;
    const now = links.weight(to, from);
    const before = this.previous?.links[column]?.weight(to, from);
    const steps = this.previous ? frame.step - this.previous.step : 0;
    const parts = [`${links.name(to, from)}: weight ${formatNumber(now)}`];
    if (before !== undefined && steps > 0) parts.push(`changed by ${signed(now - before)} over the last ${steps.toLocaleString('en')} steps`);
    const text = parts.join(' · ');
    this.inspector.textContent = text;
    const gradient = this.opts.gradient;
    if (!gradient) return;
    void gradient(links.tensor, links.index(to, from)).then((g) => {
      if (this.inspector.textContent !== text || g === null) return;
      this.inspector.textContent = `${parts[0]} · gradient at the last step ${formatNumber(g)}${parts[1] ? ` · ${parts[1]}` : ''}`;
    });
  }

  private buildToolbar(): void {
    const reshape = this.opts.onReshape;
    if (!reshape) return;
    const h = this.hidden;
    const button = (label: string, title: string, enabled: boolean, next: () => number[]) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'view-button';
      b.textContent = label;
      b.title = title;
      b.disabled = !enabled;
      b.addEventListener('click', () => reshape(next()));
      return b;
    };
    const layers = document.createElement('span');
    layers.className = 'diagram-tools';
    layers.append(
      `layers: ${h.length}`,
      button('+ layer', 'Add a hidden layer as wide as the last one', h.length < MAX_LAYERS, () => [...h, h.at(-1)!]),
      button('− layer', 'Remove the last hidden layer', h.length > 1, () => h.slice(0, -1)),
    );
    const units = document.createElement('span');
    units.className = 'diagram-tools';
    h.forEach((width, l) => {
      const group = document.createElement('span');
      group.className = 'diagram-units';
      group.append(
        `${width} units`,
        button('+', `One more unit in layer ${l + 1}`, width < MAX_UNITS, () => h.map((w, i) => (i === l ? w + 1 : w))),
        button('−', `One unit fewer in layer ${l + 1}`, width > 1, () => h.map((w, i) => (i === l ? w - 1 : w))),
      );
      units.append(group);
    });
    this.toolbar.replaceChildren(layers, units);
  }
}

function signed(v: number): string {
  return `${v >= 0 ? '+' : ''}${formatNumber(v)}`;
}
