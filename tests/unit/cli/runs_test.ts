import assert from "node:assert/strict";
import { ApiClient } from "../../../src/cli/api_client.ts";
import { CliError } from "../../../src/cli/cli_error.ts";
import { formatRunTable, logsNote, runOutcome, waitForRun } from "../../../src/cli/runs.ts";
import type { RunRecord, RunStatus } from "../../../src/store/run_record.ts";

function record(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    Id: "20260310T102100Z-9f2c4a1b",
    Allocation: "foo",
    Trigger: "schedule",
    ScheduledAt: "2026-03-10T10:21:00.000Z",
    StartedAt: "2026-03-10T10:21:00.012Z",
    FinishedAt: "2026-03-10T10:21:01.262Z",
    ContainerId: "c-1",
    ExitCode: 0,
    Status: "succeeded",
    Error: null,
    Output: "hello\n",
    ...overrides,
  };
}

/**
 * A fake server for {@linkcode waitForRun}: answers each run request with the next status, after
 * `serverWaits` of the asked-for wait passed on a fake monotonic clock (`false`: at once). Every
 * URL asked for and every pause taken is recorded.
 */
function fakeServer(statuses: RunStatus[], serverWaits: boolean) {
  let now = 0;
  const urls: string[] = [];
  const pauses: number[] = [];
  const client = new ApiClient("http://docket", {
    fetch: (url) => {
      urls.push(String(url));
      const wait = new URL(String(url)).searchParams.get("wait") ?? "0s";
      const ms = wait.endsWith("ms") ? Number(wait.slice(0, -2)) : Number(wait.slice(0, -1)) * 1000;
      if (serverWaits) now += ms;
      const Status = statuses.shift() ?? "running";
      return Promise.resolve(Response.json(record({ Status, Output: Status })));
    },
  });
  const options = {
    now: () => now,
    sleep: (ms: number) => {
      pauses.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
  return { client, options, urls, pauses };
}

const RUN = { name: "foo", id: "20260310T102100Z-9f2c4a1b" };
const RUN_URL = `http://docket/foo/runs/${RUN.id}`;

Deno.test("waitForRun long-polls in 30 s requests until the run is no longer running", async () => {
  const server = fakeServer(["running", "running", "failed"], true);
  const run = await waitForRun(server.client, RUN, server.options);
  assert.equal(run.Status, "failed");
  assert.equal(run.Output, "failed");
  assert.deepEqual(server.urls, Array(3).fill(`${RUN_URL}?wait=30s`));
  assert.deepEqual(server.pauses, []);
});

Deno.test("waitForRun shortens the last wait to the timeout, then gives up with a clear error", async () => {
  const server = fakeServer([], true);
  const error = await waitForRun(server.client, RUN, { ...server.options, timeoutMs: 75_000 })
    .catch((e: unknown) => e);
  assert.ok(error instanceof CliError);
  assert.equal(error.exitCode, 1);
  assert.equal(
    error.message,
    `Cannot wait for run ${RUN.id} of allocation "foo": it is still running after 1m15s ` +
      `(it goes on; see docket logs foo ${RUN.id} later)`,
  );
  assert.deepEqual(server.urls, [
    `${RUN_URL}?wait=30s`,
    `${RUN_URL}?wait=30s`,
    `${RUN_URL}?wait=15s`,
  ]);
});

Deno.test("waitForRun pauses between requests a server answers early, up to the timeout", async () => {
  const server = fakeServer([], false);
  await assert.rejects(
    waitForRun(server.client, RUN, { ...server.options, timeoutMs: 2500 }),
    /still running after 2\.5s/,
  );
  assert.deepEqual(server.pauses, [1000, 1000, 500]);
  assert.deepEqual(server.urls, [
    `${RUN_URL}?wait=2500ms`,
    `${RUN_URL}?wait=1500ms`,
    `${RUN_URL}?wait=500ms`,
    `${RUN_URL}?wait=0s`,
  ]);
});

Deno.test("waitForRun asks at least once, however short the timeout", async () => {
  const server = fakeServer(["succeeded"], false);
  const run = await waitForRun(server.client, RUN, { ...server.options, timeoutMs: 0 });
  assert.equal(run.Status, "succeeded");
  assert.deepEqual(server.urls, [`${RUN_URL}?wait=0s`]);
});

Deno.test("runOutcome: 0 on success, the container's exit code on failure, else Error and 1", () => {
  const id = "20260310T102100Z-9f2c4a1b";
  assert.deepEqual(runOutcome(record()), {
    exitCode: 0,
    message: `Run ${id} of foo succeeded\n`,
  });
  assert.deepEqual(runOutcome(record({ Status: "failed", ExitCode: 3 })), {
    exitCode: 3,
    message: `Run ${id} of foo failed with exit code 3\n`,
  });
  assert.deepEqual(
    runOutcome(record({ Status: "error", ExitCode: null, Error: "Cannot pull image x: denied" })),
    { exitCode: 1, message: "Error: Cannot pull image x: denied\n" },
  );
  assert.deepEqual(
    runOutcome(record({ Status: "timeout", ExitCode: 137, Error: "took longer than 1m" })),
    { exitCode: 137, message: "Error: took longer than 1m\n" },
  );
  assert.deepEqual(runOutcome(record({ Status: "timeout", ExitCode: null, Error: null })), {
    exitCode: 1,
    message: `Error: Run ${id} of foo ended with status timeout\n`,
  });
  assert.equal(runOutcome(record({ Status: "failed", ExitCode: 300 })).exitCode, 1);
  assert.equal(
    runOutcome(record({ Error: "Cannot remove container c-1: gone" })).message,
    `Run ${id} of foo succeeded: Cannot remove container c-1: gone\n`,
  );
});

Deno.test("logsNote speaks up only when the output does not tell the whole story", () => {
  const id = "20260310T102100Z-9f2c4a1b";
  assert.equal(logsNote(record()), undefined);
  assert.equal(logsNote(record({ Status: "failed", ExitCode: 1 })), undefined);
  assert.equal(
    logsNote(record({ Status: "running", FinishedAt: null })),
    `Note: run ${id} of foo is still running; its output is recorded when it ends\n`,
  );
  assert.equal(
    logsNote(record({ Status: "skipped", Error: "run x was still going" })),
    `Note: run ${id} of foo ended with status skipped: run x was still going\n`,
  );
});

Deno.test("formatRunTable aligns columns and prints a header even without runs", () => {
  assert.equal(formatRunTable([]), "ID  STATUS  EXIT  SCHEDULED  STARTED  TOOK\n");
  const table = formatRunTable([
    record({ Id: "b", Trigger: "manual", ScheduledAt: null }),
    record({ Id: "a", Status: "missed", StartedAt: null, ExitCode: null }),
  ]);
  assert.equal(
    table,
    [
      "ID  STATUS     EXIT  SCHEDULED                 STARTED                   TOOK",
      "b   succeeded  0     -                         2026-03-10T10:21:00.012Z  1.25s",
      "a   missed     -     2026-03-10T10:21:00.000Z  -                         -",
      "",
    ].join("\n"),
  );
});
