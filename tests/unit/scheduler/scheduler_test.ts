import assert from "node:assert/strict";
import { type Schedule, Scheduler } from "../../../src/scheduler/scheduler.ts";
import { FakeClock } from "../../support/fake_clock.ts";

/** Fires every `seconds` seconds, aligned to the epoch. */
function every(seconds: number): Schedule {
  const ms = seconds * 1000;
  return { next: (after) => new Date(Math.floor(after.getTime() / ms) * ms + ms) };
}

/** Fires at the given instants only. */
function at(...instants: string[]): Schedule {
  const times = instants.map((i) => new Date(i).getTime()).sort((a, b) => a - b);
  return {
    next: (after) => {
      const t = times.find((time) => time > after.getTime());
      return t === undefined ? null : new Date(t);
    },
  };
}

function recorder(clock: FakeClock) {
  const fired: { name: string; instant: string; firedAt: string }[] = [];
  const missed: { name: string; instants: string[] }[] = [];
  const scheduler = new Scheduler({
    clock,
    onDue: (name, instant) =>
      fired.push({
        name,
        instant: instant.toISOString(),
        firedAt: new Date(clock.now()).toISOString(),
      }),
    onMissed: (name, instants) =>
      missed.push({ name, instants: instants.map((i) => i.toISOString()) }),
  });
  return { scheduler, fired, missed };
}

Deno.test("Scheduler fires each instant exactly when it comes, never early", async () => {
  const clock = new FakeClock("2026-01-01T00:00:00.500Z");
  const { scheduler, fired } = recorder(clock);
  scheduler.set("a", every(60));
  scheduler.start();
  await clock.advanceTo("2026-01-01T00:00:59.999Z");
  assert.deepEqual(fired, []);
  await clock.advanceTo("2026-01-01T00:02:00.000Z");
  assert.deepEqual(fired, [
    { name: "a", instant: "2026-01-01T00:01:00.000Z", firedAt: "2026-01-01T00:01:00.000Z" },
    { name: "a", instant: "2026-01-01T00:02:00.000Z", firedAt: "2026-01-01T00:02:00.000Z" },
  ]);
  scheduler.stop();
});

Deno.test("Scheduler does not run at start-up, even on an instant's boundary", async () => {
  const clock = new FakeClock("2026-01-01T00:01:00Z");
  const { scheduler, fired } = recorder(clock);
  scheduler.set("a", every(60));
  scheduler.start();
  await clock.advance(59_999);
  assert.equal(fired.length, 0);
  await clock.advance(1);
  assert.deepEqual(fired.map((f) => f.instant), ["2026-01-01T00:02:00.000Z"]);
  scheduler.stop();
});

Deno.test("Scheduler.set() on an existing name reschedules without firing the old schedule", async () => {
  const clock = new FakeClock("2026-01-01T00:00:00Z");
  const { scheduler, fired } = recorder(clock);
  scheduler.set("a", at("2026-01-01T00:00:10Z"));
  scheduler.start();
  scheduler.set("a", at("2026-01-01T00:00:20Z"));
  assert.equal(scheduler.nextRun("a")?.toISOString(), "2026-01-01T00:00:20.000Z");
  await clock.advanceTo("2026-01-01T00:01:00Z");
  assert.deepEqual(fired.map((f) => f.instant), ["2026-01-01T00:00:20.000Z"]);
  scheduler.stop();
});

Deno.test("Scheduler.set() right after a firing does not fire the same instant twice", async () => {
  const clock = new FakeClock("2026-01-01T00:00:00Z");
  const { scheduler, fired } = recorder(clock);
  scheduler.set("a", every(10));
  scheduler.start();
  await clock.advanceTo("2026-01-01T00:00:10Z");
  scheduler.set("a", every(10));
  await clock.advanceTo("2026-01-01T00:00:20Z");
  assert.deepEqual(fired.map((f) => f.instant), [
    "2026-01-01T00:00:10.000Z",
    "2026-01-01T00:00:20.000Z",
  ]);
  scheduler.stop();
});

Deno.test("Scheduler.delete() cancels future instants", async () => {
  const clock = new FakeClock("2026-01-01T00:00:00Z");
  const { scheduler, fired } = recorder(clock);
  scheduler.set("a", every(10));
  scheduler.set("b", every(10));
  scheduler.start();
  await clock.advanceTo("2026-01-01T00:00:10Z");
  assert.equal(scheduler.delete("a"), true);
  assert.equal(scheduler.delete("a"), false);
  assert.equal(scheduler.nextRun("a"), null);
  await clock.advanceTo("2026-01-01T00:00:30Z");
  assert.deepEqual(fired.map((f) => `${f.name}@${f.instant.slice(17, 19)}`), [
    "a@10",
    "b@10",
    "b@20",
    "b@30",
  ]);
  scheduler.stop();
});

