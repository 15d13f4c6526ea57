// Numbers as people read them: three significant digits, thousands separated up to a million,
// scientific notation past it and below a thousandth (never "3.8116227477685532e+28").

export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const size = Math.abs(x);
  if (size === 0) return '0';
  if (size >= 1e6 || size < 1e-3) return x.toExponential(2);
  if (size >= 1000) return Math.round(x).toLocaleString('en');
  return String(Number(x.toPrecision(3)));
}

/** Steps per second, as every part of the page writes them: formatNumber's three figures ("76,220", "38.5"). */
export function formatRate(perSecond: number): string {
  return formatNumber(perSecond);
}
