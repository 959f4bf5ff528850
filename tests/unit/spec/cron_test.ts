import assert from "node:assert/strict";
import { parseCron } from "../../../src/spec/cron.ts";

/** The next `n` firings of `expression` after `from`, in UTC, as ISO strings without milliseconds. */
function runs(expression: string, from: string, n = 1): string[] {
  return parseCron(expression, { timeZone: "UTC" }).nextN(new Date(from), n)
    .map((run) => run.toISOString().replace(".000Z", "Z"));
}

/** The first firing of `expression` after `from`, in UTC, or null. */
function next(expression: string, from: string): string | null {
  return runs(expression, from)[0] ?? null;
}

Deno.test("parseCron() passes the original docket's own test: 1 * * * * * is minute 1 hourly", () => {
  const schedule = parseCron("1 * * * * *", { timeZone: "UTC" });
  assert.deepEqual(
    schedule.next(new Date("2016-12-11T22:00:00Z")),
    new Date("2016-12-11T22:01:00Z"),
  );
  assert.deepEqual(
    schedule.next(new Date("2016-12-11T22:01:30Z")),
    new Date("2016-12-11T23:01:00Z"),
  );
});

Deno.test("parseCron() reads 5 fields as minute hour day-of-month month day-of-week", () => {
  assert.equal(next("* * * * *", "2013-01-01T00:00:00Z"), "2013-01-01T00:01:00Z");
  assert.equal(next("* * * * *", "2013-01-01T00:00:59Z"), "2013-01-01T00:01:00Z");
  assert.equal(next("* * * * *", "2013-01-01T23:59:00Z"), "2013-01-02T00:00:00Z");
  assert.equal(next("* * * * *", "2013-02-28T23:59:00Z"), "2013-03-01T00:00:00Z");
  assert.equal(next("* * * * *", "2016-02-28T23:59:00Z"), "2016-02-29T00:00:00Z");
  assert.equal(next("* * * * *", "2012-12-31T23:59:00Z"), "2013-01-01T00:00:00Z");
  assert.equal(next("30 4 2 3 *", "2026-03-10T00:00:00Z"), "2027-03-02T04:30:00Z");
});

Deno.test("parseCron() reads 6 fields as minute..year, not seconds first", () => {
  assert.equal(next("* * * * * *", "2016-12-11T22:00:30Z"), "2016-12-11T22:01:00Z");
  assert.deepEqual(runs("*/5 * * * * *", "2026-03-10T10:20:30.5Z", 2), [
    "2026-03-10T10:25:00Z",
    "2026-03-10T10:30:00Z",
  ]);
  assert.equal(next("0 12 * * 1 *", "2026-03-10T00:00:00Z"), "2026-03-16T12:00:00Z");
  assert.equal(next("0 12 * * * 2027", "2026-03-10T00:00:00Z"), "2027-01-01T12:00:00Z");
  assert.equal(next("* * * * * 2050", "2013-08-31T00:00:00Z"), "2050-01-01T00:00:00Z");
});

Deno.test("parseCron() reads 7 fields as second minute hour day-of-month month day-of-week year", () => {
  assert.equal(next("* * * * * * *", "2013-01-01T00:00:00Z"), "2013-01-01T00:00:01Z");
  assert.equal(next("* * * * * * *", "2013-01-01T00:59:59Z"), "2013-01-01T01:00:00Z");
  assert.equal(next("* * * * * * *", "2016-02-28T23:59:59Z"), "2016-02-29T00:00:00Z");
  assert.equal(next("*/5 * * * * * *", "2013-01-01T00:00:00Z"), "2013-01-01T00:00:05Z");
  assert.equal(next("*/5 * * * * * *", "2013-01-01T00:00:59Z"), "2013-01-01T00:01:00Z");
  assert.equal(next("30 15 10 * * * 2030", "2026-03-10T00:00:00Z"), "2030-01-01T10:15:30Z");
});

