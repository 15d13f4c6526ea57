// "Derive it yourself": a student's hand-derived backward pass, in a small numpy-like language,
// checked line by line against the true gradients in float64. No DOM, no GPU: the page, the CLI and
// the tests use the same code. What a page card or a code generator needs is exported here.
export { ASSIGNMENTS, assignmentById, assignmentProblem, solutionText, starterText, type Assignment, type AssignmentLine } from './assignments';
export { layoutOf, type Bindings, type GivenName, type GradientName, type Layout } from './bindings';
export { checkDerivation, type CheckOptions } from './check';
export { RIGHT_TOLERANCE } from './compare';
export { formatShape, sameSizedDimensions, type Dim, type Shape } from './dims';
export { BUILTIN_NAMES } from './functions';
export { parseDerivation } from './parser';
export { randomProblem, type AutoencoderProblem, type DeriveActivation, type MlpProblem, type Problem, type ProblemSizes } from './problem';
export type { DerivationReport, DerivationSummary, LineKind, LineReport, Verdict } from './report';
export type { Tensor } from './tensor';
export type {
  BinaryNode,
  CallNode,
  Definition,
  DeriveError,
  Expr,
  FunctionDefinition,
  NameNode,
  NegateNode,
  NumberNode,
  ParsedLine,
  Program,
  Span,
  TensorDefinition,
  TransposeNode,
} from './tree';
export { childrenOf, nodesOf, sourceOf } from './tree';
