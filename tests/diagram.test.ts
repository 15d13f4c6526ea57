// The network diagram's arithmetic and frames without a page: where nodes go, which links are drawn,
// how a click finds a link, the frames' columns for each model and input, and the digit grid's order.
import { describe, expect, it } from 'vitest';
import { autoencoderOutputs, softmaxRows } from '../src/train/predict';
import { autoencoderFrame, mlpFrame } from '../src/ui/diagram-frame';
import { maxAbs } from '../src/ui/views/colours';
import { layoutColumns, segmentDistance, strongestLinks } from '../src/ui/views/diagram-layout';
import { digitRows } from '../src/ui/views/digit-order';

describe('diagram layout', () => {
  it('gives every node a box inside the canvas, apart from the others, in one sub-column while readable', () => {
    const counts = [2, 8, 32, 200, 3];
    const boxes = layoutColumns(counts, 600, 270, 36, 22);
    expect(boxes.map((c) => c.length)).toEqual(counts);
    for (const column of boxes) {
      for (const b of column) {
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.y).toBeGreaterThanOrEqual(22);
        expect(b.x + b.size).toBeLessThanOrEqual(600);
        expect(b.y + b.size).toBeLessThanOrEqual(270);
      }
      for (let i = 1; i < column.length; i++) {
        const [a, b] = [column[i - 1]!, column[i]!];
        expect(a.x + a.size <= b.x || a.y + a.size <= b.y || b.x + b.size <= a.x).toBe(true); // no overlap with the next
      }
    }
    expect(new Set(boxes[1]!.map((b) => b.x)).size).toBe(1); // 8 units: one column
    expect(new Set(boxes[3]!.map((b) => b.x)).size).toBeGreaterThan(1); // 200 units wrap
    expect(layoutColumns([], 100, 100)).toEqual([]);
    expect(layoutColumns([0, 1], 100, 100)[0]).toEqual([]);
  });

  it('keeps the strongest links, strongest first, and leaves out non-finite weights', () => {
    const W = [0.1, -3, 2, Number.NaN, 0.5, -0.2]; // [2, 3]
    const links = strongestLinks((to, from) => W[to * 3 + from]!, 2, 3, 3);
    expect(links).toEqual([
      { from: 1, to: 0, weight: -3 },
      { from: 2, to: 0, weight: 2 },
      { from: 1, to: 1, weight: 0.5 },
    ]);
    expect(strongestLinks(() => 1, 4, 5, 1000)).toHaveLength(20);
  });

  it('measures the distance to a link segment and the largest |v|', () => {
    expect(segmentDistance(5, 3, 0, 0, 10, 0)).toBeCloseTo(3);
    expect(segmentDistance(-4, 3, 0, 0, 10, 0)).toBeCloseTo(5);
    expect(segmentDistance(1, 1, 2, 2, 2, 2)).toBeCloseTo(Math.SQRT2);
    expect(maxAbs([1, -7, Number.NaN, 3])).toBe(7);
    expect(maxAbs([5, -7, 9, 3], 0, 4, 2)).toBe(9);
  });
});

describe('diagram frames', () => {
  const shape = { D: 2, hidden: [3, 2], C: 2 };
  const params = {
    W1: Float32Array.from([1, 2, 3, 4, 5, 6]),
    b1: new Float32Array(3),
    W2: Float32Array.from([1, -1, 2, -2, 3, -3]),
    b2: new Float32Array(2),
    W3: Float32Array.from([7, 8, 9, 10]),
    b3: new Float32Array(2),
  };

  it('draws the MLP on the plane: inputs, every layer, the outputs as class probabilities, links read in place', () => {
    const grid = 2;
    const X = Float32Array.from([0, 1, 1, 0, 0, 0, 1, 1]);
    const layers = { hidden: [new Float32Array(4 * 3), new Float32Array(4 * 2)], output: Float32Array.from([0, 0, 1, 0, 0, 5, 2, 2]) };
    const frame = mlpFrame(shape, params, 7, { kind: 'plane', grid, features: ['x1', 'x2'], X }, layers, 'tanh');
    expect(frame.columns.map((c) => [c.role, c.units])).toEqual([
      ['input', 2],
      ['hidden', 3],
      ['hidden', 2],
      ['output', 2],
    ]);
    expect(frame.columns[1]!.heading).toBe('layer 1: 3 tanh');
    const out = frame.columns[3]!.picture!;
    expect(out.kind).toBe('map');
    expect(Array.from(out.values.subarray(0, 2))).toEqual([0.5, 0.5]);
    const W2 = frame.links[1]!;
    expect(W2.weight(1, 2)).toBe(-3); // W2[2, 3], row-major [2, 3]
    expect(W2.name(1, 2)).toBe('W2[2, 3]');
    expect(W2.index(1, 2)).toBe(5);
    expect(frame.step).toBe(7);
  });

  it("draws MNIST with the first layer as weight images framed by the sample's activations, and no input links", () => {
    const D = 64;
    const p = { W1: new Float32Array(3 * D).fill(0.5), b1: new Float32Array(3), W2: new Float32Array(2 * 3), b2: new Float32Array(2) };
    const layers = { hidden: [Float32Array.from([1, 2, 3])], output: Float32Array.from([0, 1]) };
    const frame = mlpFrame({ D, hidden: [3], C: 2 }, p, 1, { kind: 'image', side: 8, X: new Float32Array(D) }, layers, 'swish');
    expect(frame.columns[0]).toMatchObject({ units: 1, picture: { kind: 'image', side: 8 } });
    expect(frame.columns[1]).toMatchObject({ picture: { kind: 'images', side: 8 } });
    expect(Array.from(frame.columns[1]!.activity!)).toEqual([1, 2, 3]);
    expect(frame.links[0]).toBeNull();
    expect(frame.note).toContain('64 weights');
  });

  it('draws the tied autoencoder: code Z = X Wᵀ, reconstructions Z W, the decoder reading W transposed', () => {
    const W = Float32Array.from([1, 2]); // m = 1, n = 2
    const X = Float32Array.from([1, 1, 2, 0]);
    const { code, reconstructions } = autoencoderOutputs(W, 1, 2, X, 2);
    expect(Array.from(code)).toEqual([3, 2]);
    expect(Array.from(reconstructions)).toEqual([3, 6, 2, 4]);
    const frame = autoencoderFrame(1, 2, W, 0, { kind: 'plane', grid: 1, features: ['x1', 'x2'], X: Float32Array.from([1, 1]) });
    expect(frame.columns.map((c) => c.units)).toEqual([2, 1, 2]);
    expect(frame.links[1]!.weight(1, 0)).toBe(2);
    expect(frame.links[1]!.name(1, 0)).toBe('W[1, 2]');
  });

  it('softmax rows sum to one', () => {
    const p = softmaxRows(Float32Array.from([1, 2, 3, 1000, 1000, 1000]), 2, 3);
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1);
    expect(p[3]).toBeCloseTo(1 / 3);
  });
});

describe('digit order', () => {
  it('puts the wrong rows first, then fills with the first right ones', () => {
    expect(digitRows([5, 2], 10, 4)).toEqual([5, 2, 0, 1]);
    expect(digitRows([], 3, 5)).toEqual([0, 1, 2]);
    expect(digitRows([1, 2, 3, 4, 5], 10, 3)).toEqual([1, 2, 3]);
    expect(digitRows([99], 3, 2)).toEqual([0, 1]);
  });
});