Deno.test("parseCron() returns whole seconds strictly after the start", () => {
  assert.equal(next("* * * * * * *", "2013-01-01T00:00:00.500Z"), "2013-01-01T00:00:01Z");
  assert.equal(next("0 * * * *", "2026-03-10T10:00:00Z"), "2026-03-10T11:00:00Z");
  assert.equal(next("0 * * * *", "2026-03-10T09:59:59.999Z"), "2026-03-10T10:00:00Z");
});

Deno.test("parseCron() splits on any run of whitespace and keeps the expression as written", () => {
  const schedule = parseCron("  0\t12 \n *  * *  ", { timeZone: "UTC" });
  assert.equal(schedule.expression, "  0\t12 \n *  * *  ");
  assert.equal(schedule.pattern, "0 0 12 * * * *");
});

Deno.test("parseCron() normalises to a 7-field croner pattern", () => {
  const pattern = (expression: string) => parseCron(expression, { timeZone: "UTC" }).pattern;
  assert.equal(pattern("1 * * * * *"), "0 1 * * * * *");
  assert.equal(pattern("*/5 * * * *"), "0 0-59/5 * * * * *");
  assert.equal(pattern("0 12 ? Jan-Mar MON-FRI"), "0 0 12 * 1-3 1-5 *");
  assert.equal(pattern("05 5/15 * * * 2030"), "0 5 5-23/15 * * * 2030");
  assert.equal(pattern("0 0 L * 5L"), "0 0 0 L * 5L *");
  assert.equal(pattern("0 0 * * */2 */10"), "0 0 0 * * 0-6/2 1970-2099/10");
});

Deno.test("parseCron() expands cronexpr's lowercase macros", () => {
  const from = "2026-03-10T10:20:30Z";
  assert.equal(next("@yearly", from), "2027-01-01T00:00:00Z");
  assert.equal(next("@annually", from), "2027-01-01T00:00:00Z");
  assert.equal(next("@monthly", from), "2026-04-01T00:00:00Z");
  assert.equal(next("@weekly", from), "2026-03-15T00:00:00Z");
  assert.equal(next("@daily", from), "2026-03-11T00:00:00Z");
  assert.equal(next("@hourly", from), "2026-03-10T11:00:00Z");
  assert.equal(next(" @daily ", from), "2026-03-11T00:00:00Z");
  assert.equal(parseCron("@hourly").pattern, "0 0 * * * * *");
  assert.equal(parseCron("@weekly").pattern, "0 0 0 * * 0 *");
});

Deno.test("parseCron() reads day and month names in any case, full or three letters", () => {
  assert.deepEqual(runs("0 0 * * MON", "2013-01-01T00:00:00Z"), ["2013-01-07T00:00:00Z"]);
  assert.equal(next("0 0 * * MON", "2013-01-28T00:00:00Z"), "2013-02-04T00:00:00Z");
  assert.equal(next("0 0 * * MON", "2013-12-30T00:30:00Z"), "2014-01-06T00:00:00Z");
  for (const friday of ["friday", "Friday", "FRI", "fri", "5", "05"]) {
    assert.equal(next(`0 0 * * ${friday}`, "2013-01-01T00:00:00Z"), "2013-01-04T00:00:00Z", friday);
    assert.equal(next(`0 0 * * ${friday}`, "2013-12-30T00:30:00Z"), "2014-01-03T00:00:00Z", friday);
  }
  for (const january of ["jan", "JAN", "January", "JANUARY", "1", "01"]) {
    assert.equal(next(`0 0 1 ${january} *`, "2026-03-10T00:00:00Z"), "2027-01-01T00:00:00Z");
  }
  assert.deepEqual(runs("0 0 1 Oct-December *", "2026-03-10T00:00:00Z", 4), [
    "2026-10-01T00:00:00Z",
    "2026-11-01T00:00:00Z",
    "2026-12-01T00:00:00Z",
    "2027-10-01T00:00:00Z",
  ]);
  assert.deepEqual(runs("0 0 * * sunday,saturday", "2013-01-01T00:00:00Z", 2), [
    "2013-01-05T00:00:00Z",
    "2013-01-06T00:00:00Z",
  ]);
});

