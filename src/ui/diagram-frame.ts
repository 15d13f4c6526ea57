// What the network diagram draws for a model at one moment: a column per layer with its pictures
// (the units' maps over the plane from one batched forward pass over the grid, or on MNIST the
// first layer's weight images and the current sample's activations) and the weight matrices
// between them, read in place from the parameters.
import { FEATURE_LABELS, FEATURES, type Feature } from '../data/features';
import { problemOf, type MlpShape } from '../reference/mlp';
import type { LayerOutputs } from '../train/engine';
import { autoencoderOutputs, softmaxRows } from '../train/predict';
import type { DiagramColumn, DiagramFrame, DiagramLinks } from './views/diagram-types';

/**
 * The diagram's inputs: the plane's grid (its points as the network's features, X [grid², F]; with
 * `every`, each of FEATURES over it [grid², 7], drawn as switches that turn features on and off), or
 * one sample image.
 */
export type DiagramInput =
  | { kind: 'plane'; grid: number; features: readonly Feature[]; X: Float32Array; every?: Float32Array }
  | { kind: 'image'; side: number; X: Float32Array }
  /** One sample of features that are neither a plane nor an image (a file of yours). */
  | { kind: 'sample'; X: Float32Array };

/**
 * W [rows, cols] row-major as the links from a column of `cols` nodes to one of `rows`; `columnOf`
 * maps a drawn node of the first column to its column of W (-1: a feature switched off, no link).
 */
function matrixLinks(tensor: string, W: Float32Array, cols: number, transposed = false, columnOf = (node: number) => node): DiagramLinks {
  // transposed: the decoder's Wᵀ read from W's [code, n] buffer.
  const index = (to: number, node: number) => {
    const from = columnOf(node);
    if (from < 0) return -1;
    return transposed ? from * cols + to : to * cols + from;
  };
  return {
    tensor,
    index,
    weight: (to, from) => W[index(to, from)] ?? Number.NaN,
    name: (to, node) => {
      const from = columnOf(node);
      return transposed ? `${tensor}[${from + 1}, ${to + 1}]` : `${tensor}[${to + 1}, ${from + 1}]`;
    },
  };
}

/** The first column's node → the network's input: every feature drawn, each at its place among those chosen. */
function inputColumnOf(input: DiagramInput): (node: number) => number {
  if (input.kind !== 'plane' || !input.every) return (node) => node;
  const { features } = input;
  return (node) => features.indexOf(FEATURES[node]!);
}

function inputColumn(input: DiagramInput): DiagramColumn {
  if (input.kind === 'sample') {
    return { role: 'input', heading: 'inputs', units: input.X.length, names: [], picture: { kind: 'values', values: input.X } };
  }
  if (input.kind === 'image') {
    return { role: 'input', heading: 'input', units: 1, names: ['the current sample'], picture: { kind: 'image', values: input.X, side: input.side } };
  }
  if (input.every) {
    return {
      role: 'input',
      heading: 'inputs',
      units: FEATURES.length,
      names: FEATURES.map((f) => FEATURE_LABELS[f]),
      picture: { kind: 'map', values: input.every, grid: input.grid },
      switches: FEATURES.map((f) => input.features.includes(f)),
    };
  }
  return {
    role: 'input',
    heading: 'inputs',
    units: input.features.length,
    names: input.features.map((f) => FEATURE_LABELS[f]),
    picture: { kind: 'map', values: input.X, grid: input.grid },
  };
}

/** The MLP's frame from the engine's forward pass over `input` (the grid's rows, or the one sample). */
export function mlpFrame(
  shape: MlpShape,
  params: Record<string, Float32Array>,
  step: number,
  input: DiagramInput,
  layers: LayerOutputs,
  activation: string,
): DiagramFrame {
  const widths = [shape.D, ...shape.hidden, shape.C];
  const L = widths.length - 1;
  const plane = input.kind === 'plane';
  const picture = (values: Float32Array) => (plane ? { kind: 'map' as const, values, grid: input.grid } : { kind: 'values' as const, values });
  const columns: DiagramColumn[] = [inputColumn(input)];
  shape.hidden.forEach((H, l) => {
    const values = layers.hidden[l]!;
    const column: DiagramColumn = {
      role: 'hidden',
      heading: `layer ${l + 1}: ${H} ${activation}`,
      shortHeading: `${H} ${activation}`,
      units: H,
      names: [],
      picture: picture(values),
    };
    if (input.kind === 'image' && l === 0) Object.assign(column, { picture: { kind: 'images', values: params.W1!, side: input.side }, activity: values });
    columns.push(column);
  });
  const rows = plane ? input.grid * input.grid : 1;
  if (problemOf(shape) === 'regression') {
    // One linear output: its value, signed like a hidden unit's, not a class's probability.
    columns.push({ role: 'output', heading: 'output', units: 1, names: ['predicted value'], picture: picture(layers.output) });
  } else {
    const probs = softmaxRows(layers.output, rows, shape.C);
    columns.push({
      role: 'output',
      heading: 'outputs',
      units: shape.C,
      names: Array.from({ length: shape.C }, (_, c) => (plane ? `class ${c}` : String(c))),
      picture: plane ? { kind: 'map', values: probs, grid: input.grid, classes: true } : { kind: 'values', values: probs, classes: true },
    });
  }
  const links: Array<DiagramLinks | null> = [];
  for (let l = 1; l <= L; l++) links.push(matrixLinks(`W${l}`, params[`W${l}`]!, widths[l - 1]!, false, l === 1 ? inputColumnOf(input) : undefined));
  if (input.kind !== 'image') return { step, columns, links };
  links[0] = null;
  return { step, columns, links, note: `W1's ${shape.D} weights of each unit are its image` };
}

/** The tied autoencoder's frame: inputs, the code units, the reconstructions. */
export function autoencoderFrame(m: number, n: number, W: Float32Array, step: number, input: DiagramInput): DiagramFrame {
  const plane = input.kind === 'plane';
  const rows = plane ? input.grid * input.grid : 1;
  const { code: Z, reconstructions: output } = autoencoderOutputs(W, m, n, input.X, rows);
  const heading = `code: ${m} linear`;
  if (input.kind === 'image') {
    return {
      step,
      columns: [
        inputColumn(input),
        { role: 'hidden', heading, units: m, names: [], picture: { kind: 'images', values: W, side: input.side }, activity: Z },
        { role: 'output', heading: 'reconstruction', units: 1, names: ['WᵀW x of the sample'], picture: { kind: 'image', values: output, side: input.side } },
      ],
      links: [null, null],
      note: "each code unit's image is its row of W, used to encode and to decode",
    };
  }
  const names = plane ? input.features.map((f) => `${FEATURE_LABELS[f]}, reconstructed`) : [];
  const code: DiagramColumn = {
    role: 'hidden',
    heading,
    units: m,
    names: [],
    picture: plane ? { kind: 'map', values: Z, grid: input.grid } : { kind: 'values', values: Z },
  };
  const out: DiagramColumn = {
    role: 'output',
    heading: 'reconstruction',
    units: n,
    names,
    picture: plane ? { kind: 'map', values: output, grid: input.grid } : { kind: 'values', values: output },
  };
  return {
    step,
    columns: [inputColumn(input), code, out],
    links: [matrixLinks('W', W, n, false, inputColumnOf(input)), matrixLinks('W', W, n, true)],
  };
}
