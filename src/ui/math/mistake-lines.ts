// Where each backprop mistake of the gallery sits among the equations view's lines (their keys), and
// the line as the mistake wrote it beside the right one, in TeX. No DOM.
import type { Mistake } from '../../reference/mistakes';

export interface MistakeLine {
  /** Keys of the equation lines the mistake is in; guessing any of them finds it. */
  keys: string[];
  wrong: string;
  right: string;
}

/**
 * The lines of `mistake` in the equations of this model (`layers` hidden layers for the MLP; with
 * one, the lines carry no layer numbers, as the view writes them).
 */
export function mistakeLine(mistake: Mistake, model: 'mlp' | 'autoencoder', layers: number, regression = false): MistakeLine | null {
  const one = layers === 1;
  const sub = (l: number) => (one ? '' : `_{${l}}`);
  const out = layers + 1;
  switch (mistake) {
    case 'swish-prime':
      return {
        keys: ['sp'],
        wrong: String.raw`\operatorname{swish}'(v) = \sigma(v)\,(2 - \sigma(v))`,
        right: String.raw`\operatorname{swish}'(v) = \sigma(v)\,\bigl(1 + v\,(1 - \sigma(v))\bigr)`,
      };
    case 'w2-layout':
      return {
        keys: [one ? 'GY' : `GY${layers}`],
        wrong: `G_{Y${sub(layers)}} = \\underbrace{W_{${out}}}_{C \\times H \\text{ read as } H \\times C}\\, G_Z`,
        right: `G_{Y${sub(layers)}} = W_{${out}}^{\\top} G_Z`,
      };
    case 'no-batch-mean':
      if (model === 'autoencoder') {
        return {
          keys: ['dW'],
          wrong: String.raw`\partial L / \partial W = \textstyle\sum_{i < B} (u_i x_i^{\top} + z_i v_i^{\top})`,
          right: String.raw`\partial L / \partial W = \tfrac1B \textstyle\sum_{i < B} (u_i x_i^{\top} + z_i v_i^{\top})`,
        };
      }
      if (regression) {
        return {
          keys: ['GZ'],
          wrong: String.raw`G_Z = z - t \ \text{(summed over the batch)}`,
          right: String.raw`G_Z = (z - t) / B \ \text{(the loss is a mean)}`,
        };
      }
      return {
        keys: ['GZ'],
        wrong: String.raw`G_Z = a - \mathbb{1}_k \ \text{(summed over the batch)}`,
        right: String.raw`G_Z = (a - \mathbb{1}_k) / B \ \text{(the loss is a mean)}`,
      };
    case 'no-one-hot':
      return { keys: ['GZ'], wrong: String.raw`G_Z = a / B`, right: String.raw`G_Z = (a - \mathbb{1}_k) / B` };
    case 'bias-one-row':
      return {
        keys: Array.from({ length: out }, (_, i) => `dW${i + 1}`),
        wrong: String.raw`\partial L / \partial W = G\, y^{\top}, \quad \partial L / \partial b = G_{[\text{row } 0]}`,
        right: String.raw`\partial L / \partial b = \textstyle\sum_{i < B} G_{[\text{row } i]}`,
      };
    case 'ae-one-term':
      return model === 'autoencoder'
        ? { keys: ['dW'], wrong: String.raw`\partial L / \partial W = u\, x^{\top}`, right: String.raw`\partial L / \partial W = u\, x^{\top} + z\, v^{\top}` }
        : null;
    case 'update-sign':
      return {
        keys: ['update'],
        wrong: String.raw`p \leftarrow p + \eta\, \partial L / \partial p`,
        right: String.raw`p \leftarrow p - \eta\, \partial L / \partial p`,
      };
    default:
      return null;
  }
}