Deno.test("parseCron() reads 0 and 7 as Sunday in day-of-week", () => {
  assert.deepEqual(runs("0 0 * * 6,7", "2013-01-01T00:00:00Z", 3), [
    "2013-01-05T00:00:00Z",
    "2013-01-06T00:00:00Z",
    "2013-01-12T00:00:00Z",
  ]);
  for (const sunday of ["0", "00", "7", "07", "sun"]) {
    assert.equal(next(`0 0 * * ${sunday}`, "2026-03-10T00:00:00Z"), "2026-03-15T00:00:00Z");
  }
});

Deno.test("parseCron() steps through ranges: 17-43/5, 15-30/4,55 and 5/15", () => {
  assert.equal(next("17-43/5 * * * *", "2013-01-01T00:00:00Z"), "2013-01-01T00:17:00Z");
  assert.equal(next("17-43/5 * * * *", "2013-01-01T00:16:59Z"), "2013-01-01T00:17:00Z");
  assert.equal(next("17-43/5 * * * *", "2013-01-01T00:30:00Z"), "2013-01-01T00:32:00Z");
  assert.equal(next("17-43/5 * * * *", "2013-01-01T00:50:00Z"), "2013-01-01T01:17:00Z");
  assert.equal(next("17-43/5 * * * *", "2012-12-31T23:50:00Z"), "2013-01-01T00:17:00Z");
  assert.deepEqual(runs("15-30/4,55 * * * *", "2013-01-01T00:00:00Z", 6), [
    "2013-01-01T00:15:00Z",
    "2013-01-01T00:19:00Z",
    "2013-01-01T00:23:00Z",
    "2013-01-01T00:27:00Z",
    "2013-01-01T00:55:00Z",
    "2013-01-01T01:15:00Z",
  ]);
  assert.equal(next("15-30/4,55 * * * *", "2012-12-31T23:54:00Z"), "2012-12-31T23:55:00Z");
  assert.deepEqual(runs("5/15 * * * *", "2026-03-10T10:00:00Z", 5), [
    "2026-03-10T10:05:00Z",
    "2026-03-10T10:20:00Z",
    "2026-03-10T10:35:00Z",
    "2026-03-10T10:50:00Z",
    "2026-03-10T11:05:00Z",
  ]);
});

Deno.test("parseCron() starts */S at the field's first value", () => {
  assert.deepEqual(runs("0 0 */10 * *", "2026-02-01T00:00:00Z", 5), [
    "2026-02-11T00:00:00Z",
    "2026-02-21T00:00:00Z",
    "2026-03-01T00:00:00Z",
    "2026-03-11T00:00:00Z",
    "2026-03-21T00:00:00Z",
  ]);
  assert.equal(next("0 0 */31 * *", "2026-03-10T00:00:00Z"), "2026-04-01T00:00:00Z");
  assert.deepEqual(runs("0 0 1 */5 *", "2026-03-10T00:00:00Z", 3), [
    "2026-06-01T00:00:00Z",
    "2026-11-01T00:00:00Z",
    "2027-01-01T00:00:00Z",
  ]);
  assert.deepEqual(runs("0 */23 * * *", "2026-03-10T01:00:00Z", 2), [
    "2026-03-10T23:00:00Z",
    "2026-03-11T00:00:00Z",
  ]);
});

