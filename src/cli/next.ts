/**
 * `docket next EXPR`: the next fire times of a cron expression in the original docket's dialect,
 * computed locally (no server).
 *
 * @module
 */
import { CronSyntaxError, parseCron } from "../spec/cron.ts";
import { CliError } from "./cli_error.ts";

/** How many fire times `docket next` lists by default. */
export const DEFAULT_COUNT = 5;

/** Options for {@linkcode nextFireTimes}. */
export interface NextOptions {
  /** How many fire times to list, at least 1. */
  count: number;
  /** The instant to start after (exclusive). */
  from: Date;
  /** The IANA time zone to read the expression in. @default {the process's local zone} */
  timeZone?: string | undefined;
}

/**
 * The next `count` fire times of `expression` strictly after `from`, as ISO 8601 UTC instants;
 * fewer (possibly none) when the schedule runs out.
 *
 * @example
 * ```ts
 * nextFireTimes("* * * * * *", { count: 2, from: new Date("2026-03-10T10:20:30Z") });
 * // → ["2026-03-10T10:21:00.000Z", "2026-03-10T10:22:00.000Z"]  (6 fields: minute..year)
 * ```
 *
 * @throws {CliError} when the expression or the time zone is invalid (the message is the
 *   parser's text, such as `syntax error in minute field: '61'`)
 */
export function nextFireTimes(expression: string, options: NextOptions): string[] {
  let schedule;
  try {
    schedule = parseCron(
      expression,
      options.timeZone === undefined ? {} : { timeZone: options.timeZone },
    );
  } catch (error) {
    if (error instanceof CronSyntaxError) {
      const hint = error.hint === undefined ? "" : ` (${error.hint})`;
      throw new CliError(`${error.message}${hint}`, { cause: error });
    }
    if (error instanceof RangeError) throw new CliError(error.message, { cause: error });
    throw error;
  }
  return schedule.nextN(options.from, options.count).map((date) => date.toISOString());
}

/**
 * Reads a `--from` instant: anything `Date` parses, ISO 8601 preferred
 * (`2026-03-10T10:20:30Z`, `2026-03-10`).
 *
 * @throws {RangeError} when it is not a date
 */
export function parseInstant(text: string): Date {
  const date = new Date(text.trim());
  if (text.trim() === "" || Number.isNaN(date.getTime())) {
    throw new RangeError(
      `Cannot use --from "${text}": give an ISO 8601 instant such as 2026-03-10T10:20:30Z`,
    );
  }
  return date;
}
