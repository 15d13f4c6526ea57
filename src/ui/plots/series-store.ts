// Points of a growing curve (x plus value columns) with a cap on memory. Past the cap, every second
// point goes and from then on only every second one is kept (a stride that doubles), so a curve of
// any length keeps an even density from its first step to its last: a run of 70,000 steps still
// draws its first thousand. The newest point is always there, off the stride if need be.

/** Default cap on points per curve. */
export const MAX_POINTS = 5000;

/**
 * What the stride counts: 'x' keeps the points whose x (a step number) is a multiple of it, so two
 * curves of the same steps keep the same ones (the GPU's and the CPU's, compared step by step);
 * 'arrival' keeps every stride-th point pushed (evaluations, at irregular steps).
 */
export type StrideOf = 'x' | 'arrival';

/** x values with parallel value columns, kept sorted by x and under `maxPoints`. */
export class SeriesStore {
  x: number[] = [];
  columns: number[][];
  private sorted = true;
  private stride = 1;
  private pushed = 0;
  /** Whether the last point is the newest one, kept off the stride until the next push replaces it. */
  private tail = false;

  /** A store with `columns` value columns and at most about `maxPoints` points. */
  constructor(
    columns: number,
    private readonly maxPoints = MAX_POINTS,
    private readonly strideOf: StrideOf = 'x',
  ) {
    this.columns = Array.from({ length: columns }, () => []);
  }

  get length(): number {
    return this.x.length;
  }

  /** Appends one point; `values` has one entry per column (NaN where there is none). */
  push(x: number, values: readonly number[]): void {
    if (this.tail) this.pop();
    const ordinal = this.strideOf === 'x' ? x : this.pushed;
    this.pushed++;
    const last = this.x[this.x.length - 1];
    if (last !== undefined && x < last) this.sorted = false;
    this.x.push(x);
    this.columns.forEach((column, c) => column.push(values[c] ?? Number.NaN));
    // Out of order, a tail could end up anywhere: such a point simply stays.
    this.tail = this.sorted && ordinal % this.stride !== 0;
    if (this.x.length > this.maxPoints) this.thin();
  }

  /** Whether column `c` holds any finite value. */
  hasValues(c: number): boolean {
    return (this.columns[c] ?? []).some(Number.isFinite);
  }

  /** Sorts by x if points arrived out of order (stable, so equal x keep their arrival order). */
  ensureSorted(): void {
    if (this.sorted) return;
    const order = this.x.map((_, i) => i).sort((a, b) => this.x[a]! - this.x[b]! || a - b);
    this.x = order.map((i) => this.x[i]!);
    this.columns = this.columns.map((column) => order.map((i) => column[i]!));
    this.sorted = true;
  }

  /** Removes every point. */
  clear(): void {
    this.x = [];
    this.columns = this.columns.map(() => []);
    this.sorted = true;
    this.stride = 1;
    this.pushed = 0;
    this.tail = false;
  }

  private pop(): void {
    this.x.pop();
    for (const column of this.columns) column.pop();
    this.tail = false;
  }

  /** Doubles the stride and keeps the points on it, and the newest point. */
  private thin(): void {
    this.stride *= 2;
    const stride = this.stride;
    // By arrival, the points kept so far (a tail aside, which is last) are every (stride / 2)-th
    // pushed: every second of them stays.
    const keep = this.x.map((x, i) => (this.strideOf === 'x' ? x % stride === 0 : i % 2 === 0));
    const last = keep.length - 1;
    if (!keep[last]) {
      keep[last] = true; // the newest point stays, off the stride: the tail the next push replaces
      this.tail = true;
    }
    this.x = this.x.filter((_, i) => keep[i]);
    this.columns = this.columns.map((column) => column.filter((_, i) => keep[i]));
  }
}