Deno.test("parseCron() ORs day-of-month and day-of-week when both are restricted", () => {
  assert.deepEqual(runs("0 0 1 * 1", "2026-03-10T00:00:00Z", 5), [
    "2026-03-16T00:00:00Z",
    "2026-03-23T00:00:00Z",
    "2026-03-30T00:00:00Z",
    "2026-04-01T00:00:00Z",
    "2026-04-06T00:00:00Z",
  ]);
  assert.equal(next("0 0 1 * *", "2026-03-10T00:00:00Z"), "2026-04-01T00:00:00Z");
  assert.equal(next("0 0 1 * ?", "2026-03-10T00:00:00Z"), "2026-04-01T00:00:00Z");
  assert.equal(next("0 0 ? * 1", "2026-03-10T00:00:00Z"), "2026-03-16T00:00:00Z");
  // A list holding * is not restricted, so only the Mondays apply.
  assert.deepEqual(runs("0 0 1,* * 1", "2026-03-10T00:00:00Z", 2), [
    "2026-03-16T00:00:00Z",
    "2026-03-23T00:00:00Z",
  ]);
  // */1 is restricted, so with the 1st it means every day.
  assert.deepEqual(runs("0 0 1 * */1", "2026-03-10T00:00:00Z", 2), [
    "2026-03-11T00:00:00Z",
    "2026-03-12T00:00:00Z",
  ]);
});

Deno.test("parseCron() reads L as the last day of the month", () => {
  assert.equal(next("0 0 L * *", "2013-09-02T00:00:00Z"), "2013-09-30T00:00:00Z");
  assert.equal(next("0 0 L * *", "2014-01-01T00:00:00Z"), "2014-01-31T00:00:00Z");
  assert.equal(next("0 0 L * *", "2014-02-01T00:00:00Z"), "2014-02-28T00:00:00Z");
  assert.equal(next("0 0 l * *", "2016-02-15T00:00:00Z"), "2016-02-29T00:00:00Z");
  assert.deepEqual(runs("0 0 1,L * *", "2026-03-10T00:00:00Z", 3), [
    "2026-03-31T00:00:00Z",
    "2026-04-01T00:00:00Z",
    "2026-04-30T00:00:00Z",
  ]);
  assert.deepEqual(runs("0 0 L * mon", "2026-03-28T00:00:00Z", 3), [
    "2026-03-30T00:00:00Z",
    "2026-03-31T00:00:00Z",
    "2026-04-06T00:00:00Z",
  ]);
});

Deno.test("parseCron() reads LW as the last weekday of the month, also inside a list", () => {
  assert.equal(next("0 0 LW * *", "2013-09-02T00:00:00Z"), "2013-09-30T00:00:00Z");
  assert.equal(next("0 0 LW * *", "2013-11-02T00:00:00Z"), "2013-11-29T00:00:00Z");
  assert.equal(next("0 0 lw * *", "2014-08-15T00:00:00Z"), "2014-08-29T00:00:00Z");
  const listed = parseCron("0 0 LW,1 * *", { timeZone: "UTC" });
  assert.equal(listed.pattern, "0 0 0 LW * * * | 0 0 0 1 * * *");
  assert.deepEqual(listed.nextN(new Date("2014-08-15T00:00:00Z"), 3), [
    new Date("2014-08-29T00:00:00Z"),
    new Date("2014-09-01T00:00:00Z"),
    new Date("2014-09-30T00:00:00Z"),
  ]);
});

Deno.test("parseCron() reads NW as the nearest weekday without crossing the month", () => {
  assert.equal(next("0 0 14W * *", "2013-03-31T00:00:00Z"), "2013-04-15T00:00:00Z");
  assert.equal(next("0 0 14W * *", "2013-08-31T00:00:00Z"), "2013-09-13T00:00:00Z");
  assert.equal(next("0 0 15w * *", "2026-08-01T00:00:00Z"), "2026-08-14T00:00:00Z");
  assert.equal(next("0 0 30W * *", "2013-03-02T00:00:00Z"), "2013-03-29T00:00:00Z");
  assert.equal(next("0 0 30W * *", "2013-06-02T00:00:00Z"), "2013-06-28T00:00:00Z");
  assert.equal(next("0 0 30W * *", "2013-09-02T00:00:00Z"), "2013-09-30T00:00:00Z");
  assert.equal(next("0 0 30W * *", "2013-11-02T00:00:00Z"), "2013-11-29T00:00:00Z");
  // February has no 30th, so 30W skips it.
  assert.equal(next("0 0 30W * *", "2013-02-01T00:00:00Z"), "2013-03-29T00:00:00Z");
  // 2026-08-01 is a Saturday: the nearest weekday in August is Monday the 3rd.
  assert.equal(next("0 0 1W * *", "2026-07-15T00:00:00Z"), "2026-08-03T00:00:00Z");
  // 2026-05-31 is a Sunday: the nearest weekday in May is Friday the 29th.
  assert.equal(next("0 0 31W * *", "2026-05-01T00:00:00Z"), "2026-05-29T00:00:00Z");
});

