// The network itself, as TensorFlow Playground draws it: the inputs (on a 2-D set, every feature,
// named, a click switching it on or off), every unit of every hidden layer as its own picture (its
// activation over the input plane, or its weight image and current activation on MNIST), the
// outputs, and the links between them, wide where |w| is large, red positive and blue negative. The
// canvas fills its card and follows the window. Hovering a unit hands its map to the output view;
// hovering a link shows its weight, clicking it opens its editor; buttons add or remove layers and units.
import { createCanvas, PixelBuffer, resizeCanvas, type SizedCanvas } from './canvas';
import { ViewCard } from './card';
import { LinkEditor, withMinus } from './diagram-link-editor';
import { nearestLink } from './diagram-hit';
import { layoutColumns, strongestLinks } from './diagram-layout';
import { paintDiagram } from './diagram-paint';
import { MAX_NODES, type DiagramFrame, type LinkAt, type PlacedDiagram } from './diagram-types';

export type { DiagramColumn, DiagramFrame, DiagramLinks, NodePicture } from './diagram-types';

const HEADER = 22; // the columns' headings above the nodes
const INPUT_NAMES = 36; // pixels at the left for the inputs' names ("sin x₁")
const MAX_LINKS = 160; // per weight matrix: the strongest
const NEAR_LINK = 6; // pixels from a link that still point at it
export const MAX_LAYERS = 4;
export const MAX_UNITS = 4096;

export interface DiagramOptions {
  /** The pointer is over column `column`'s node `unit` (null: it left). */
  onHover?(column: number, unit: number | null): void;
  /** The gradient of the last step at one tensor element, read when a link is selected. */
  gradient?(tensor: string, index: number): Promise<number | null>;
  /** Hidden widths chosen with the buttons (a shape change); absent: no buttons. */
  onReshape?(hidden: number[]): void;
  /** A link's weight typed in its editor: the run trains from it at its next step. Absent: the editor only shows. */
  onEditWeight?(tensor: string, index: number, value: number): void;
  /** An input node with a switch was clicked (a 2-D set's feature `unit` of FEATURES). */
  onSwitchInput?(unit: number): void;
}

