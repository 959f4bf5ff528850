/**
 * Cron schedules in the original docket's dialect (gorhill/cronexpr), evaluated with croner.
 *
 * @module
 */

import type { Cron } from "croner";
import { createCroner } from "./cron_croner.ts";
import { FIELD_NAMES, readField } from "./cron_fields.ts";
import { CronSyntaxError } from "./cron_syntax_error.ts";

export { CronSyntaxError, type CronSyntaxErrorOptions } from "./cron_syntax_error.ts";

/** Options for {@linkcode parseCron}. */
export interface ParseCronOptions {
  /**
   * The IANA time zone the schedule is read in, such as `Europe/Berlin`.
   *
   * @default {the process's local time zone (the `TZ` environment variable), as the original did}
   */
  readonly timeZone?: string;
}

/** A parsed schedule. */
export interface CronSchedule {
  /** The expression as the user wrote it. */
  readonly expression: string;
  /**
   * The normalised 7-field croner pattern (`second minute hour day-of-month month day-of-week year`).
   * cronexpr's `LW` inside a list needs two croner patterns; they are joined with ` | `.
   */
  readonly pattern: string;
  /**
   * The first instant strictly after `after`, in whole seconds.
   *
   * @param after the instant to start from
   * @returns the next firing, or `null` when the schedule never fires again
   */
  next(after: Date): Date | null;
  /**
   * Up to `n` instants strictly after `after`, ascending; fewer when the schedule runs out.
   *
   * @param after the instant to start from
   * @param n how many firings to list, a non-negative integer
   * @returns the next firings
   */
  nextN(after: Date, n: number): Date[];
}

/** cronexpr's macros: a literal, case-sensitive replacement anywhere in the string. */
const MACROS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 0 1 1 * *",
  "@annually": "0 0 0 1 1 * *",
  "@monthly": "0 0 0 1 * * *",
  "@weekly": "0 0 0 * * 0 *",
  "@daily": "0 0 0 * * * *",
  "@hourly": "0 0 * * * * *",
};
const MACRO = /@(?:yearly|annually|monthly|weekly|daily|hourly)/g;
/** Fields are runs of anything but Go's `\s` (`[\t\n\f\r ]`), as cronexpr splits them. */
const FIELD = /[^\t\n\f\r ]+/g;

/**
 * Parses a cron expression in the original docket's dialect (gorhill/cronexpr) into a schedule.
 *
 * - 5 fields are `minute hour day-of-month month day-of-week` (second 0, any year). **6 fields are
 *   `minute hour day-of-month month day-of-week year`**, not seconds first: `1 * * * * *` is minute 1
 *   of every hour. 7 fields are `second minute hour day-of-month month day-of-week year`.
 * - Macros (lowercase only): `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@hourly`.
 * - Entries: `*`, `?`, `N`, `N-M`, `*\/S`, `N/S` (N to the field's end), `N-M/S`, comma lists; month
 *   and day names in any case, full or three letters; day of month `L`, `LW`, `NW`; day of week `NL`
 *   and `N#k`. Day of month and day of week both restricted (neither a plain `*` or `?`) means either.
 * - Daylight saving time follows croner: a fixed time (one second, minute and hour) that falls in a
 *   skipped hour fires at the first valid time after it, and fires once in a repeated hour; other
 *   schedules skip the missing times and fire on both passes of a repeated hour.
 *
 * Deliberate differences from cronexpr, all stricter or fixing a bug:
 * - Day of week 7 (or Sunday) may end a range: `1-7` is every day and `5-7`/`fri-sun` is Friday to
 *   Sunday. cronexpr turned 7 into 0 first, so these ranges matched no day at all.
 * - Day of week `01`…`06` are Monday…Saturday and month `01`…`09` are January…September. cronexpr
 *   read those day numbers as Sunday and had no such month numbers.
 * - More than 7 fields are an error (cronexpr ignored the extra fields).
 * - A range that ends before it starts (`30-10`) is an error (cronexpr read it as no value at all,
 *   so the schedule never fired).
 * - Every list entry is checked, also after a `*` (cronexpr ignored what followed `*` in the second,
 *   minute, hour, month and year fields).
 *
 * @example Six fields end with the year
 * ```ts
 * import { parseCron } from "./cron.ts";
 *
 * const schedule = parseCron("1 * * * * *", { timeZone: "UTC" });
 * schedule.next(new Date("2016-12-11T22:01:30Z")); // 2016-12-11T23:01:00Z
 * ```
 *
 * @param expression the schedule as the user wrote it
 * @param options the time zone to read it in
 * @returns the parsed schedule
 * @throws {CronSyntaxError} when cronexpr would reject the expression (with cronexpr's exact text)
 * @throws {RangeError} when the time zone is unknown
 */
