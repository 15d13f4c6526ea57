// The page's settings for training with an assignment's derivation: the model it is written for (an
// MLP with its number of hidden layers and its activation, or the autoencoder), without a mistake of
// the gallery or an exercise. The rest of the run (data, widths where the depth already fits,
// optimizer, seed) stays as it is, so that the correct run of the same settings can be compared with
// it. The engine is the student's to choose: a derivation trains on the GPU engine alone, and the
// card says so rather than switch engines behind their back. No DOM here.
import type { Assignment } from '../../derive/index';
import type { PageSettings } from '../settings';

/** Why the page cannot train with an assignment's derivation now (in words, no full stop), or null. */
export function whyNotTrainable(a: Assignment, s: Readonly<PageSettings>, hasGpu: boolean): string | null {
  if (a.activation === 'custom') return 'your own activation is checked here, but the GPU kernels have no forward pass for it: it cannot train';
  if (!hasGpu) return 'this page has no GPU (WebGPU), and a derivation trains on the GPU engine';
  if (s.engine !== 'gpu')
    return `a derivation trains on the GPU engine alone, and this run's engine is ${ENGINE_WORDS[s.engine]}: choose GPU under Run → engine`;
  return null;
}

/** The engine choices as the panel names them. */
const ENGINE_WORDS: Readonly<Record<PageSettings['engine'], string>> = {
  gpu: 'the GPU',
  cpu: 'CPU (float32)',
  reference: 'reference (float64)',
  race: 'GPU and CPU (race)',
  'gpu-reference': 'GPU and reference',
};

/** The settings that make the page's run the assignment's model (only those that change). */
export function trainSettings(a: Assignment, s: Readonly<PageSettings>): Partial<PageSettings> {
  const changes: Partial<PageSettings> = { mistake: 'none', exercise: 0 };
  if (a.model === 'autoencoder') changes.model = 'autoencoder';
  else {
    changes.model = 'mlp';
    if (a.activation && a.activation !== 'custom') changes.activation = a.activation;
    const depth = a.sizes.model === 'mlp' ? a.sizes.hidden.length : 1;
    if (s.hidden.length !== depth) changes.hidden = widths(s.hidden[0] ?? 32, depth);
  }
  return Object.fromEntries(Object.entries(changes).filter(([k, v]) => s[k as keyof PageSettings] !== v)) as Partial<PageSettings>;
}

/** `depth` widths from the first, halved at each deeper layer (as the CLI's assignments have them). */
function widths(first: number, depth: number): number[] {
  return Array.from({ length: depth }, (_, i) => Math.max(1, Math.round(first / 2 ** i)));
}
