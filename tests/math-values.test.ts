// The numbers behind the math cards, without a DOM: one sample's forward and backward values, the
// activation statistics, the PCA distances, and which loss curves are kept for the comparison plot.
import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../src/models/build';
import { swishPrime } from '../src/reference/activations';
import { mlpGradients, mlpParamsFrom } from '../src/reference/mlp';
import { generatedCase } from '../src/train/grad-check';
import { activationStats, SWISH_MINIMUM_V } from '../src/ui/math/activation-stats';
import { pcaPoint } from '../src/ui/math/pca-metrics';
import { RunCurves } from '../src/ui/math/run-curves';
import { sampleValues } from '../src/ui/math/sample-values';

const shape = { D: 6, hidden: [9], C: 3 };
const mlp: ModelSpec = { kind: 'mlp', shape };

describe('the math cards’ numbers', () => {
  it('one sample’s values follow the equations', () => {
    const { params, batch } = generatedCase(mlp, 4, 1);
    const x = batch.X.subarray(6, 12);
    const v = sampleValues(mlp, params, x, 2, 'none');
    if (v.kind !== 'mlp') throw new Error('expected MLP values');
    expect(v.a.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(v.loss).toBeCloseTo(-Math.log(v.a[2]!), 10);
    const [layer] = v.layers;
    layer!.GV.forEach((g, j) => expect(g).toBeCloseTo(layer!.GY[j]! * swishPrime(layer!.v[j]!), 12));
    const batchOfOne = mlpGradients(shape, mlpParamsFrom(shape, params), Float64Array.from(x), Uint32Array.of(2), 1);
    expect(Array.from(v.GZ)).toEqual(Array.from(batchOfOne.GZ));
    const wrong = sampleValues(mlp, params, x, 2, 'swish-prime');
    if (wrong.kind !== 'mlp') throw new Error('expected MLP values');
    expect(wrong.layers[0]!.fPrime[0]).not.toBeCloseTo(layer!.fPrime[0]!, 3);
  });

  it('at depth 3, each layer’s G_V is its G_Y times f′(v), and G_Y is the next layer’s G_V through its weights', () => {
    const deep: ModelSpec = { kind: 'mlp', shape: { D: 4, hidden: [5, 3, 6], C: 3, activation: 'tanh' } };
    const { params, batch } = generatedCase(deep, 2, 3);
    const v = sampleValues(deep, params, batch.X.subarray(0, 4), 1, 'none');
    if (v.kind !== 'mlp') throw new Error('expected MLP values');
    expect(v.layers.map((l) => l.v.length)).toEqual([5, 3, 6]);
    for (const layer of v.layers) layer.GV.forEach((g, j) => expect(g).toBeCloseTo(layer.GY[j]! * (1 - Math.tanh(layer.v[j]!) ** 2), 12));
    // G_Y of layer 1 = W2ᵀ G_V of layer 2.
    const W2 = params.W2!;
    const GV2 = v.layers[1]!.GV;
    for (let j = 0; j < 5; j++) {
      let sum = 0;
      for (let i = 0; i < 3; i++) sum += W2[i * 5 + j]! * GV2[i]!;
      expect(v.layers[0]!.GY[j]).toBeCloseTo(sum, 12);
    }
  });

  it('activation statistics count every unit once and measure updates', () => {
    const { params, batch } = generatedCase(mlp, 8, 2);
    const s = activationStats(shape, params, batch.X, batch.labels, 8, 'none', 10, null);
    const [layer] = s.layers;
    expect(s.layers).toHaveLength(1);
    expect(layer!.vHistogram.counts.reduce((a, b) => a + b, 0)).toBe(8 * 9);
    expect(layer!.fPrimeHistogram.lo).toBeGreaterThan(-0.2); // swish′ ≥ −0.0998
    expect(layer!.decreasing).toBeLessThanOrEqual(layer!.negative);
    expect(swishPrime(SWISH_MINIMUM_V)).toBeCloseTo(0, 6);
    expect(s.updateRatios).toBeNull();
    const moved = { ...params, W1: params.W1!.map((w) => w * 1.1) };
    const next = activationStats(shape, moved, batch.X, batch.labels, 8, 'none', 20, { step: 10, params });
    expect(next.updateRatios!.W1).toBeCloseTo(0.1 / 1.1 / 10, 6);
    expect(next.updateRatios!.W2).toBe(0);
  });

  it('statistics for each layer of a deep ReLU network, with the dead units of each', () => {
    const deep = { D: 4, hidden: [7, 5], C: 3, activation: 'relu' as const };
    const { params, batch } = generatedCase({ kind: 'mlp', shape: deep }, 6, 4);
    // Layer 2's biases far below zero: every unit of it is dead for every sample.
    const killed = { ...params, b2: params.b2!.map(() => -100) };
    const s = activationStats(deep, killed, batch.X, batch.labels, 6, 'none', 1, null);
    expect(s.layers.map((l) => [l.layer, l.units])).toEqual([
      [1, 7],
      [2, 5],
    ]);
    expect(s.layers[1]!.dead).toBe(1);
    expect(s.layers[1]!.negative).toBe(1);
    expect(s.layers[0]!.dead).toBeLessThan(1);
    expect(s.layers[0]!.vHistogram.counts.reduce((a, b) => a + b, 0)).toBe(6 * 7);
    expect(Object.keys(s.gradNorms)).toEqual(['W1', 'b1', 'W2', 'b2', 'W3', 'b3']);
  });

  it('PCA distances vanish at the principal subspace', () => {
    const top = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0]); // span(e0, e1) in R^4
    const rotated = Float64Array.from([Math.SQRT1_2, Math.SQRT1_2, 0, 0, -Math.SQRT1_2, Math.SQRT1_2, 0, 0]);
    const at = pcaPoint(5, rotated, top, 2, 4, 1.5, 1.25);
    expect(at.largestAngleDeg).toBeLessThan(1e-5);
    expect(at.orthoError).toBeLessThan(1e-12);
    expect(at.gap).toBeCloseTo(0.25, 12);
    const off = pcaPoint(5, Float64Array.from([1, 0, 0, 0, 0, 0, 1, 0]), top, 2, 4, null, 1);
    expect(off.largestAngleDeg).toBeCloseTo(90, 8);
    expect(off.gap).toBeNull();
  });

  it('keeps the other runs’ curves (correct or mistaken) only for a run with the same settings', () => {
    const runs = new RunCurves();
    runs.start('none', 'A');
    runs.add([
      { step: 0, loss: 1 },
      { step: 1, loss: 0.5 },
    ]);
    runs.start('swish-prime', 'A');
    runs.add([{ step: 0, loss: 1 }]);
    runs.start('update-sign', 'A');
    expect(runs.curves.none!.steps).toEqual([0, 1]);
    expect(runs.curves['swish-prime']!.losses[0]).toBeCloseTo(1, 12);
    expect(Object.keys(runs.curves).sort()).toEqual(['none', 'swish-prime', 'update-sign']);
    runs.start('swish-prime', 'B');
    expect(runs.curves.none).toBeUndefined();
    expect(runs.curves['update-sign']).toBeUndefined();
    expect(runs.curves['swish-prime']!.steps).toEqual([]);
  });

  it('cuts the current curve back to a restored step, the smoothing going on from the last point kept', () => {
    const runs = new RunCurves();
    runs.start('none', 'A');
    runs.add([0, 1, 2, 3, 4].map((step) => ({ step, loss: 10 - step })));
    const kept = runs.curves.none!.losses[2]!;
    runs.cutBack(3);
    expect(runs.curves.none!.steps).toEqual([0, 1, 2]);
    runs.add([{ step: 3, loss: kept }]); // a loss equal to the smoothed value leaves it unchanged
    expect(runs.curves.none!.steps).toEqual([0, 1, 2, 3]);
    expect(runs.curves.none!.losses[3]).toBeCloseTo(kept, 12);
    runs.cutBack(0);
    expect(runs.curves.none!.steps).toEqual([]);
    runs.add([{ step: 0, loss: 7 }]);
    expect(runs.curves.none!.losses[0]).toBeCloseTo(7, 12); // a fresh start, no bias towards zero
  });
});
