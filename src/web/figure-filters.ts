// A p- or q-value as a statistician would write it (shares as percentages: formatValue in charts.ts).

/** A p- or q-value: "< 0.0001" below that, 4 significant decimals above 0.001, else 2 significant figures. */
export function formatPValue(p: number): string {
  if (!Number.isFinite(p)) return '–';
  if (p < 0.0001) return '< 0.0001';
  if (p < 0.001) return p.toPrecision(2);
  return (Math.round(p * 1000) / 1000).toFixed(3);
}
