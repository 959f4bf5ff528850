import assert from "node:assert/strict";
import { clearLongTimeout, MAX_TIMER_MS, setLongTimeout } from "../../../src/run/long_timer.ts";

Deno.test("setLongTimeout() does not fire early for delays beyond setTimeout's limit", async () => {
  let fired = false;
  const timer = setLongTimeout(() => (fired = true), MAX_TIMER_MS + 1000);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(fired, false);
  clearLongTimeout(timer);
});

Deno.test("setLongTimeout() fires short delays like setTimeout, and clearLongTimeout() cancels", async () => {
  let fired = 0;
  setLongTimeout(() => fired++, 1);
  const cancelled = setLongTimeout(() => fired += 10, 1);
  clearLongTimeout(cancelled);
  clearLongTimeout(undefined);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(fired, 1);
});
