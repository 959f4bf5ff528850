/**
 * The field grammar of gorhill/cronexpr (the cron library of the original docket), rewritten as
 * croner field text. Internal to `cron.ts`.
 *
 * @module
 */

import { CronSyntaxError } from "./cron_syntax_error.ts";

/** The names cronexpr uses for the seven fields, in order; they appear in its error messages. */
export const FIELD_NAMES = [
  "second",
  "minute",
  "hour",
  "day-of-month",
  "month",
  "day-of-week",
  "year",
] as const;

/** The name of one cron field, as cronexpr spells it. */
export type FieldName = typeof FIELD_NAMES[number];

/** One field rewritten for croner. */
export interface CronerField {
  /** The croner text of the field (`*` when the field has a wildcard entry). */
  readonly text: string;
  /** Day of month only: the field held `LW` in a list, which croner cannot express in one pattern. */
  readonly lastWeekdayToo: boolean;
  /** A problem that cronexpr accepted but docket rejects; raised once every field has passed. */
  readonly problem: string | undefined;
}

interface FieldSpec {
  readonly name: FieldName;
  readonly min: number;
  readonly max: number;
  /** Regular expression source of one value, as in cronexpr. */
  readonly value: string;
  readonly read: (token: string) => number;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH_NAMES = "january|february|march|april|may|june|july|august|september|october|" +
  "november|december";
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const DAY_NAMES = "sunday|monday|tuesday|wednesday|thursday|friday|saturday";
const SECONDS = "0?[0-9]|[1-5][0-9]";

/** Reads a month (`1`-`12`, `01`-`09`, `jan`, `january`) as 1-12. */
function readMonth(token: string): number {
  const index = MONTHS.indexOf(token.slice(0, 3));
  return index >= 0 ? index + 1 : Number(token);
}

/** Reads a weekday as written: `0`-`7` literally (7 is Sunday too), names as 0-6. */
function readDay(token: string): number {
  const index = DAYS.indexOf(token.slice(0, 3));
  return index >= 0 ? index : Number(token);
}

const SPECS: readonly FieldSpec[] = [
  { name: "second", min: 0, max: 59, value: SECONDS, read: Number },
  { name: "minute", min: 0, max: 59, value: SECONDS, read: Number },
  { name: "hour", min: 0, max: 23, value: "0?[0-9]|1[0-9]|2[0-3]", read: Number },
  { name: "day-of-month", min: 1, max: 31, value: "0?[1-9]|[12][0-9]|3[01]", read: Number },
  {
    name: "month",
    min: 1,
    max: 12,
    value: `0?[1-9]|1[012]|${MONTHS.join("|")}|${MONTH_NAMES}`,
    read: readMonth,
  },
  // The week's maximum is 6 (it bounds steps and `N/S`); 7 is accepted as a value for Sunday.
  {
    name: "day-of-week",
    min: 0,
    max: 6,
    value: `0?[0-7]|${DAYS.join("|")}|${DAY_NAMES}`,
    read: readDay,
  },
  { name: "year", min: 1970, max: 2099, value: "19[789][0-9]|20[0-9]{2}", read: Number },
];

/** cronexpr looks steps up in its number table; anything else counts as 0, an invalid step. */
const STEP_TOKEN = /^(?:0?[0-9]|[1-5][0-9]|19[789][0-9]|20[0-9]{2})$/;

interface Grammar {
  readonly value: RegExp;
  readonly range: RegExp;
  readonly everyStep: RegExp;
  readonly valueStep: RegExp;
  readonly rangeStep: RegExp;
  readonly workday: RegExp;
  readonly lastOfWeek: RegExp;
  readonly nthOfWeek: RegExp;
}

function grammarOf(spec: FieldSpec): Grammar {
  const v = `(${spec.value})`;
  return {
    value: new RegExp(`^${v}$`),
    range: new RegExp(`^${v}-${v}$`),
    everyStep: /^\*\/(\d+)$/,
    valueStep: new RegExp(`^${v}/(\\d+)$`),
    rangeStep: new RegExp(`^${v}-${v}/(\\d+)$`),
    workday: new RegExp(`^${v}w$`),
    lastOfWeek: new RegExp(`^${v}l$`),
    nthOfWeek: new RegExp(`^${v}#([1-5])$`),
  };
}

const GRAMMARS = SPECS.map(grammarOf);

/** A list entry after cronexpr's first pass: a span of values, a wildcard, or something else. */
type Entry =
  | { readonly kind: "all" }
  | {
    readonly kind: "span";
    readonly raw: string;
    readonly first: number;
    readonly last: number;
    readonly step?: number;
  }
  | { readonly kind: "other"; readonly raw: string; readonly lower: string };

function readStep(spec: FieldSpec, token: string, lower: string): number {
  const step = STEP_TOKEN.test(token) ? Number(token) : 0;
  if (step < 1 || step > spec.max) throw new CronSyntaxError(`invalid interval ${lower}`);
  return step;
}

/** Resolves a weekday range: 7 or Sunday may end a range (`5-7`, `fri-sun`); `7-2` starts on Sunday. */
function weekRange(first: number, last: number): [number, number] {
  if (last === 0 && first > 0) return [first, 7];
  if (first === 7 && last < 7) return [0, last];
  return [first, last];
}

/** cronexpr's first pass over one entry; throws `invalid interval …` like cronexpr does. */
function readEntry(index: number, raw: string): Entry {
  const spec = SPECS[index]!;
  const grammar = GRAMMARS[index]!;
  const isWeek = spec.name === "day-of-week";
  const lower = raw.toLowerCase();
  if (lower === "*" || lower === "?") return { kind: "all" };
  let match = grammar.value.exec(lower);
  if (match) {
    const value = spec.read(match[1]!);
    return { kind: "span", raw, first: value, last: value };
  }
  match = grammar.range.exec(lower);
  if (match) {
    let [first, last] = [spec.read(match[1]!), spec.read(match[2]!)];
    if (isWeek) [first, last] = weekRange(first, last);
    return { kind: "span", raw, first, last };
  }
  match = grammar.everyStep.exec(lower);
  if (match) {
    return {
      kind: "span",
      raw,
      first: spec.min,
      last: spec.max,
      step: readStep(spec, match[1]!, lower),
    };
  }
  match = grammar.valueStep.exec(lower);
  if (match) {
    const value = spec.read(match[1]!);
    const first = isWeek && value === 7 ? 0 : value;
    return { kind: "span", raw, first, last: spec.max, step: readStep(spec, match[2]!, lower) };
  }
  match = grammar.rangeStep.exec(lower);
  if (match) {
    let [first, last] = [spec.read(match[1]!), spec.read(match[2]!)];
    if (isWeek) [first, last] = weekRange(first, last);
    return { kind: "span", raw, first, last, step: readStep(spec, match[3]!, lower) };
  }
  return { kind: "other", raw, lower };
}

/** Rewrites an entry that is not a plain value, range or step (`L`, `LW`, `15W`, `5L`, `5#3`). */
function specialEntry(index: number, entry: { raw: string; lower: string }): string {
  const spec = SPECS[index]!;
  const grammar = GRAMMARS[index]!;
  if (spec.name === "day-of-month") {
    if (entry.lower === "l") return "L";
    if (entry.lower === "lw") return "LW";
    const match = grammar.workday.exec(entry.lower);
    if (match) return `${spec.read(match[1]!)}W`;
  }
  if (spec.name === "day-of-week") {
    let match = grammar.lastOfWeek.exec(entry.lower);
    if (match) return `${spec.read(match[1]!) % 7}L`;
    match = grammar.nthOfWeek.exec(entry.lower);
    if (match) return `${spec.read(match[1]!) % 7}#${match[2]}`;
  }
  throw new CronSyntaxError(`syntax error in ${spec.name} field: '${entry.raw}'`);
}

function spanText(index: number, entry: Entry & { kind: "span" }): string {
  const week = SPECS[index]!.name === "day-of-week";
  if (entry.step === undefined && entry.first === entry.last) {
    return String(week ? entry.first % 7 : entry.first);
  }
  return `${entry.first}-${entry.last}${entry.step === undefined ? "" : `/${entry.step}`}`;
}

/**
 * Reads one field in cronexpr's grammar and rewrites it for croner.
 *
 * Throws cronexpr's errors in cronexpr's order: `<field> field: missing directive` for a field of
 * commas only, then `invalid interval <entry>` for the first bad step, then `syntax error in <field>
 * field: '<entry>'` for the first entry it cannot read. Problems that cronexpr let through come back
 * in `problem` instead.
 *
 * @param index the field's position in the 7-field form (0 = second … 6 = year)
 * @param text the field as written
 * @returns the croner text for the field
 */
export function readField(index: number, text: string): CronerField {
  const spec = SPECS[index];
  if (spec === undefined) {
    throw new RangeError(`Cannot read cron field: no field at index ${index}`);
  }
  const raws = text.split(",").filter((raw) => raw !== "");
  if (raws.length === 0) throw new CronSyntaxError(`${spec.name} field: missing directive`);
  const entries = raws.map((raw) => readEntry(index, raw));
  const parts: string[] = [];
  let problem: string | undefined;
  for (const entry of entries) {
    if (entry.kind === "all") continue;
    if (entry.kind === "other") {
      parts.push(specialEntry(index, entry));
      continue;
    }
    if (entry.first > entry.last) {
      problem ??=
        `syntax error in ${spec.name} field: '${entry.raw}' (the range ends before it starts)`;
    }
    parts.push(spanText(index, entry));
  }
  if (entries.some((entry) => entry.kind === "all")) {
    return { text: "*", lastWeekdayToo: false, problem };
  }
  const unique = [...new Set(parts)];
  const lastWeekdayToo = unique.includes("LW") && unique.length > 1;
  const rest = lastWeekdayToo ? unique.filter((part) => part !== "LW") : unique;
  return { text: rest.join(","), lastWeekdayToo, problem };
}