Deno.test("Scheduler fires every schedule due at the same instant, in one timer", async () => {
  const clock = new FakeClock("2026-01-01T00:00:00Z");
  const { scheduler, fired } = recorder(clock);
  for (let i = 0; i < 1000; i++) scheduler.set(`job-${i}`, every(3600));
  scheduler.start();
  assert.equal(clock.pendingTimers, 1);
  await clock.advanceTo("2026-01-01T01:00:00Z");
  assert.equal(fired.length, 1000);
  assert.ok(fired.every((f) => f.firedAt === "2026-01-01T01:00:00.000Z"));
  assert.equal(clock.pendingTimers, 1);
  scheduler.stop();
  assert.equal(clock.pendingTimers, 0);
});

Deno.test("Scheduler never sleeps longer than maxSleepMs, and an idle scheduler wakes rarely", async () => {
  const clock = new FakeClock("2026-01-01T00:00:00Z");
  let wakes = 0;
  const counting = {
    now: () => clock.now(),
    setTimer: (fn: () => void, ms: number) => clock.setTimer(() => (wakes++, fn()), ms),
    clearTimer: (handle: unknown) => clock.clearTimer(handle as number),
  };
  const fired: string[] = [];
  const scheduler = new Scheduler({ clock: counting, onDue: (name) => fired.push(name) });
  for (let i = 0; i < 100; i++) scheduler.set(`hourly-${i}`, every(3600));
  scheduler.start();
  assert.ok(clock.nextTimerAt! - clock.now() <= 60_000);
  await clock.advanceTo("2026-01-01T00:59:59Z");
  assert.equal(fired.length, 0);
  assert.ok(wakes <= 60, `woke ${wakes} times in an idle hour`);
  scheduler.stop();
});

Deno.test("Scheduler reports instants skipped while the process was behind, and runs once late", async () => {
  const clock = new FakeClock("2026-01-01T00:00:00Z");
  const { scheduler, fired, missed } = recorder(clock);
  scheduler.set("a", every(10));
  scheduler.start();
  // The process stalls: its timer fires only 35 s later.
  scheduler.stop();
  await clock.advanceTo("2026-01-01T00:00:35Z");
  scheduler.start();
  await clock.advance(0);
  assert.deepEqual(fired.map((f) => [f.instant, f.firedAt]), [[
    "2026-01-01T00:00:10.000Z",
    "2026-01-01T00:00:35.000Z",
  ]]);
  assert.deepEqual(missed, [{
    name: "a",
    instants: ["2026-01-01T00:00:20.000Z", "2026-01-01T00:00:30.000Z"],
  }]);
  assert.equal(scheduler.nextRun("a")?.toISOString(), "2026-01-01T00:00:40.000Z");
  scheduler.stop();
});

Deno.test("Scheduler forgets a schedule that never fires again, and keeps firing after a throwing handler", async () => {
  const clock = new FakeClock("2026-01-01T00:00:00Z");
  const fired: string[] = [];
  const scheduler = new Scheduler({
    clock,
    onDue: (name) => {
      fired.push(name);
      throw new Error("boom");
    },
  });
  assert.equal(scheduler.set("never", at()), null);
  scheduler.set("once", at("2026-01-01T00:00:01Z"));
  scheduler.set("tick", every(1));
  scheduler.start();
  await clock.advanceTo("2026-01-01T00:00:03Z");
  assert.deepEqual(fired.sort(), ["once", "tick", "tick", "tick"]);
  assert.equal(scheduler.nextRun("once"), null);
  scheduler.stop();
});

Deno.test("Scheduler compacts replaced entries so the queue does not grow without bound", async () => {
  const clock = new FakeClock("2026-01-01T00:00:00Z");
  const { scheduler, fired } = recorder(clock);
  scheduler.start();
  for (let i = 0; i < 5000; i++) scheduler.set("a", every(3600));
  assert.equal(scheduler.size, 1);
  await clock.advanceTo("2026-01-01T01:00:00Z");
  assert.equal(fired.length, 1);
  scheduler.stop();
});
