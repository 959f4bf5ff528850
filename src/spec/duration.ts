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
 * Formats milliseconds the way Go prints a `time.Duration`: `1h2m3s`, `1.5s`, `250ms`, `0s`.
 *
 * @example
 * ```ts
 * formatDuration(5_400_000); // "1h30m0s"
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 1) return `${sign}${trim((rest * 1000).toFixed(3))}µs`;
  if (rest < 1000) return `${sign}${trim(rest.toFixed(3))}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = `${trim((rest / 1000).toFixed(3))}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

function trim(fixed: string): string {
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}
