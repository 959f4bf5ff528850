import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "../../../src/spec/duration.ts";

Deno.test("parseDuration() reads Go durations", () => {
  assert.equal(parseDuration("90s"), 90_000);
  assert.equal(parseDuration("5m"), 300_000);
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("1.5h"), 5_400_000);
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("1m0.5s"), 60_500);
  assert.equal(parseDuration("0"), 0);
});

Deno.test("parseDuration() refuses what is not a duration, naming the examples", () => {
  for (const bad of ["", "5", "5 m", "m", "1d", "-5s", "1h 30m", "five minutes"]) {
    assert.throws(() => parseDuration(bad), (e: unknown) => {
      assert.ok(e instanceof SyntaxError);
      assert.match(e.message, /^Cannot read duration ".*": write a number and a unit, e\.g\. 90s/);
      return true;
    }, bad);
  }
});

Deno.test("formatDuration() prints durations as Go does", () => {
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(250), "250ms");
  assert.equal(formatDuration(1234), "1.234s");
  assert.equal(formatDuration(123_000), "2m3s");
  assert.equal(formatDuration(5_400_000), "1h30m0s");
  assert.equal(formatDuration(0.5), "500µs");
});
