// uPlot draws all series over one shared x array; curves sampled at different steps (GPU and CPU,
// training and test) are merged here onto the union of their x values, with nulls in the gaps.
/** One curve: sorted x values and the y value at each (non-finite y becomes a gap). */
export interface Curve {
  x: readonly number[];
  y: readonly number[];
  /** Drop y ≤ 0 (for a logarithmic axis). */
  positiveOnly?: boolean;
}

/** Curves on a shared x array, the layout uPlot draws (`[x, ...columns]`). */
export interface Aligned {
  x: number[];
  /** One column per curve, null where the curve has no finite point at that x. */
  columns: Array<Array<number | null>>;
}

/** The union of the curves' x values and each curve's y on it, null where it has no finite point. */
export function alignCurves(curves: readonly Curve[]): Aligned {
  const all: number[] = [];
  for (const curve of curves) for (const x of curve.x) all.push(x);
  const sorted = Float64Array.from(all).sort();
  const xs: number[] = [];
  for (const x of sorted) if (xs.length === 0 || xs[xs.length - 1] !== x) xs.push(x);
  const columns = curves.map((curve) => {
    const out: Array<number | null> = new Array<number | null>(xs.length).fill(null);
    let p = 0;
    xs.forEach((x, i) => {
      let value: number | null = null;
      while (p < curve.x.length && curve.x[p]! <= x) {
        const y = curve.y[p]!;
        if (curve.x[p] === x && Number.isFinite(y) && !(curve.positiveOnly && y <= 0)) value = y;
        p++;
      }
      out[i] = value;
    });
    return out;
  });
  return { x: xs, columns };
}
