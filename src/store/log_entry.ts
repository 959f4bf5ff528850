/**
 * The text of an allocation's log entries: `<RFC 3339 time with offset>, [<event>]`, the original
 * docket's `<time>, [<events>]` shape with a standard timestamp.
 *
 * @module
 */

/**
 * Formats `date` as RFC 3339 in the process's local time zone, with milliseconds and the offset:
 * `2026-11-28T18:06:06.054+01:00`.
 */
export function rfc3339Local(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `.${pad(date.getMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * One log entry: `2026-11-28T18:06:06.054+01:00, [Pulled busybox latest foo]`.
 *
 * @example
 * ```ts
 * logEntry(new Date(), "started: 4f1c…");
 * ```
 */
export function logEntry(date: Date, event: string): string {
  return `${rfc3339Local(date)}, [${event}]`;
}
