import assert from "node:assert/strict";
import {
  catchUp,
  DOWN_REASON,
  instantsBetween,
  MAX_MISSED_RECORDED,
} from "../../../src/scheduler/recovery.ts";
import type { Schedule } from "../../../src/scheduler/scheduler.ts";
import { parseCron } from "../../../src/spec/cron.ts";
import { fooSpec, type TestApi, testApi } from "../../support/api.ts";

/** Posts `spec` at `createdAt`, records one run at `lastRun`, then moves the clock to `now`. */
async function downSince(
  spec: Record<string, unknown>,
  createdAt: string,
  now: string,
): Promise<TestApi> {
  const api = testApi(createdAt);
  assert.equal((await api.call("POST", "/", spec)).status, 201);
  await api.clock.advanceTo(now);
  return api;
}

function recovery(api: TestApi) {
  return {
    allocations: api.allocations,
    launcher: api.launcher,
    docker: {} as never,
    clock: api.clock,
  };
}

Deno.test("catchUp() records every instant that passed while docket was down as missed", async () => {
  const api = await downSince(
    fooSpec({ Cron: "*/10 * * * * * *" }),
    "2026-03-10T10:20:05Z",
    "2026-03-10T10:20:45Z",
  );
  const report = catchUp(recovery(api), new Date(api.clock.now()));
  assert.deepEqual(report, { missed: 4, late: 0 });
  await api.launcher.drain(1000);
  const runs = api.store.listRuns("foo").reverse();
  assert.deepEqual(runs.map((r) => [r.ScheduledAt!.slice(11, 19), r.Status, r.Error]), [
    ["10:20:10", "missed", DOWN_REASON],
    ["10:20:20", "missed", DOWN_REASON],
    ["10:20:30", "missed", DOWN_REASON],
    ["10:20:40", "missed", DOWN_REASON],
  ]);
  assert.equal(api.requests.length, 0);
  assert.deepEqual(api.store.get("foo")!.logs.map((l) => l.replace(/^[^,]+, /, "")), [
    `[Missed: 4 instants up to 2026-03-10T10:20:40.000Z (${DOWN_REASON})]`,
  ]);
});

Deno.test("catchUp() starts after the last recorded instant, so nothing is recorded twice", async () => {
  const api = await downSince(
    fooSpec({ Cron: "*/10 * * * * * *" }),
    "2026-03-10T10:20:05Z",
    "2026-03-10T10:20:45Z",
  );
  api.launcher.due("foo", new Date("2026-03-10T10:20:30Z"));
  await api.launcher.drain(1000);
  await new Promise((r) => setTimeout(r, 0));
  catchUp(recovery(api), new Date(api.clock.now()));
  const again = catchUp(recovery(api), new Date(api.clock.now()));
  assert.deepEqual(again, { missed: 0, late: 0 });
  const runs = api.store.listRuns("foo").reverse();
  assert.deepEqual(runs.map((r) => [r.ScheduledAt!.slice(11, 19), r.Status]), [
    ["10:20:30", "succeeded"],
    ["10:20:40", "missed"],
  ]);
});

Deno.test("catchUp() runs the newest missed instant late when within StartingDeadline", async () => {
  const api = await downSince(
    fooSpec({ Cron: "*/10 * * * * * *", StartingDeadline: "15s" }),
    "2026-03-10T10:20:05Z",
    "2026-03-10T10:20:45Z",
  );
  assert.deepEqual(catchUp(recovery(api), new Date(api.clock.now())), { missed: 3, late: 1 });
  await new Promise((r) => setTimeout(r, 0));
  await api.launcher.drain(1000);
  const runs = api.store.listRuns("foo");
  assert.deepEqual(runs.map((r) => [r.ScheduledAt!.slice(11, 19), r.Status, r.Trigger]), [
    ["10:20:40", "succeeded", "late"],
    ["10:20:30", "missed", "schedule"],
    ["10:20:20", "missed", "schedule"],
    ["10:20:10", "missed", "schedule"],
  ]);
  assert.equal(api.requests.length, 1);
});

Deno.test("catchUp() does not run an instant older than StartingDeadline", async () => {
  const api = await downSince(
    fooSpec({ Cron: "*/10 * * * * * *", StartingDeadline: "4s" }),
    "2026-03-10T10:20:05Z",
    "2026-03-10T10:20:45Z",
  );
  assert.deepEqual(catchUp(recovery(api), new Date(api.clock.now())), { missed: 4, late: 0 });
  assert.equal(api.requests.length, 0);
});

Deno.test("catchUp() leaves suspended allocations alone", async () => {
  const api = await downSince(
    fooSpec({ Cron: "*/10 * * * * * *", Suspended: true }),
    "2026-03-10T10:20:05Z",
    "2026-03-10T10:20:45Z",
  );
  assert.deepEqual(catchUp(recovery(api), new Date(api.clock.now())), { missed: 0, late: 0 });
  assert.deepEqual(api.store.listRuns("foo"), []);
});

Deno.test("catchUp() records the newest instants of a long outage one by one and summarises the rest", async () => {
  const api = await downSince(
    fooSpec({ Cron: "* * * * * * *" }),
    "2026-03-10T00:00:00Z",
    "2026-03-11T00:00:00Z",
  );
  const report = catchUp(recovery(api), new Date(api.clock.now()));
  assert.equal(report.missed, MAX_MISSED_RECORDED);
  const runs = api.store.listRuns("foo");
  assert.equal(runs[0]!.ScheduledAt, "2026-03-11T00:00:00.000Z");
  assert.equal(runs.at(-1)!.ScheduledAt, "2026-03-10T23:58:21.000Z");
  const logs = api.store.get("foo")!.logs;
  assert.equal(logs.length, 1);
  const match =
    /\[Missed: (\d+) instants \(the newest 100 recorded as runs\) up to 2026-03-11T00:00:00.000Z/
      .exec(logs[0]!);
  assert.ok(match, logs[0]);
  assert.ok(Math.abs(Number(match[1]) - 86_400) <= 2, match[1]);
});

Deno.test("instantsBetween() is exact for short ranges and bounded for long ones", () => {
  const everyMinute: Schedule = parseCron("* * * * *", { timeZone: "UTC" });
  const from = Date.parse("2026-03-10T10:00:30Z");
  const to = Date.parse("2026-03-10T10:05:00Z");
  const short = instantsBetween(everyMinute, from, to, 3);
  assert.equal(short.total, 5);
  assert.deepEqual(short.newest.map((d) => d.toISOString().slice(11, 16)), [
    "10:03",
    "10:04",
    "10:05",
  ]);
  const started = performance.now();
  const long = instantsBetween(everyMinute, Date.parse("2000-01-01T00:00:00Z"), to, 2);
  assert.ok(performance.now() - started < 5000);
  assert.deepEqual(long.newest.map((d) => d.toISOString().slice(11, 16)), ["10:04", "10:05"]);
  const exact = (to - Date.parse("2000-01-01T00:00:00Z")) / 60_000;
  assert.ok(Math.abs(long.total - exact) / exact < 0.001, `${long.total} vs ${exact}`);
});
