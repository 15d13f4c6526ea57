// The network diagram's arithmetic and frames without a page: where nodes go, which links are drawn,
// how a click finds a link, the columns' headings, the frames' columns for each model and input, and
// the digit grid's order.
import { describe, expect, it } from 'vitest';
import { autoencoderOutputs, softmaxRows } from '../src/train/predict';
import { autoencoderFrame, mlpFrame } from '../src/ui/diagram-frame';
import { maxAbs } from '../src/ui/views/colours';
import { linkEnds, nearestLink } from '../src/ui/views/diagram-hit';
import { columnHeading, layoutColumns, segmentDistance, strongestLinks } from '../src/ui/views/diagram-layout';
import type { PlacedDiagram } from '../src/ui/views/diagram-types';
import { digitRows } from '../src/ui/views/digit-order';

describe('diagram layout', () => {
  it('gives every drawn node a box inside the canvas, apart from the others, at least 32 px; a layer too tall for that draws its first units', () => {
    const counts = [2, 8, 32, 200, 3];
    const boxes = layoutColumns(counts, 600, 300, 22);
    const drawn = boxes.map((c) => c.length);
    expect(drawn[0]).toBe(2);
    expect(drawn[1]).toBe(8);
    expect(drawn[4]).toBe(3);
    for (const c of [2, 3]) {
      expect(drawn[c]).toBeGreaterThan(8); // as many as fit, wrapped
      expect(drawn[c]).toBeLessThan(counts[c]!);
    }
    for (const column of boxes) {
      for (const b of column) {
        expect(b.size).toBeGreaterThanOrEqual(32);
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.y).toBeGreaterThanOrEqual(22);
        expect(b.x + b.size).toBeLessThanOrEqual(600);
        expect(b.y + b.size).toBeLessThanOrEqual(300);
      }
      for (let i = 1; i < column.length; i++) {
        const [a, b] = [column[i - 1]!, column[i]!];
        expect(a.x + a.size <= b.x || a.y + a.size <= b.y || b.x + b.size <= a.x).toBe(true); // no overlap with the next
      }
    }
    expect(new Set(boxes[1]!.map((b) => b.x)).size).toBe(1); // 8 units: one column
    expect(new Set(boxes[3]!.map((b) => b.x)).size).toBeGreaterThan(1); // a tall layer wraps
    expect(layoutColumns([], 100, 100)).toEqual([]);
    expect(layoutColumns([0, 1], 100, 100)[0]).toEqual([]);
    // A card smaller than 32 px a node still gets one node a column, inside it.
    const tiny = layoutColumns([3, 4], 60, 50, 22);
    for (const b of tiny.flat()) expect(b.y + b.size).toBeLessThanOrEqual(50);
    expect(tiny.every((c) => c.length >= 1)).toBe(true);
  });

  it('gives columns that fit one size, at least 32 px at 1280×800 and growing with the window; a tall layer wraps no larger', () => {
    const counts = [7, 6, 5, 3]; // a 2-D set's seven inputs, two hidden layers, three classes
    const sizes = (boxes: ReturnType<typeof layoutColumns>) => [...new Set(boxes.flat().map((b) => b.size))];
    const subColumns = (column: readonly { x: number }[]) => new Set(column.map((b) => b.x)).size;
    // The diagram's canvas at 1280×800 (594 × 300, 22 for the headings) and at 1920×1080 (1234 × 440).
    const small = layoutColumns(counts, 594, 300, 22);
    const large = layoutColumns(counts, 1234, 440, 22);
    expect(sizes(small)).toHaveLength(1);
    expect(sizes(small)[0]).toBeGreaterThanOrEqual(32);
    expect(sizes(large)).toHaveLength(1);
    expect(sizes(large)[0]).toBeGreaterThan(sizes(small)[0]! * 1.4);
    for (const column of [...small, ...large]) expect(subColumns(column)).toBe(1); // Playground's columns per layer
    // The page's default network (32 hidden units, 36 px kept for the inputs' names): every node at
    // 32 px or more; at 1280×800 the layer wraps and draws its first units, at 1920×1080 all 32.
    const wrapped = layoutColumns([7, 32, 3], 594, 300, 22, 36);
    expect(Math.min(...wrapped.flat().map((b) => b.size))).toBeGreaterThanOrEqual(32);
    expect(wrapped[1]![0]!.size).toBeLessThanOrEqual(wrapped[0]![0]!.size);
    expect(subColumns(wrapped[1]!)).toBeGreaterThan(1);
    expect(wrapped[1]!.length).toBeGreaterThanOrEqual(20);
    const wide = layoutColumns([7, 32, 3], 1234, 440, 22, 36);
    expect(wide[1]).toHaveLength(32);
    expect(Math.min(...wide.flat().map((b) => b.size))).toBeGreaterThan(40);
    // At 800×600 (a 240 px stage) the seven inputs stay one named column, a little under 32 px, and the layer no smaller.
    const short = layoutColumns([7, 32, 3], 404, 240, 22, 36);
    expect(subColumns(short[0]!)).toBe(1);
    expect(short[0]![0]!.size).toBeGreaterThanOrEqual(28);
    expect(short[1]![0]!.size).toBe(short[0]![0]!.size);
    expect(sizes(layoutColumns([2, 2, 2], 594, 300, 22))[0]).toBeLessThanOrEqual((300 - 22) / 4); // a quarter of the height at most
  });

  it('evens out a wrapped layer whose units all fit: no sub-column shorter than the others by as many as there are sub-columns', () => {
    // 7 + 7 + 2 read as a layer cut short; 6 + 6 + 4 as one layer in three sub-columns.
    const lengths = (column: readonly { x: number }[]) => {
      const byX = new Map<number, number>();
      for (const b of column) byX.set(b.x, (byX.get(b.x) ?? 0) + 1);
      return [...byX.values()];
    };
    for (const [width, height] of [
      [594, 300],
      [404, 240],
      [1234, 440],
    ] as const) {
      for (let n = 9; n <= 40; n++) {
        const column = layoutColumns([7, n, 3], width, height, 22, 36)[1]!;
        const each = lengths(column);
        if (column.length < n)
          expect(new Set(each).size, `${n} units at ${width}×${height}: ${each}`).toBe(1); // cut short: full sub-columns
        else expect(Math.max(...each) - Math.min(...each), `${n} units at ${width}×${height}: ${each}`).toBeLessThan(each.length);
      }
    }
    expect(lengths(layoutColumns([7, 16, 3], 594, 300, 22, 36)[1]!)).toEqual([6, 6, 4]); // the 16-unit layer at 1280×800
  });

  it("shortens a column's heading to its room, saying how many units are drawn while it can", () => {
    const upTo = (chars: number) => (text: string) => text.length <= chars;
    const layer = (units: number) => ({ heading: `layer 1: ${units} swish`, shortHeading: `${units} swish`, units });
    expect(columnHeading(layer(16), 8, upTo(40))).toBe('layer 1: 16 swish (first 8)');
    expect(columnHeading(layer(16), 8, upTo(20))).toBe('16 swish (first 8)');
    expect(columnHeading(layer(16), 8, upTo(14))).toBe('first 8 of 16');
    expect(columnHeading(layer(16), 8, upTo(5))).toBe('first 8 of 16'); // squeezed, still saying it
    expect(columnHeading(layer(9), 9, upTo(40))).toBe('layer 1: 9 swish');
    expect(columnHeading(layer(9), 9, upTo(10))).toBe('9 swish');
    expect(columnHeading({ heading: 'inputs', units: 7 }, 7, upTo(3))).toBe('inputs');
    expect(columnHeading({ heading: 'code: 64 linear', units: 64 }, 20, upTo(12))).toBe('first 20 of 64');
  });

  it('finds the link under the pointer: the nearest drawn within the distance, none between links or on a node', () => {
    // Two inputs to two units: the links x₁→1 and x₂→2 run level, x₁→2 and x₂→1 cross between them.
    const boxes = [
      [
        { x: 0, y: 0, size: 20 },
        { x: 0, y: 100, size: 20 },
      ],
      [
        { x: 200, y: 0, size: 20 },
        { x: 200, y: 100, size: 20 },
      ],
    ];
    const links = [
      [
        { from: 0, to: 0, weight: 1 },
        { from: 1, to: 1, weight: -1 },
        { from: 0, to: 1, weight: 0.5 },
      ],
    ];
    const placed = { frame: { step: 0, columns: [], links: [] }, boxes, links } as unknown as PlacedDiagram;
    expect(linkEnds(placed, { column: 0, link: links[0]![0]! })).toEqual([20, 10, 200, 10]);
    expect(nearestLink(placed, 110, 13, 6)?.link).toEqual(links[0]![0]); // 3 px under x₁→1
    expect(nearestLink(placed, 110, 108, 6)?.link).toEqual(links[0]![1]);
    expect(nearestLink(placed, 110, 60, 6)?.link).toEqual(links[0]![2]); // the diagonal, half way
    expect(nearestLink(placed, 110, 30, 6)).toBeNull(); // between the links
    expect(nearestLink(placed, 110, 18, 6)).toBeNull(); // 8 px away: too far
    // Of two links near the pointer, the nearer: close to x₁'s end both start at (20, 10).
    expect(nearestLink(placed, 40, 13, 6)?.link).toEqual(links[0]![0]);
    expect(nearestLink({ ...placed, links: [[]] }, 110, 10, 6)).toBeNull();
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
    expect(frame.columns[1]!.shortHeading).toBe('3 tanh'); // where its column is narrow
    const out = frame.columns[3]!.picture!;
    expect(out.kind).toBe('map');
    expect(Array.from(out.values.subarray(0, 2))).toEqual([0.5, 0.5]);
    const W2 = frame.links[1]!;
    expect(W2.weight(1, 2)).toBe(-3); // W2[2, 3], row-major [2, 3]
    expect(W2.name(1, 2)).toBe('W2[2, 3]');
    expect(W2.index(1, 2)).toBe(5);
    expect(frame.step).toBe(7);
  });

  it('draws every feature of a 2-D set as a named switch; one switched off has no links, those on read their column of W1', () => {
    const X = Float32Array.from([0, 1, 1, 0, 0, 0, 1, 1]);
    const every = new Float32Array(4 * 7);
    const layers = { hidden: [new Float32Array(4 * 3), new Float32Array(4 * 2)], output: new Float32Array(8) };
    // The network's inputs are x₂ and x₁² (FEATURES' 2nd and 3rd): W1's columns 1 and 2.
    const frame = mlpFrame(shape, params, 7, { kind: 'plane', grid: 2, features: ['x2', 'x1sq'], X, every }, layers, 'tanh');
    const inputs = frame.columns[0]!;
    expect(inputs.units).toBe(7);
    expect(inputs.names).toEqual(['x₁', 'x₂', 'x₁²', 'x₂²', 'x₁x₂', 'sin x₁', 'sin x₂']);
    expect(inputs.switches).toEqual([false, true, true, false, false, false, false]);
    const W1 = frame.links[0]!;
    expect(W1.index(0, 0)).toBe(-1); // x₁ is off
    expect(W1.weight(0, 0)).toBeNaN();
    expect(W1.weight(2, 1)).toBe(5); // W1[3, 1]: unit 3's weight of x₂, row-major [3, 2]
    expect(W1.name(2, 2)).toBe('W1[3, 2]');
    expect(W1.index(2, 2)).toBe(5);
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
