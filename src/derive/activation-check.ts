// The custom activation's derivative, checked against calculus before anything uses it: the
// student's fprime against central differences of their f on a grid of points. Where fprime is
// wrong, the true gradients use f's numerical derivative instead (Richardson-extrapolated central
// differences, accurate to about 1e-11 for a smooth f).
import { relativeError } from '../reference/linalg';
import { broadcast, map, tensor, type Tensor } from './tensor';

/** The grid: 41 points across [−4, 4], shifted off round numbers so that none sits on a kink at 0. */
const GRID = tensor(
  1,
  41,
  Float64Array.from({ length: 41 }, (_, k) => -4 + 0.2 * k + 0.0731),
);
/** How far fprime may stray from the numerical slope: relative to the slope, or absolute below 1. */
const TOLERANCE = 1e-6;

export interface DerivativeCheck {
  ok: boolean;
  /** ‖fprime − slope‖ / ‖slope‖ over the grid; null where either is not finite. */
  relError: number | null;
  /** Points of the grid where fprime is wrong (or either function not finite), of `points`. */
  wrongPoints: number;
  points: number;
  /** The point where fprime is farthest from the slope. */
  worst: { v: number; given: number; numeric: number } | null;
  /** One sentence for the student. */
  message: string;
}

/** f′(v) by Richardson-extrapolated central differences: (4 D(h/2) − D(h)) / 3, with h = 1e-3 · max(1, |v|). */
export function numericDerivative(f: (v: Tensor) => Tensor): (v: Tensor) => Tensor {
  const slope = (v: Tensor, scale: number) => {
    const step = map(v, (x) => scale * Math.max(1, Math.abs(x)));
    const up = f(broadcast(v, step, (x, h) => x + h));
    const down = f(broadcast(v, step, (x, h) => x - h));
    return broadcast(
      broadcast(up, down, (a, b) => a - b),
      step,
      (d, h) => d / (2 * h),
    );
  };
  return (v) => broadcast(slope(v, 5e-4), slope(v, 1e-3), (half, full) => (4 * half - full) / 3);
}

/** Compares fprime with f's numerical slope on the grid; named as the student named them. */
export function checkDerivative(f: (v: Tensor) => Tensor, fPrime: (v: Tensor) => Tensor, names = { f: 'f', fPrime: 'fprime' }): DerivativeCheck {
  const values = f(GRID).data;
  const given = fPrime(GRID).data;
  const numeric = numericDerivative(f)(GRID).data;
  const points = GRID.cols;
  const notFinite = GRID.data.findIndex((_, k) => !Number.isFinite(values[k]!));
  if (notFinite >= 0) {
    const v = GRID.data[notFinite]!;
    return {
      ok: false,
      relError: null,
      wrongPoints: points,
      points,
      worst: null,
      message: `${names.f}(${round(v)}) is ${values[notFinite]}: an activation must be a finite number for every v`,
    };
  }
  let wrongPoints = 0;
  let worst: DerivativeCheck['worst'] = null;
  let worstExcess = 0;
  for (let k = 0; k < points; k++) {
    const g = given[k]!;
    const n = numeric[k]!;
    const excess = Number.isFinite(g) ? Math.abs(g - n) / (TOLERANCE * Math.max(1, Math.abs(n))) : Infinity;
    if (excess <= 1) continue;
    wrongPoints++;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = { v: GRID.data[k]!, given: g, numeric: n };
    }
  }
  const error = relativeError(given, numeric);
  const relError = Number.isFinite(error) ? error : null;
  const range = `${points} points from ${round(GRID.data[0]!)} to ${round(GRID.data[points - 1]!)}`;
  if (!worst) return { ok: true, relError, wrongPoints, points, worst, message: `${names.fPrime} matches the slope of ${names.f} at ${range}` };
  return {
    ok: false,
    relError,
    wrongPoints,
    points,
    worst,
    message: `${names.fPrime} is not the derivative of ${names.f}: at v = ${round(worst.v)} it gives ${round(worst.given)}, while the slope of ${names.f} there is ${round(worst.numeric)} (wrong at ${wrongPoints} of ${range}, by central differences)`,
  };
}

function round(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}
