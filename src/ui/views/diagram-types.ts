// What the network diagram draws (a frame: its columns, their pictures and the weight matrices
// between them) and where it put each part: shared by the frame's maker, the view, its painter and
// its link editor.
import type { DrawnLink, NodeBox } from './diagram-layout';

/** Nodes drawn per column at most; a wider layer says how many of its units are drawn. */
export const MAX_NODES = 256;

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
  /** The heading where a column is too narrow for it ("16 swish" for "layer 1: 16 swish"); the heading itself when absent. */
  shortHeading?: string;
  /** Nodes of the column (an image column has one). */
  units: number;
  /** Each node's name for its tooltip (index i when missing); an input column on the plane writes them beside its nodes. */
  names: readonly string[];
  picture: NodePicture | null;
  /** The current sample's activation of each unit, drawn as the node's frame (with an 'images' picture). */
  activity?: Float32Array;
  /** Nodes that a click switches on or off (a 2-D set's features), true where on: those off are drawn faded, without links. */
  switches?: readonly boolean[];
}

/**
 * The weights between a column and the next: W[to, from] of tensor `tensor` at flat `index(to, from)`
 * (-1, with a weight that is not a number, where a node has no link: an input switched off).
 */
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

/** A frame laid out on the canvas: each node's box, and the links drawn between each pair of columns. */
export interface PlacedDiagram {
  frame: DiagramFrame;
  /** Pixels kept free at the left for the inputs' names. */
  left: number;
  boxes: NodeBox[][];
  links: DrawnLink[][];
}

/** One drawn link: between column `column` and the next. */
export interface LinkAt {
  column: number;
  link: DrawnLink;
}
