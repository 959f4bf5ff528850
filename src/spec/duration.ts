/**
 * Durations written the way Docker and Go write them: `90s`, `5m`, `1h30m`, `1.5h`, `250ms`.
 *
 * @module
 */

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  "μs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a Go-style duration into milliseconds.
 *
 * @throws {SyntaxError} when `text` is not a duration such as `90s`, `5m` or `1h30m`
 * @example
 * ```ts
 * parseDuration("1h30m"); // 5400000
 * ```
 */
export function parseDuration(text: string): number {
  if (text === "0") return 0;
  let total = 0;
  let index = 0;
  PART.lastIndex = 0;
  while (index < text.length) {
    PART.lastIndex = index;
    const match = PART.exec(text);
    if (!match) break;
    total += Number(match[1]) * (UNITS[match[2] as string] as number);
    index = PART.lastIndex;
  }
  if (text.length === 0 || index !== text.length) {
    throw new SyntaxError(
      `Cannot read duration "${text}": write a number and a unit, e.g. 90s, 5m, 1h30m (units ns, us, ms, s, m, h)`,
    );
  }
  return total;
}

/**
 * Formats a duration like Go's `time.Duration.String()`: `0s`, `512ms`, `1.5µs`, `1.234s`, `2m3s`, `1h0m0s`.
 *
 * @param ms The duration in milliseconds (fractions allowed; negative durations get a `-`).
 * @returns The text.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  let ns = Math.round(Math.abs(ms) * 1e6);
  const sign = ms < 0 && ns > 0 ? "-" : "";
  if (ns === 0) return "0s";
  if (ns < 1e9) {
    if (ns < 1e3) return `${sign}${ns}ns`;
    if (ns < 1e6) return `${sign}${fraction(ns, 1e3)}µs`;
    return `${sign}${fraction(ns, 1e6)}ms`;
  }
  const hours = Math.floor(ns / 3.6e12);
  ns -= hours * 3.6e12;
  const minutes = Math.floor(ns / 6e10);
  ns -= minutes * 6e10;
  const seconds = `${fraction(ns, 1e9)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

/** `value / unit` with up to the unit's precision, trailing zeros trimmed: `1234567, 1e6` → `1.234567`. */
function fraction(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const rest = value - whole * unit;
  if (rest === 0) return String(whole);
  const digits = String(Math.round(Math.log10(unit)));
  const padded = String(rest).padStart(Number(digits), "0").replace(/0+$/, "");
  return `${whole}.${padded}`;
}
