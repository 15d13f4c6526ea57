// The built-in assignments: which model, which gradients to derive, a correct solution with a hint
// per line, and which lines a student is given to start from (a teacher's link may give others).
import { randomProblem, type DeriveActivation, type Problem, type ProblemSizes } from './problem';

export interface AssignmentLine {
  /** The line as a student would type it. */
  text: string;
  /** What to think of, without giving the line away. */
  hint: string;
  /** Shown to the student from the start. */
  given: boolean;
}

export interface Assignment {
  id: string;
  title: string;
  /** What to derive, in a sentence or two. */
  task: string;
  model: 'mlp' | 'autoencoder';
  /** The MLP's hidden activation ('custom': the student's f); null for the autoencoder. */
  activation: DeriveActivation | null;
  /** The sizes of its generated problems (the CLI takes the widths from --hidden, the count from here). */
  sizes: ProblemSizes;
  /** The names a derivation must define. */
  required: string[];
  solution: AssignmentLine[];
}

const line = (text: string, hint: string, given = false): AssignmentLine => ({ text, hint, given });

export const ASSIGNMENTS: readonly Assignment[] = [
  {
    id: 'autoencoder',
    title: 'Tied-weight autoencoder: the gradient of a weight used twice',
    task: 'Derive dW for the loss (1/B) Σ ½‖v‖², with Z = X @ W.T and V = Z @ W - X.',
    model: 'autoencoder',
    activation: null,
    sizes: { model: 'autoencoder', n: 6, m: 3, B: 8 },
    required: ['dW'],
    solution: [
      line('dV = V / B', 'the loss is the mean over the rows of ½‖v‖², and ½v² differentiates to v', true),
      line('dZ = dV @ W.T', 'V = Z @ W - X: Z meets W on the left of a product, so its gradient takes Wᵀ on the right'),
      line('dW = dZ.T @ X + Z.T @ dV', 'W appears twice, as the encoder in Z = X @ W.T and as the decoder in Z @ W: add both terms'),
    ],
  },
  {
    id: 'swish-mlp',
    title: "Two-layer MLP with swish: the seed's derivation",
    task: 'Derive the gradients of W1, b1, W2 and b2 for the mean cross-entropy, with Y1 = V1 σ(V1).',
    model: 'mlp',
    activation: 'swish',
    sizes: { model: 'mlp', D: 5, hidden: [6], C: 3, activation: 'swish', B: 8 },
    required: ['dW1', 'db1', 'dW2', 'db2'],
    solution: [
      line('dZ = (A - T) / B', 'softmax and cross-entropy together give a − onehot per row; the loss is a mean over B rows', true),
      line('dW2 = dZ.T @ Y1', 'Z = Y1 @ W2.T + b2: a sum over the batch of outer products, one per row'),
      line('db2 = sum(dZ, 0)', 'the bias is added to every row, so its gradient sums over the rows'),
      line('dY1 = dZ @ W2', 'W2 is [C, H1]: which way round takes a [B, C] gradient to [B, H1]?'),
      line('dV1 = dY1 * sigmoid(V1) * (1 + V1 * (1 - sigmoid(V1)))', 'swish(v) = v σ(v) is a product: differentiate both factors (σ′ = σ(1 − σ))'),
      line('dW1 = dV1.T @ X', 'as for W2, one layer down'),
      line('db1 = sum(dV1, 0)', 'as for b2, one layer down'),
    ],
  },
  {
    id: 'deep-tanh',
    title: 'Three-layer MLP with tanh',
    task: 'Derive the gradients of every weight and bias of a network with two tanh hidden layers.',
    model: 'mlp',
    activation: 'tanh',
    sizes: { model: 'mlp', D: 5, hidden: [6, 4], C: 3, activation: 'tanh', B: 8 },
    required: ['dW1', 'db1', 'dW2', 'db2', 'dW3', 'db3'],
    solution: [
      line('dZ = (A - T) / B', 'softmax and cross-entropy together give a − onehot per row, over B rows', true),
      line('dW3 = dZ.T @ Y2', 'the output layer reads Y2'),
      line('db3 = sum(dZ, 0)', 'sum over the rows'),
      line('dY2 = dZ @ W3', 'back through the output weights'),
      line('dV2 = dY2 * (1 - Y2 * Y2)', 'tanh′(v) = 1 − tanh²(v), and Y2 already holds tanh(V2)'),
      line('dW2 = dV2.T @ Y1', 'layer 2 reads Y1'),
      line('db2 = sum(dV2, 0)', 'sum over the rows'),
      line('dY1 = dV2 @ W2', 'back through W2'),
      line('dV1 = dY1 * (1 - Y1 * Y1)', 'the same derivative, one layer down'),
      line('dW1 = dV1.T @ X', 'layer 1 reads X'),
      line('db1 = sum(dV1, 0)', 'sum over the rows'),
    ],
  },
  {
    id: 'custom-activation',
    title: 'Your own activation',
    task: 'Choose an activation f(v) and write its derivative fprime(v) (checked against f by finite differences), then the gradients of the network that uses it.',
    model: 'mlp',
    activation: 'custom',
    sizes: { model: 'mlp', D: 4, hidden: [5], C: 3, activation: 'custom', B: 7 },
    required: ['f', 'fprime', 'dW1', 'db1', 'dW2', 'db2'],
    solution: [
      line('f(v) = log(1 + exp(v))', 'any smooth function of v will do: softplus is one', true),
      line('fprime(v) = sigmoid(v)', 'differentiate f by the chain rule'),
      line('dZ = (A - T) / B', 'softmax and cross-entropy together give a − onehot per row, over B rows', true),
      line('dW2 = dZ.T @ Y1', 'a sum of outer products over the batch'),
      line('db2 = sum(dZ, 0)', 'sum over the rows'),
      line('dY1 = dZ @ W2', 'back through W2'),
      line('dV1 = dY1 * fprime(V1)', 'entry by entry, through your activation'),
      line('dW1 = dV1.T @ X', 'one layer down'),
      line('db1 = sum(dV1, 0)', 'sum over the rows'),
    ],
  },
];

export function assignmentById(id: string): Assignment | undefined {
  return ASSIGNMENTS.find((a) => a.id === id);
}

/** The correct derivation, one line per line. */
export function solutionText(a: Assignment): string {
  return `${a.solution.map((l) => l.text).join('\n')}\n`;
}

/**
 * What a student starts from: the task as a comment, the given lines, and for every other line a
 * comment with its name and hint. `given` names the lines to give (default: the assignment's own).
 */
export function starterText(a: Assignment, given?: ReadonlySet<string>): string {
  const isGiven = (l: AssignmentLine) => (given ? given.has(definedName(l.text)) : l.given);
  const lines = a.solution.map((l) => (isGiven(l) ? l.text : `# ${definedName(l.text)} = ?   (${l.hint})`));
  return `# ${a.title}\n# ${a.task}\n${lines.join('\n')}\n`;
}

/** A problem of this assignment drawn from a seed, at its sizes. */
export function assignmentProblem(a: Assignment, seed: number): Problem {
  return randomProblem(a.sizes, seed);
}

/** "dW2" of "dW2 = …", "fprime" of "fprime(v) = …". */
function definedName(text: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*/.exec(text)![0];
}
