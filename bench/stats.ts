/**
 * Small helpers for the benchmarks: percentiles, sleeping, rounding and a plain-text table.
 *
 * @module
 */

/** p50, p99 and max of a sample, in the sample's unit. */
export interface Summary {
  /** How many values. */
  n: number;
  /** The median. */
  p50: number;
  /** The 99th percentile (nearest rank). */
  p99: number;
  /** The largest value. */
  max: number;
}

/** Summarises `values` (nearest-rank percentiles); all NaN when empty. */
export function summarize(values: number[]): Summary {
  if (values.length === 0) return { n: 0, p50: NaN, p99: NaN, max: NaN };
  const sorted = values.toSorted((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
  return { n: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted.at(-1) as number };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rounds to `digits` decimals (for the JSON line). */
export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Formats a number for the table: few decimals for small values, none for large ones. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return "-";
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Renders rows as a left-aligned text table with a header rule. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) =>
    Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length))
  );
  const line = (cells: string[]) =>
    cells.map((cell, i) => cell.padEnd(widths[i] as number)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
