// Points of a growing curve (x plus value columns) with a cap on memory: past the cap, the
// older half is thinned by two, so a long run keeps its shape and recent detail.

/** Default cap on points per curve. */
export const MAX_POINTS = 5000;

/** x values with parallel value columns, kept sorted by x and under `maxPoints`. */
export class SeriesStore {
  x: number[] = [];
  columns: number[][];
  private sorted = true;

  /** A store with `columns` value columns and at most about `maxPoints` points. */
  constructor(
    columns: number,
    private readonly maxPoints = MAX_POINTS,
  ) {
    this.columns = Array.from({ length: columns }, () => []);
  }

  get length(): number {
    return this.x.length;
  }

  /** Appends one point; `values` has one entry per column (NaN where there is none). */
  push(x: number, values: readonly number[]): void {
    const last = this.x[this.x.length - 1];
    if (last !== undefined && x < last) this.sorted = false;
    this.x.push(x);
    this.columns.forEach((column, c) => column.push(values[c] ?? Number.NaN));
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
  }

  /** Keeps every second point of the older half. */
  private thin(): void {
    const half = Math.floor(this.x.length / 2);
    const keep = (values: number[]) => values.filter((_, i) => i >= half || i % 2 === 0);
    this.x = keep(this.x);
    this.columns = this.columns.map(keep);
  }
}
