// The gradient-check card's line names what the backward pass is made of: an MLP's activation
// derivative, and for the autoencoder (no activation at all) the two terms of its dW, never swish′.
import { describe, expect, it } from 'vitest';
import { checkedLabel } from '../src/ui/math/grad-check-view';

describe('checkedLabel', () => {
  it('names no activation for the autoencoder, the derivative for an MLP off the default', () => {
    const autoencoder = checkedLabel({ model: 'autoencoder', activation: null });
    expect(autoencoder).toContain('no activation');
    expect(autoencoder).toContain('W v xᵀ + z vᵀ');
    expect(autoencoder).not.toMatch(/swish/);
    expect(checkedLabel({ model: 'mlp', activation: 'tanh' })).toBe(', tanh′');
    expect(checkedLabel({ model: 'mlp', activation: 'swish' })).toBe('');
  });
});
