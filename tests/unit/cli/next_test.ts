import assert from "node:assert/strict";
import { docket } from "./harness.ts";

Deno.test("docket next prints every minute at :00 for '* * * * * *' (6 fields = minute..year)", async () => {
  const run = await docket(["next", "* * * * * *"]);
  assert.equal(run.code, 0);
  assert.equal(run.stderr, "");
  assert.equal(
    run.stdout,
    [
      "2026-03-10T10:21:00.000Z",
      "2026-03-10T10:22:00.000Z",
      "2026-03-10T10:23:00.000Z",
      "2026-03-10T10:24:00.000Z",
      "2026-03-10T10:25:00.000Z",
      "",
    ].join("\n"),
  );
});

Deno.test("docket next reads 7 fields as second..year", async () => {
  const run = await docket(["next", "*/15 * * * * * *", "--count", "3"]);
  assert.equal(run.code, 0);
  assert.equal(
    run.stdout,
    "2026-03-10T10:20:45.000Z\n2026-03-10T10:21:00.000Z\n2026-03-10T10:21:15.000Z\n",
  );
});

Deno.test("docket next prints nothing and exits 0 for an expression that never fires", async () => {
  const run = await docket(["next", "0 0 30 2 *"]);
  assert.equal(run.code, 0);
  assert.equal(run.stdout, "");
  assert.equal(run.stderr, "");
});

Deno.test("docket next exits 1 with the parser's error for an invalid expression", async () => {
  const run = await docket(["next", "61 * * * *"]);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "");
  assert.equal(run.stderr, "Error: syntax error in minute field: '61'\n");
});

Deno.test("docket next reads the expression in the --tz zone and prints UTC instants", async () => {
  const berlin = await docket(["next", "0 9 * * *", "--tz", "Europe/Berlin", "--count", "1"]);
  assert.equal(berlin.code, 0);
  assert.equal(berlin.stdout, "2026-03-11T08:00:00.000Z\n");
  const newYork = await docket(["next", "0 9 * * *", "--tz", "America/New_York", "--count", "1"]);
  assert.equal(newYork.stdout, "2026-03-10T13:00:00.000Z\n");
});

Deno.test("docket next refuses an unknown time zone", async () => {
  const run = await docket(["next", "@daily", "--tz", "Mars/Olympus"]);
  assert.equal(run.code, 1);
  assert.equal(run.stderr, 'Error: Cannot use time zone "Mars/Olympus": unknown IANA time zone\n');
});

Deno.test("docket next starts after --from and joins unquoted words", async () => {
  const run = await docket([
    "next",
    "0",
    "0",
    "*",
    "*",
    "*",
    "--from",
    "2030-01-01T00:00:00Z",
    "--count",
    "2",
  ]);
  assert.equal(run.code, 0);
  assert.equal(run.stdout, "2030-01-02T00:00:00.000Z\n2030-01-03T00:00:00.000Z\n");
});

Deno.test("docket next refuses a bad --count or --from", async () => {
  const count = await docket(["next", "@daily", "--count", "0"]);
  assert.equal(count.code, 1);
  assert.equal(count.stderr, 'Error: Cannot use --count "0": give a whole number of at least 1\n');
  const from = await docket(["next", "@daily", "--from", "yesterday"]);
  assert.equal(from.code, 1);
  assert.match(from.stderr, /^Error: Cannot use --from "yesterday": give an ISO 8601 instant/);
});