Deno.test("parseCron() reads NL as the last weekday N of the month", () => {
  assert.deepEqual(runs("0 0 * * 5L", "2026-03-10T00:00:00Z", 2), [
    "2026-03-27T00:00:00Z",
    "2026-04-24T00:00:00Z",
  ]);
  assert.equal(next("0 0 * * fridayL", "2026-03-10T00:00:00Z"), "2026-03-27T00:00:00Z");
  assert.equal(next("0 0 * * 0l", "2026-03-10T00:00:00Z"), "2026-03-29T00:00:00Z");
  assert.equal(next("0 0 * * 7L", "2026-03-10T00:00:00Z"), "2026-03-29T00:00:00Z");
});

Deno.test("parseCron() reads N#k as the k-th weekday N, skipping months without one", () => {
  assert.deepEqual(runs("0 0 * * 6#5", "2013-09-02T08:44:30Z", 5), [
    "2013-11-30T00:00:00Z",
    "2014-03-29T00:00:00Z",
    "2014-05-31T00:00:00Z",
    "2014-08-30T00:00:00Z",
    "2014-11-29T00:00:00Z",
  ]);
  assert.deepEqual(runs("0 0 * * 5#3", "2026-03-10T00:00:00Z", 2), [
    "2026-03-20T00:00:00Z",
    "2026-04-17T00:00:00Z",
  ]);
  assert.equal(next("0 0 * * FRI#3", "2026-03-10T00:00:00Z"), "2026-03-20T00:00:00Z");
  assert.equal(next("0 0 * * 1#1,5L", "2026-03-10T00:00:00Z"), "2026-03-27T00:00:00Z");
  assert.equal(next("0 0 * * 7#1", "2026-03-10T00:00:00Z"), "2026-04-05T00:00:00Z");
});

Deno.test("parseCron() reads years, year ranges, lists and steps", () => {
  assert.deepEqual(runs("0 0 1 1 * 2030-2032", "2026-03-10T00:00:00Z", 5), [
    "2030-01-01T00:00:00Z",
    "2031-01-01T00:00:00Z",
    "2032-01-01T00:00:00Z",
  ]);
  assert.deepEqual(runs("0 0 1 1 * 2027,2029", "2026-03-10T00:00:00Z", 5), [
    "2027-01-01T00:00:00Z",
    "2029-01-01T00:00:00Z",
  ]);
  assert.deepEqual(runs("0 0 1 1 * */10", "2026-03-10T00:00:00Z", 2), [
    "2030-01-01T00:00:00Z",
    "2040-01-01T00:00:00Z",
  ]);
  assert.deepEqual(runs("0 0 1 1 * 2000/25", "2026-03-10T00:00:00Z", 5), [
    "2050-01-01T00:00:00Z",
    "2075-01-01T00:00:00Z",
  ]);
  assert.equal(next("0 0 0 1 1 * 1970-2099", "2098-06-01T00:00:00Z"), "2099-01-01T00:00:00Z");
});

