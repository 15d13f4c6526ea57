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

const mlp: ModelSpec = { kind: 'mlp', shape: { D: 6, H: 9, C: 3 } };

describe('the math cards’ numbers', () => {
  it('one sample’s values follow the equations', () => {
    const { params, batch } = generatedCase(mlp, 4, 1);
    const x = batch.X.subarray(6, 12);
    const v = sampleValues(mlp, params, x, 2, 'correct');
    if (v.kind !== 'mlp') throw new Error('expected MLP values');
    expect(v.a.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(v.loss).toBeCloseTo(-Math.log(v.a[2]!), 10);
    v.GV.forEach((g, j) => expect(g).toBeCloseTo(v.GY[j]! * swishPrime(v.v[j]!), 12));
    const batchOfOne = mlpGradients(mlp.shape, mlpParamsFrom(params), Float64Array.from(x), Uint32Array.of(2), 1);
    expect(Array.from(v.GZ)).toEqual(Array.from(batchOfOne.GZ));
    const wrong = sampleValues(mlp, params, x, 2, 'wrong');
    if (wrong.kind !== 'mlp') throw new Error('expected MLP values');
    expect(wrong.fPrime[0]).not.toBeCloseTo(v.fPrime[0]!, 3);
  });

  it('activation statistics count every unit once and measure updates', () => {
    const { params, batch } = generatedCase(mlp, 8, 2);
    const s = activationStats(mlp.shape, params, batch.X, batch.labels, 8, 'correct', 10, null);
    expect(s.vHistogram.counts.reduce((a, b) => a + b, 0)).toBe(8 * 9);
    expect(s.fPrimeHistogram.lo).toBeGreaterThan(-0.2); // swish′ ≥ −0.0998
    expect(s.decreasing).toBeLessThanOrEqual(s.negative);
    expect(swishPrime(SWISH_MINIMUM_V)).toBeCloseTo(0, 6);
    expect(s.updateRatios).toBeNull();
    const moved = { ...params, W1: params.W1!.map((w) => w * 1.1) };
    const next = activationStats(mlp.shape, moved, batch.X, batch.labels, 8, 'correct', 20, { step: 10, params });
    expect(next.updateRatios!.W1).toBeCloseTo(0.1 / 1.1 / 10, 6);
    expect(next.updateRatios!.W2).toBe(0);
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

  it('keeps the other derivative’s curve only for a run with the same settings', () => {
    const runs = new RunCurves();
    runs.start('correct', 'A');
    runs.add([{ step: 0, loss: 1 }, { step: 1, loss: 0.5 }]);
    runs.start('wrong', 'A');
    runs.add([{ step: 0, loss: 1 }]);
    expect(runs.curves.correct!.steps).toEqual([0, 1]);
    expect(runs.curves.wrong!.losses[0]).toBeCloseTo(1, 12);
    runs.start('wrong', 'B');
    expect(runs.curves.correct).toBeUndefined();
    expect(runs.curves.wrong!.steps).toEqual([]);
  });

  it('cuts the current curve back to a restored step, the smoothing going on from the last point kept', () => {
    const runs = new RunCurves();
    runs.start('correct', 'A');
    runs.add([0, 1, 2, 3, 4].map((step) => ({ step, loss: 10 - step })));
    const kept = runs.curves.correct!.losses[2]!;
    runs.cutBack(3);
    expect(runs.curves.correct!.steps).toEqual([0, 1, 2]);
    runs.add([{ step: 3, loss: kept }]); // a loss equal to the smoothed value leaves it unchanged
    expect(runs.curves.correct!.steps).toEqual([0, 1, 2, 3]);
    expect(runs.curves.correct!.losses[3]).toBeCloseTo(kept, 12);
    runs.cutBack(0);
    expect(runs.curves.correct!.steps).toEqual([]);
    runs.add([{ step: 0, loss: 7 }]);
    expect(runs.curves.correct!.losses[0]).toBeCloseTo(7, 12); // a fresh start, no bias towards zero
  });
});
