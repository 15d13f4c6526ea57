// Which test digits the grid shows: the ones the network gets wrong first, since they teach most.

/** Up to `k` of N rows: the `wrong` ones first, then the others in order. */
export function digitRows(wrong: readonly number[], N: number, k: number): number[] {
  const rows = wrong.filter((r) => r >= 0 && r < N).slice(0, k);
  const taken = new Set(rows);
  for (let i = 0; rows.length < Math.min(k, N) && i < N; i++) if (!taken.has(i)) rows.push(i);
  return rows;
}
