import assert from "node:assert/strict";
import { Cron } from "croner";
import { parseCron } from "../../../src/spec/cron.ts";
import { compactYears, createCroner } from "../../../src/spec/cron_croner.ts";

/** The next `n` firings of `expression` in `timeZone` after `from`, as ISO strings. */
function runs(expression: string, timeZone: string, from: string, n: number): string[] {
  return parseCron(expression, { timeZone }).nextN(new Date(from), n)
    .map((run) => run.toISOString().replace(".000Z", "Z"));
}

Deno.test("parseCron() reads the schedule in the given time zone", () => {
  assert.deepEqual(runs("0 12 * * *", "Europe/Berlin", "2026-07-01T00:00:00Z", 1), [
    "2026-07-01T10:00:00Z",
  ]);
  assert.deepEqual(runs("0 12 * * *", "Europe/Berlin", "2026-01-10T00:00:00Z", 1), [
    "2026-01-10T11:00:00Z",
  ]);
  assert.deepEqual(runs("0 9 * * *", "America/New_York", "2026-07-01T00:00:00Z", 1), [
    "2026-07-01T13:00:00Z",
  ]);
  assert.deepEqual(runs("0 0 * * 1", "Europe/Berlin", "2026-03-29T00:00:00Z", 2), [
    "2026-03-29T22:00:00Z",
    "2026-04-05T22:00:00Z",
  ]);
  assert.deepEqual(runs("0 0 * * *", "europe/berlin", "2026-07-01T00:00:00Z", 1), [
    "2026-07-01T22:00:00Z",
  ]);
});

Deno.test("parseCron() runs a fixed time in the spring-forward gap once, right after it", () => {
  // Europe/Berlin skips 02:00-03:00 local on 2026-03-29 (01:00Z).
  assert.deepEqual(runs("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 3), [
    "2026-03-29T01:00:00Z",
    "2026-03-30T00:30:00Z",
    "2026-03-31T00:30:00Z",
  ]);
});

Deno.test("parseCron() skips the missing times of an interval schedule at spring-forward", () => {
  assert.deepEqual(runs("*/30 * * * *", "Europe/Berlin", "2026-03-29T00:15:00Z", 3), [
    "2026-03-29T00:30:00Z",
    "2026-03-29T01:00:00Z",
    "2026-03-29T01:30:00Z",
  ]);
});

Deno.test("parseCron() runs a fixed time once and an interval twice in the fall-back hour", () => {
  // Europe/Berlin goes through 02:00-03:00 local twice on 2026-10-25 (00:00Z-02:00Z).
  assert.deepEqual(runs("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 2), [
    "2026-10-25T00:30:00Z",
    "2026-10-26T01:30:00Z",
  ]);
  assert.deepEqual(runs("*/30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 5), [
    "2026-10-25T00:00:00Z",
    "2026-10-25T00:30:00Z",
    "2026-10-25T01:00:00Z",
    "2026-10-25T01:30:00Z",
    "2026-10-26T01:00:00Z",
  ]);
});

Deno.test("parseCron() defaults to the process's local time zone", () => {
  const from = new Date("2026-06-15T00:00:00Z");
  const run = parseCron("0 12 * * *").next(from);
  assert.ok(run !== null && run > from);
  assert.deepEqual([run.getHours(), run.getMinutes(), run.getSeconds()], [12, 0, 0]);
  assert.ok(run.getTime() - from.getTime() <= 48 * 3_600_000);
  const localZone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  assert.deepEqual(run, parseCron("0 12 * * *", { timeZone: localZone }).next(from));
});

Deno.test("parseCron() never fires in 2100 or later, in the schedule's own zone", () => {
  // 2100-01-01 00:00 in Tokyo is still 2099 in UTC.
  assert.deepEqual(runs("0 0 1 1 *", "Asia/Tokyo", "2099-06-01T00:00:00Z", 1), []);
  assert.deepEqual(runs("0 0 1 1 *", "UTC", "2098-06-01T00:00:00Z", 2), [
    "2099-01-01T00:00:00Z",
  ]);
  assert.deepEqual(runs("0 0 1 12 * 2099", "UTC", "2099-11-01T00:00:00Z", 2), [
    "2099-12-01T00:00:00Z",
  ]);
});

Deno.test("compactYears() shrinks croner's year table without changing the schedule", () => {
  assert.equal(compactYears(new Cron("0 0 0 1 1 * *", { mode: "7-part" })), true);
  assert.equal(compactYears(new Cron("0 0 0 1 1 * 2030-2040", { mode: "7-part" })), true);
  const everyYear = createCroner("0 0 0 1 1 * *", "UTC");
  assert.deepEqual(everyYear.nextRun(new Date("2026-03-10T00:00:00Z")), new Date("2027-01-01Z"));
  const someYears = createCroner("0 0 0 1 1 * 2030,2099", "UTC");
  assert.deepEqual(someYears.nextRuns(3, new Date("2026-03-10T00:00:00Z")), [
    new Date("2030-01-01T00:00:00Z"),
    new Date("2099-01-01T00:00:00Z"),
  ]);
});
