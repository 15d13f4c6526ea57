// The find-the-bug exercise: a teacher's link names a seed, and the run makes a mistake of the
// gallery drawn from it, hidden from the student until they pick the equation they believe is wrong.
import type { Activation } from '../reference/activations';
import { mistakesFor, type Mistake } from '../reference/mistakes';
import type { Problem } from '../reference/problem';

/**
 * The hidden mistake of exercise `seed`: drawn among those this model can make, so that one link
 * gives every student the same one. A test pins some draws: a change that would give an old link
 * another mistake (a new entry in the catalogue, say) shows there.
 */
export function exerciseMistake(seed: number, model: 'mlp' | 'autoencoder', activation: Activation | null, problem?: Problem): Mistake {
  const candidates = mistakesFor(model, activation, problem).filter((m) => m !== 'none');
  return candidates[mix32(seed) % candidates.length]!;
}

/** A 32-bit integer hash (xor-shift-multiply rounds): nearby seeds land far apart. */
function mix32(seed: number): number {
  let h = seed >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