Deno.test("parseCron() gives null, not an error, when the schedule never fires again", () => {
  for (
    const [expression, from] of [
      ["0 0 30 2 *", "2026-03-10T00:00:00Z"],
      ["0 0 31 4,6,9,11 *", "2026-03-10T00:00:00Z"],
      ["0 0 1 1 * 2015", "2026-03-10T00:00:00Z"],
      ["* * * * * 1980", "2013-08-31T00:00:00Z"],
      ["0 0 1 * * 2026", "2026-12-01T00:00:00Z"],
      // cronexpr knows no year after 2099.
      ["0 0 1 1 *", "2099-06-01T00:00:00Z"],
    ]
  ) {
    const schedule = parseCron(expression!, { timeZone: "UTC" });
    assert.equal(schedule.next(new Date(from!)), null, expression);
    assert.deepEqual(schedule.nextN(new Date(from!), 3), [], expression);
  }
});

Deno.test("parseCron() fixes cronexpr's quirk: 7 ends a day-of-week range as Sunday", () => {
  const week = (expression: string) =>
    runs(expression, "2026-03-10T00:00:00Z", 7).map((run) => new Date(run).getUTCDay());
  assert.deepEqual(week("0 0 * * 1-7"), [3, 4, 5, 6, 0, 1, 2]);
  assert.deepEqual(week("0 0 * * 0-7"), [3, 4, 5, 6, 0, 1, 2]);
  assert.deepEqual(week("0 0 * * 5-7"), [5, 6, 0, 5, 6, 0, 5]);
  assert.deepEqual(week("0 0 * * fri-sun"), [5, 6, 0, 5, 6, 0, 5]);
  assert.deepEqual(week("0 0 * * 5-0"), [5, 6, 0, 5, 6, 0, 5]);
  assert.deepEqual(week("0 0 * * 1-7/2"), [3, 5, 0, 1, 3, 5, 0]);
  // Like cronexpr, a range starting at 7 starts on Sunday, and 7-7 is Sunday alone.
  assert.deepEqual(week("0 0 * * 7-2"), [0, 1, 2, 0, 1, 2, 0]);
  assert.deepEqual(week("0 0 * * 7-7"), [0, 0, 0, 0, 0, 0, 0]);
});

Deno.test("parseCron() fixes cronexpr's quirk: day-of-week 01..06 are Monday..Saturday", () => {
  for (const [text, day] of [["01", 1], ["02", 2], ["03", 3], ["04", 4], ["05", 5], ["06", 6]]) {
    const run = next(`0 0 * * ${text}`, "2026-03-10T00:00:00Z");
    assert.equal(new Date(run!).getUTCDay(), day, String(text));
  }
  assert.equal(next("0 0 * * 01L", "2026-03-10T00:00:00Z"), "2026-03-30T00:00:00Z");
  assert.equal(next("0 0 * * 01#2", "2026-03-10T00:00:00Z"), "2026-04-13T00:00:00Z");
});

Deno.test("nextN() lists firings in order, stops when they run out, and checks n", () => {
  const schedule = parseCron("*/5 * * * *", { timeZone: "UTC" });
  assert.deepEqual(schedule.nextN(new Date("2013-09-02T08:44:32Z"), 5), [
    new Date("2013-09-02T08:45:00Z"),
    new Date("2013-09-02T08:50:00Z"),
    new Date("2013-09-02T08:55:00Z"),
    new Date("2013-09-02T09:00:00Z"),
    new Date("2013-09-02T09:05:00Z"),
  ]);
  assert.deepEqual(schedule.nextN(new Date("2013-09-02T08:44:32Z"), 0), []);
  for (const bad of [-1, 1.5, Number.NaN]) {
    assert.throws(() => schedule.nextN(new Date("2026-03-10T00:00:00Z"), bad), RangeError);
  }
});

Deno.test("next() refuses an invalid date", () => {
  const schedule = parseCron("* * * * *");
  assert.throws(
    () => schedule.next(new Date("not a date")),
    new TypeError("Cannot compute the next run: invalid date"),
  );
});
