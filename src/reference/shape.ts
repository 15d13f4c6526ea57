// Argument checks shared by the reference files: a wrong length here would otherwise
// read past a row as undefined and surface much later as a NaN.

/** Throws a RangeError naming `name` unless `array` holds exactly `expected` elements. */
export function assertLength(name: string, array: ArrayLike<number>, expected: number): void {
  if (array.length !== expected) {
    throw new RangeError(`${name}: expected ${expected} elements, got ${array.length}`);
  }
}

/** Throws a RangeError unless every value is a positive integer (a batch or layer size). */
export function assertSizes(sizes: Record<string, number>): void {
  for (const [name, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
    }
  }
}
