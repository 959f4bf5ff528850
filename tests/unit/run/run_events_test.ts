import assert from "node:assert/strict";
import { formatRunEvent } from "../../../src/run/run_events.ts";
import { formatDuration } from "../../../src/spec/duration.ts";

const at = new Date("2026-01-01T00:00:00Z");
const ID = "f8ecd244".repeat(8);

Deno.test("formatRunEvent() writes the original docket's texts", () => {
  assert.equal(
    formatRunEvent({ type: "pulled", at, repository: "busybox", tag: "latest", allocation: "foo" }),
    "Pulled busybox latest foo",
  );
  assert.equal(
    formatRunEvent({ type: "created", at, containerId: ID, warnings: [] }),
    `created: ${ID}`,
  );
  assert.equal(formatRunEvent({ type: "started", at, containerId: ID }), `started: ${ID}`);
  assert.equal(
    formatRunEvent({
      type: "exited",
      at,
      containerId: ID,
      exitCode: 3,
      durationMs: 1234,
      output: "",
    }),
    `exited: ${ID} code 3 after 1.234s`,
  );
  assert.equal(
    formatRunEvent({ type: "error", at, message: "image x not found" }),
    "Error: image x not found",
  );
  assert.equal(
    formatRunEvent({ type: "pull_failed", at, message: "Cannot pull image busybox: no such host" }),
    "Error: Cannot pull image busybox: no such host",
  );
});

Deno.test("formatRunEvent() appends daemon warnings to the created text", () => {
  assert.equal(
    formatRunEvent({
      type: "created",
      at,
      containerId: "abc",
      warnings: ["OOM killer is disabled"],
    }),
    "created: abc (warning: OOM killer is disabled)",
  );
});

Deno.test("formatDuration() formats like Go's time.Duration", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [0.0000005, "1ns"],
    [0.0015, "1.5µs"],
    [512, "512ms"],
    [1.5, "1.5ms"],
    [1000, "1s"],
    [1234, "1.234s"],
    [59_999, "59.999s"],
    [60_000, "1m0s"],
    [123_000, "2m3s"],
    [123_450, "2m3.45s"],
    [3_600_000, "1h0m0s"],
    [3_723_000, "1h2m3s"],
    [-1500, "-1.5s"],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, `${ms} ms`);
});
