// What an MLP's output is trained for, shared by the model (mlp.ts) and the mistakes it can make
// (mistakes.ts): a leaf, so that neither imports the other for it.

/**
 * Classes, through softmax cross-entropy; or a real value, through a linear output and the squared
 * error L = ½ (z − t)² (a regression, which has one output).
 */
export const PROBLEMS = ['classification', 'regression'] as const;
export type Problem = (typeof PROBLEMS)[number];
