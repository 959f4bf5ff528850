/**
 * Building the croner objects behind a cron schedule. Internal to `cron.ts`.
 *
 * @module
 */

import { Cron, type CronOptions } from "croner";

/** cronexpr knows no year after 2099; croner would go on to 9999. */
const END_OF_YEARS = "2100-01-01T00:00:00";
/** The first year that cronexpr cannot express. */
const YEAR_LIMIT = 2100;

/**
 * Builds an evaluate-only croner job (no callback, so it never starts a timer) for a normalised
 * 7-field pattern, with the options the cronexpr dialect needs, and compacts its year table.
 *
 * @param pattern a 7-field pattern from the cronexpr normaliser
 * @param timeZone an IANA zone that has been checked, or `undefined` for the process's local zone
 * @returns the croner job
 */
export function createCroner(pattern: string, timeZone: string | undefined): Cron {
  const options: CronOptions = {
    mode: "7-part",
    sloppyRanges: true,
    domAndDow: false,
    // Read in the job's zone, so no firing falls in the year 2100 of that zone.
    stopAt: END_OF_YEARS,
  };
  if (timeZone !== undefined) options.timezone = timeZone;
  const cron = new Cron(pattern, options);
  compactYears(cron);
  return cron;
}

interface YearTable {
  year: unknown;
  starYear: unknown;
}

/**
 * Shrinks croner 11's per-pattern year table, a 10,000-entry array (about 80 KB), which would
 * otherwise cost some 800 MB for docket's 10,000 schedules. croner only reads the table when the
 * year field is not `*`, and treats years past its end as never matching, so the table is emptied
 * for `*` and cut at 2100 (cronexpr's limit) otherwise. Reaches into croner's internals, so it
 * checks their shape first and leaves anything unexpected alone.
 *
 * @param cron a job built by croner 11
 * @returns whether the table was found and compacted
 */
export function compactYears(cron: Cron): boolean {
  const states = (cron as unknown as { _states?: { pattern?: YearTable } })._states;
  const table = states?.pattern;
  if (table === undefined || !Array.isArray(table.year) || typeof table.starYear !== "boolean") {
    return false;
  }
  table.year = table.starYear ? [] : table.year.slice(0, YEAR_LIMIT);
  return true;
}
