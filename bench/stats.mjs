// Medians, ranges and number formatting for the report.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summary(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** Three significant digits, with k/M for large rates. */
export function num(value) {
  const abs = Math.abs(value);
  if (abs >= 999.5e3) return `${(value / 1e6).toPrecision(3)} M`; // 999.6 k would print as "1.00e+3 k"
  if (abs >= 1e4) return `${(value / 1e3).toPrecision(3)} k`;
  if (abs >= 100) return value.toFixed(0);
  return value.toPrecision(3);
}

export function cell(s, format = num) {
  if (!s) return "—";
  if (s.n === 1) return format(s.median);
  return `${format(s.median)} (${format(s.min)}–${format(s.max)})`;
}

export function ratio(value) {
  return `${value.toFixed(2)}×`;
}
