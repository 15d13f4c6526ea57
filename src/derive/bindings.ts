// The names a derivation can use and define for a problem: its dimensions (B, D, H1, …, C; or B, n,
// m for the autoencoder), the tensors the forward pass gives with their named shapes, and every
// gradient name dNAME with its shape. The layout (names and shapes) needs no numbers; the bindings
// add the forward pass's values and the true gradients.
import { sizeDim, type Dim, type Shape } from './dims';
import type { Problem } from './problem';
import { tensor, type Tensor } from './tensor';
import type { AutoencoderTruth, MlpTruth } from './truth';

export interface GivenName {
  name: string;
  shape: Shape;
  /** "hidden layer 1's pre-activations". */
  description: string;
}

export interface GradientName {
  /** dW1, dZ, … */
  name: string;
  shape: Shape;
  /** The gradient of a parameter (dW1, db1, dW), which a derivation must define by default. */
  ofParameter: boolean;
}

/** A problem's names and shapes. */
export interface Layout {
  model: 'mlp' | 'autoencoder';
  /** In the order messages list them. */
  dimensions: Dim[];
  given: GivenName[];
  /** In the order of the backward pass. */
  gradients: GradientName[];
}

/** The layout with numbers: each given tensor's value, each gradient's true value, and the loss. */
export interface Bindings {
  layout: Layout;
  values: ReadonlyMap<string, Tensor>;
  truths: ReadonlyMap<string, Tensor>;
  /** The loss of the batch (mean cross-entropy, or mean ½‖v‖²). */
  loss: number;
}

export function layoutOf(p: Problem): Layout {
  const B: Dim = { size: p.B, name: 'B' };
  const at = (rows: Dim, cols: Dim): Shape => ({ rows, cols });
  if (p.model === 'autoencoder') {
    const n: Dim = { size: p.shape.n, name: 'n' };
    const m: Dim = { size: p.shape.m, name: 'm' };
    return {
      model: 'autoencoder',
      dimensions: [B, n, m],
      given: [
        { name: 'X', shape: at(B, n), description: 'the inputs, one sample per row' },
        { name: 'W', shape: at(m, n), description: 'the tied weights' },
        { name: 'Z', shape: at(B, m), description: 'the codes, X @ W.T' },
        { name: 'V', shape: at(B, n), description: 'the reconstruction errors, Z @ W - X' },
      ],
      gradients: [
        { name: 'dV', shape: at(B, n), ofParameter: false },
        { name: 'dZ', shape: at(B, m), ofParameter: false },
        { name: 'dW', shape: at(m, n), ofParameter: true },
      ],
    };
  }
  const { D, hidden, C } = p.shape;
  const L = hidden.length;
  const H = hidden.map((size, i): Dim => ({ size, name: `H${i + 1}` }));
  const widths: Dim[] = [{ size: D, name: 'D' }, ...H, { size: C, name: 'C' }];
  const classes = widths[L + 1]!;
  const given: GivenName[] = [
    { name: 'X', shape: at(B, widths[0]!), description: 'the inputs, one sample per row' },
    { name: 'T', shape: at(B, classes), description: 'the one-hot targets' },
  ];
  for (let l = 1; l <= L; l++) {
    given.push({ name: `V${l}`, shape: at(B, H[l - 1]!), description: `hidden layer ${l}'s pre-activations` });
    given.push({ name: `Y${l}`, shape: at(B, H[l - 1]!), description: `hidden layer ${l}'s activations, f(V${l})` });
  }
  given.push({ name: 'Z', shape: at(B, classes), description: 'the logits' }, { name: 'A', shape: at(B, classes), description: 'softmax(Z)' });
  for (let l = 1; l <= L + 1; l++) {
    given.push({ name: `W${l}`, shape: at(widths[l]!, widths[l - 1]!), description: `layer ${l}'s weights` });
    given.push({ name: `b${l}`, shape: at(sizeDim(1), widths[l]!), description: `layer ${l}'s bias, a row` });
  }
  const shapeOf = (name: string) => given.find((g) => g.name === name)!.shape;
  const gradients: GradientName[] = [
    { name: 'dA', shape: shapeOf('A'), ofParameter: false },
    { name: 'dZ', shape: shapeOf('Z'), ofParameter: false },
  ];
  for (let l = L + 1; l >= 1; l--) {
    gradients.push({ name: `dW${l}`, shape: shapeOf(`W${l}`), ofParameter: true }, { name: `db${l}`, shape: shapeOf(`b${l}`), ofParameter: true });
    if (l > 1)
      gradients.push(
        { name: `dY${l - 1}`, shape: shapeOf(`Y${l - 1}`), ofParameter: false },
        { name: `dV${l - 1}`, shape: shapeOf(`V${l - 1}`), ofParameter: false },
      );
  }
  return { model: 'mlp', dimensions: [B, ...widths], given, gradients };
}

export function mlpBindings(p: Extract<Problem, { model: 'mlp' }>, t: MlpTruth): Bindings {
  const { D, hidden, C } = p.shape;
  const widths = [D, ...hidden, C];
  const values = new Map<string, Tensor>([
    ['X', tensor(p.B, D, p.X)],
    ['T', t.T],
    ['Z', t.Z],
    ['A', t.A],
  ]);
  const truths = new Map<string, Tensor>([
    ['dA', t.dA],
    ['dZ', t.dZ],
  ]);
  hidden.forEach((_, i) => {
    values.set(`V${i + 1}`, t.V[i]!).set(`Y${i + 1}`, t.Y[i]!);
    truths.set(`dV${i + 1}`, t.dV[i]!).set(`dY${i + 1}`, t.dY[i]!);
  });
  for (let l = 1; l < widths.length; l++) {
    values.set(`W${l}`, tensor(widths[l]!, widths[l - 1]!, p.params[`W${l}`]!)).set(`b${l}`, tensor(1, widths[l]!, p.params[`b${l}`]!));
    truths.set(`dW${l}`, t.dW[l - 1]!).set(`db${l}`, t.db[l - 1]!);
  }
  return { layout: layoutOf(p), values, truths, loss: t.loss };
}

export function autoencoderBindings(p: Extract<Problem, { model: 'autoencoder' }>, t: AutoencoderTruth): Bindings {
  const { n, m } = p.shape;
  const values = new Map<string, Tensor>([
    ['X', tensor(p.B, n, p.X)],
    ['W', tensor(m, n, p.W)],
    ['Z', t.Z],
    ['V', t.V],
  ]);
  const truths = new Map<string, Tensor>([
    ['dV', t.dV],
    ['dZ', t.dZ],
    ['dW', t.dW],
  ]);
  return { layout: layoutOf(p), values, truths, loss: t.loss };
}
