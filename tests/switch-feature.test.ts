// The diagram's input switches: a feature turned on or off keeps FEATURES' order, and the last one stays.
import { describe, expect, it } from 'vitest';
import { switchFeature } from '../src/data/features';

describe('switchFeature', () => {
  it('adds a feature in its place, removes one, and keeps the last one on', () => {
    expect(switchFeature(['x1', 'x2'], 'x1sq')).toEqual(['x1', 'x2', 'x1sq']);
    expect(switchFeature(['x2', 'sinx1'], 'x1')).toEqual(['x1', 'x2', 'sinx1']);
    expect(switchFeature(['x1', 'x2'], 'x1')).toEqual(['x2']);
    expect(switchFeature(['x2'], 'x2')).toEqual(['x2']);
  });
});