/** The diagram card: one canvas for the links and the pictures, one element per node on top. */
export class NetworkDiagramView {
  private readonly card: ViewCard;
  private readonly stage: HTMLDivElement;
  private readonly surface: SizedCanvas;
  private readonly nodesLayer: HTMLDivElement;
  private readonly tooltip: HTMLDivElement;
  private readonly editor: LinkEditor;
  private readonly toolbar: HTMLDivElement;
  private readonly pixels = new PixelBuffer();
  private readonly resizes: ResizeObserver;
  private placed: PlacedDiagram | null = null;
  private previous: DiagramFrame | null = null;
  private nodeKey = '';

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
    // The stage's size is the style sheet's (views.css: the card's width, a height that follows the window's).
    this.stage = document.createElement('div');
    this.stage.className = 'diagram-stage';
    this.card.body.append(this.toolbar, this.stage);
    this.surface = createCanvas(this.stage, Math.max(1, this.stage.clientWidth), Math.max(1, this.stage.clientHeight));
    this.nodesLayer = document.createElement('div');
    this.nodesLayer.className = 'diagram-nodes';
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'diagram-tooltip';
    this.tooltip.setAttribute('role', 'tooltip');
    this.tooltip.hidden = true;
    this.stage.append(this.nodesLayer, this.tooltip);
    this.editor = new LinkEditor({
      gradient: opts.gradient,
      edit: opts.onEditWeight,
      closed: () => this.select(null),
    });
    this.card.body.append(this.editor.element);
    const canvas = this.surface.canvas;
    canvas.addEventListener('click', (e) => this.select(this.linkAt(e)));
    canvas.addEventListener('pointermove', (e) => this.showTooltip(e));
    canvas.addEventListener('pointerleave', () => {
      this.tooltip.hidden = true;
    });
    this.resizes = new ResizeObserver(() => this.fitStage());
    this.resizes.observe(this.stage);
    this.buildToolbar();
  }

  setCaption(text: string): void {
    this.card.setCaption(text);
  }

  /** Draws a frame: the nodes' pictures and the strongest links of each weight matrix. */
  update(frame: DiagramFrame): void {
    if (this.placed) this.previous = this.placed.frame;
    this.place(frame);
  }

  destroy(): void {
    this.resizes.disconnect();
    this.card.remove();
  }

  /** Lays `frame` out at the canvas's size and draws it. */
  private place(frame: DiagramFrame): void {
    const { width, height } = this.surface;
    const counts = frame.columns.map((c) => Math.min(c.units, MAX_NODES));
    // The plane's inputs are named at their left, as Playground writes X₁ and X₂: room for the names.
    const first = frame.columns[0];
    const left = first?.role === 'input' && first.picture?.kind === 'map' ? INPUT_NAMES : 0;
    // A layer taller than the card holds at a readable size draws its first units (its heading says how many).
    const boxes = layoutColumns(counts, width, height, HEADER, left);
    const drawn = boxes.map((b) => b.length);
    const links = frame.links.map((l, c) => (l ? strongestLinks((to, from) => l.weight(to, from), drawn[c + 1]!, drawn[c]!, MAX_LINKS) : []));
    this.placed = { frame, left, boxes, links };
    // The selected link stays selected where it is still drawn.
    const selected = this.editor.selected;
    const still = selected && links[selected.column]?.find((l) => l.to === selected.link.to && l.from === selected.link.from);
    if (selected && !still) this.editor.select(null, this.placed, this.previous);
    else if (selected && still) this.editor.keep({ column: selected.column, link: still });
    paintDiagram(this.surface, this.pixels, this.placed, this.editor.selected);
    this.placeNodes();
    this.editor.update(this.placed, this.previous);
    this.editor.showHint(this.hint(frame));
  }

  /** The stage was resized (the window, the card): the canvas takes its size and the frame is laid out again. */
  private fitStage(): void {
    const [width, height] = [this.stage.clientWidth, this.stage.clientHeight];
    if (width === 0 || height === 0 || (width === this.surface.width && height === this.surface.height)) return;
    resizeCanvas(this.surface, width, height);
    if (this.placed) this.place(this.placed.frame);
  }

  private hint(frame: DiagramFrame): string {
    const drawn = this.placed?.links.reduce((a, l) => a + l.length, 0) ?? 0;
    // The links between the nodes drawn (a layer too tall for the card draws its first units: its heading says so).
    const shown = (c: number) => this.placed?.boxes[c]?.length ?? frame.columns[c]!.units;
    const total = frame.links.reduce((a, l, c) => {
      const from = frame.columns[c]!;
      const on = from.switches ? from.switches.slice(0, shown(c)).filter(Boolean).length : shown(c);
      return a + (l ? on * shown(c + 1) : 0);
    }, 0);
    const switches = frame.columns.some((c) => c.switches);
    const parts = [`Hover a unit to see it large, a link for its weight; click a link to edit it${switches ? ', an input to switch it' : ''}.`];
    if (total > drawn)
      parts.push(`The strongest ${drawn.toLocaleString('en')} of ${total.toLocaleString('en')} links are drawn${frame.note ? `; ${frame.note}` : ''}.`);
    else if (frame.note) parts.push(`${frame.note[0]!.toUpperCase()}${frame.note.slice(1)}.`);
    return parts.join(' ');
  }

  /** One element per node, over its picture: hover target, tooltip, an input's switch and the tests' handle. */
  private placeNodes(): void {
    const { frame, boxes } = this.placed!;
    const key =
      boxes.map((col) => col.map((b) => `${b.x},${b.y},${b.size}`).join(';')).join('|') +
      frame.columns.map((c) => `${c.heading}:${c.switches?.join() ?? ''}`).join();
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
        const on = column.switches?.[unit];
        if (on !== undefined && this.opts.onSwitchInput) {
          node.setAttribute('role', 'switch');
          node.setAttribute('aria-checked', String(on));
          node.setAttribute('aria-label', `input ${name}`);
          node.title = `${name}: ${on ? 'an input of the network; click to leave it out' : 'not an input; click to add it'} (a rebuild)`;
          node.tabIndex = 0;
          node.addEventListener('click', () => this.opts.onSwitchInput?.(unit));
          node.addEventListener('keydown', (e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              this.opts.onSwitchInput?.(unit);
            }
          });
        }
        node.addEventListener('pointerenter', () => this.opts.onHover?.(c, unit));
        node.addEventListener('pointerleave', () => this.opts.onHover?.(c, null));
        nodes.push(node);
      });
    });
    this.nodesLayer.replaceChildren(...nodes);
  }

  /** The drawn link under the pointer, within a few pixels. */
  private linkAt(event: MouseEvent): LinkAt | null {
    if (!this.placed) return null;
    const rect = this.surface.canvas.getBoundingClientRect();
    return nearestLink(this.placed, event.clientX - rect.left, event.clientY - rect.top, NEAR_LINK);
  }

  /** Opens the editor on a link (null: closes it) and redraws with it marked. */
  private select(at: LinkAt | null): void {
    const placed = this.placed;
    if (!placed) return;
    this.editor.select(at, placed, this.previous);
    paintDiagram(this.surface, this.pixels, placed, at);
    if (!at) this.editor.showHint(this.hint(placed.frame));
  }

  /** "W2[1, 3] = −0.412" beside the pointer while it is over a link. */
  private showTooltip(event: PointerEvent): void {
    const at = this.linkAt(event);
    const links = at && this.placed?.frame.links[at.column];
    if (!at || !links) {
      this.tooltip.hidden = true;
      return;
    }
    const { to, from } = at.link;
    this.tooltip.textContent = `${links.name(to, from)} = ${withMinus(links.weight(to, from))}`;
    const rect = this.surface.canvas.getBoundingClientRect();
    const [x, y] = [event.clientX - rect.left, event.clientY - rect.top];
    // Beside the pointer, kept inside the stage.
    this.tooltip.hidden = false;
    const left = Math.min(x + 12, this.surface.width - this.tooltip.offsetWidth - 2);
    this.tooltip.style.left = `${Math.max(0, left)}px`;
    this.tooltip.style.top = `${Math.max(0, y - 28)}px`;
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