export function parseCron(expression: string, options: ParseCronOptions = {}): CronSchedule {
  const { timeZone } = options;
  if (timeZone !== undefined) checkTimeZone(timeZone);
  const patterns = normalise(expression);
  let crons: Cron[];
  try {
    crons = patterns.map((pattern) => createCroner(pattern, timeZone));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot evaluate cron expression "${expression}": ${detail}`, { cause: error });
  }
  const next = crons.length === 1 ? nextOfOne(crons[0]!) : nextOfAll(crons);
  return {
    expression,
    pattern: patterns.join(" | "),
    next,
    nextN(after: Date, n: number): Date[] {
      if (!Number.isInteger(n) || n < 0) {
        throw new RangeError(
          `Cannot list the next runs: n must be a non-negative integer, got ${n}`,
        );
      }
      const runs: Date[] = [];
      let from: Date | null = after;
      while (runs.length < n && (from = next(from)) !== null) runs.push(from);
      return runs;
    },
  };
}

/**
 * Whether `zone` is an IANA time zone this runtime knows, such as `Europe/Berlin` or `UTC`
 * (offsets such as `+02:00` are not zones).
 */
export function isTimeZone(zone: string): boolean {
  if (zone === "" || /^[+-]/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkTimeZone(timeZone: string): void {
  if (!isTimeZone(timeZone)) {
    throw new RangeError(`Cannot use time zone "${timeZone}": unknown IANA time zone`);
  }
}

function checkDate(after: Date): void {
  if (!(after instanceof Date) || Number.isNaN(after.getTime())) {
    throw new TypeError("Cannot compute the next run: invalid date");
  }
}

function nextOfOne(cron: Cron): (after: Date) => Date | null {
  return (after) => {
    checkDate(after);
    return cron.nextRun(after);
  };
}

function nextOfAll(crons: readonly Cron[]): (after: Date) => Date | null {
  return (after) => {
    checkDate(after);
    let best: Date | null = null;
    for (const cron of crons) {
      const run = cron.nextRun(after);
      if (run !== null && (best === null || run < best)) best = run;
    }
    return best;
  };
}

/** Turns a cronexpr expression into one or two 7-field croner patterns, or throws. */
function normalise(expression: string): string[] {
  const expanded = expression.replace(MACRO, (macro) => MACROS[macro]!);
  const fields = expanded.match(FIELD) ?? [];
  if (fields.length < 5) {
    throw new CronSyntaxError("missing field(s)", { hint: missingFieldsHint(expanded) });
  }
  if (fields.length > 7) {
    throw new CronSyntaxError(
      `too many fields: ${fields.length} (at most 7: ${FIELD_NAMES.join(" ")})`,
    );
  }
  const seven = fields.length === 5
    ? ["0", ...fields, "*"]
    : fields.length === 6
    ? ["0", ...fields]
    : fields;
  const read = seven.map((text, index) => readField(index, text));
  const problem = read.find((field) => field.problem !== undefined)?.problem;
  if (problem !== undefined) throw new CronSyntaxError(problem);
  const texts = read.map((field) => field.text);
  const dayOfMonth = read[3]!;
  if (!dayOfMonth.lastWeekdayToo) return [texts.join(" ")];
  return [texts.with(3, "LW").join(" "), texts.join(" ")];
}

function missingFieldsHint(expanded: string): string {
  const word = expanded.trim().split(/\s+/)[0]?.toLowerCase() ?? "";
  if (word === "@midnight") return 'there is no @midnight: use "@daily" or "0 0 * * *"';
  if (word === "@reboot") {
    return "@reboot is not supported: docket runs containers on a schedule only";
  }
  if (word === "@every") return '@every is not supported: write a schedule such as "*/5 * * * *"';
  if (Object.hasOwn(MACROS, word)) return `macros are lowercase: use "${word}"`;
  if (word.startsWith("@")) return `known macros: ${Object.keys(MACROS).join(", ")}`;
  return "a schedule has 5 fields (minute hour day-of-month month day-of-week), " +
    "6 with a year at the end, or 7 with a second in front";
}
