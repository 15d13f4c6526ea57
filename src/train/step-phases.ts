// The passes of one training step, in order, as both engines time them (src/bench): the forward
// pass, the loss with its gradient, the backward pass, the optimizer's update.

export const PHASES = ['forward', 'loss', 'backward', 'update'] as const;
export type Phase = (typeof PHASES)[number];
