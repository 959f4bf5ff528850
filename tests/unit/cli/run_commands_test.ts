import assert from "node:assert/strict";
import type { RunResult } from "../../../src/run/run_container.ts";
import type { RunFunction } from "../../../src/scheduler/launcher.ts";
import { fooSpec, heldRunner, succeeded, type TestApi } from "../../support/api.ts";
import { docket, withApi } from "./harness.ts";

/** A runner that ends every run at once with `result` (plus the run's times). */
function endingWith(result: Omit<RunResult, "finishedAt">): RunFunction {
  return (_docker, request) =>
    Promise.resolve({ ...result, finishedAt: request.now?.() ?? new Date() });
}

/** A runner that succeeds at once with output `out of <run id>`. */
const echoRunId: RunFunction = (_docker, request) =>
  Promise.resolve(succeeded(request, `out of ${request.runId}\n`));

async function seed(api: TestApi, overrides: Record<string, unknown> = {}): Promise<void> {
  const response = await api.call("POST", "/", fooSpec(overrides));
  await response.body?.cancel();
}

/** Starts `count` runs of foo, one after the other, and returns their ids, oldest first. */
async function runsOfFoo(api: TestApi, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(api.launcher.trigger("foo"));
    await api.launcher.drain(1000);
  }
  return ids;
}

const RUN_ID = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

Deno.test("docket runs prints the run summaries, newest first, as 4-space JSON", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const ids = await runsOfFoo(api, 3);
    const expected = await (await api.call("GET", "/foo/runs")).json();
    const run = await docket(["runs", "foo", "--host", host]);
    assert.equal(run.code, 0);
    assert.equal(run.stderr, `GET ${host}/foo/runs\n`);
    assert.equal(run.stdout, `${JSON.stringify(expected, null, 4)}\n`);
    const runs = JSON.parse(run.stdout);
    assert.deepEqual(runs.map((r: { Id: string }) => r.Id), ids.toReversed());
    assert.equal(runs[0].Status, "succeeded");
    assert.equal(runs[0].Trigger, "manual");
    assert.equal("Output" in runs[0], false);
  });
});

Deno.test("docket runs --limit N asks the server for the newest N", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const ids = await runsOfFoo(api, 3);
    const run = await docket(["runs", "foo", "--limit", "2", "--host", host]);
    assert.equal(run.code, 0);
    assert.equal(run.stderr, `GET ${host}/foo/runs?limit=2\n`);
    assert.deepEqual(JSON.parse(run.stdout).map((r: { Id: string }) => r.Id), [ids[2], ids[1]]);
    const zero = await docket(["runs", "foo", "--limit", "0", "--host", host]);
    assert.equal(zero.code, 1);
    assert.equal(zero.stderr, 'Error: Cannot use --limit "0": give a whole number of at least 1\n');
  });
});

Deno.test("docket runs prints [] before the first run, and 404s for an unknown name", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const none = await docket(["runs", "foo", "--host", host]);
    assert.equal(none.code, 0);
    assert.equal(none.stdout, "[]\n");
    const ghost = await docket(["runs", "ghost", "--host", host]);
    assert.equal(ghost.code, 1);
    assert.equal(ghost.stdout, "");
    assert.equal(
      ghost.stderr,
      `GET ${host}/ghost/runs\nError: Cannot find allocation "ghost": no such name\n`,
    );
  });
});

Deno.test("docket runs --table prints a compact table, with - for what a run lacks", async () => {
  const { held, run } = heldRunner();
  await withApi(async ({ api, host }) => {
    await seed(api);
    const done = api.launcher.trigger("foo");
    await api.clock.advance(1500);
    held[0]!.finish({ status: "failed", exitCode: 2 });
    await api.launcher.drain(1000);
    const going = api.launcher.trigger("foo");
    const table = await docket(["runs", "foo", "--table", "--host", host]);
    assert.equal(table.code, 0);
    assert.equal(
      table.stdout,
      [
        "ID                         STATUS   EXIT  SCHEDULED  STARTED                   TOOK",
        `${going}  running  -     -          2026-03-10T10:20:32.000Z  -`,
        `${done}  failed   2     -          2026-03-10T10:20:30.500Z  1.5s`,
        "",
      ].join("\n"),
    );
    held[1]!.finish();
  }, { run });
});

Deno.test("docket logs prints the newest run's output as is, and only that, on stdout", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const [, newest] = await runsOfFoo(api, 2);
    const run = await docket(["logs", "foo", "--host", host]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `out of ${newest}\n`);
    assert.equal(run.stderr, `GET ${host}/foo/runs?limit=1\nGET ${host}/foo/runs/${newest}\n`);
  }, { run: echoRunId });
});

Deno.test("docket logs NAME RUN_ID prints that run's output", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const [oldest] = await runsOfFoo(api, 2);
    const run = await docket(["logs", "foo", oldest!, "--host", host]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `out of ${oldest}\n`);
    assert.equal(run.stderr, `GET ${host}/foo/runs/${oldest}\n`);
  }, { run: echoRunId });
});

Deno.test("docket logs says when an allocation has no runs yet", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const run = await docket(["logs", "foo", "--host", host]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      `GET ${host}/foo/runs?limit=1\nError: allocation "foo" has no runs yet\n`,
    );
  });
});

Deno.test("docket logs reports an unknown run id or allocation with the server's message", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const noRun = await docket(["logs", "foo", "a/b", "--host", host]);
    assert.equal(noRun.code, 1);
    assert.equal(noRun.stdout, "");
    assert.equal(
      noRun.stderr,
      `GET ${host}/foo/runs/a%2Fb\nError: Cannot find run "a/b" of allocation "foo"\n`,
    );
    const noName = await docket(["logs", "ghost", "--host", host]);
    assert.equal(noName.code, 1);
    assert.match(noName.stderr, /\nError: Cannot find allocation "ghost": no such name\n$/);
  });
});

Deno.test("docket logs of a run still going notes it on stderr and prints nothing", async () => {
  const { held, run } = heldRunner();
  await withApi(async ({ api, host }) => {
    await seed(api);
    const id = api.launcher.trigger("foo");
    const logs = await docket(["logs", "foo", "--host", host]);
    assert.equal(logs.code, 0);
    assert.equal(logs.stdout, "");
    assert.match(
      logs.stderr,
      new RegExp(
        `\\nNote: run ${id} of foo is still running; its output is recorded when it ends\\n$`,
      ),
    );
    held[0]!.finish();
  }, { run });
});

Deno.test("docket run prints the new run's id on stdout, and the run is recorded", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const run = await docket(["run", "foo", "--host", host]);
    assert.equal(run.code, 0);
    const id = run.stdout.trimEnd();
    assert.match(id, RUN_ID);
    assert.equal(run.stdout, `${id}\n`);
    assert.equal(run.stderr, `POST ${host}/foo/run\nStarted run ${id} of foo\n`);
    await api.launcher.drain(1000);
    const record = api.store.getRun("foo", id);
    assert.equal(record?.Trigger, "manual");
    assert.equal(record?.Status, "succeeded");
  });
});

Deno.test("docket run --wait prints the run's output and exits with the container's exit code", async () => {
  const run = endingWith({ status: "failed", exitCode: 3, output: "boom\n", containerId: "c-1" });
  await withApi(async ({ api, host }) => {
    await seed(api);
    const result = await docket(["run", "foo", "--wait", "--host", host]);
    assert.equal(result.code, 3);
    assert.equal(result.stdout, "boom\n");
    const id = api.store.listRuns("foo")[0]!.Id;
    assert.equal(
      result.stderr,
      `POST ${host}/foo/run\nStarted run ${id} of foo\n` +
        `GET ${host}/foo/runs/${id}?wait=30s\nRun ${id} of foo failed with exit code 3\n`,
    );
  }, { run });
});

Deno.test("docket run --wait exits 0 when the run succeeds", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const result = await docket(["run", "foo", "--wait", "--timeout", "1m", "--host", host]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, "ok\n");
    assert.match(result.stderr, /\?wait=30s\nRun \S+ of foo succeeded\n$/);
  });
});

Deno.test("docket run --wait on a run that ends in error prints the run's Error and exits 1", async () => {
  const error = "Cannot pull image busybox:latest: connection refused";
  await withApi(async ({ api, host }) => {
    await seed(api);
    const result = await docket(["run", "foo", "--wait", "--host", host]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, new RegExp(`\\?wait=30s\\nError: ${error}\\n$`));
    assert.equal(api.store.listRuns("foo")[0]?.Status, "error");
  }, { run: endingWith({ status: "error", output: "", error }) });
});

Deno.test("docket run --wait --timeout gives up on a run still going, which goes on", async () => {
  const { held, run } = heldRunner();
  await withApi(async ({ api, host }) => {
    await seed(api);
    const result = await docket(["run", "foo", "--wait", "--timeout", "1ms", "--host", host]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    const id = held[0]!.request.runId;
    assert.match(
      result.stderr,
      new RegExp(
        `\\nError: Cannot wait for run ${id} of allocation "foo": it is still running after 1ms ` +
          `\\(it goes on; see docket logs foo ${id} later\\)\\n$`,
      ),
    );
    assert.match(result.stderr, new RegExp(`GET ${host}/foo/runs/${id}\\?wait=1ms\\n`));
    assert.equal(api.store.getRun("foo", id)?.Status, "running");
    held[0]!.finish();
    await api.launcher.drain(1000);
    assert.equal(api.store.getRun("foo", id)?.Status, "succeeded");
  }, { run });
});

Deno.test("docket run refuses a second run while one goes on under ConcurrencyPolicy Forbid", async () => {
  const { held, run } = heldRunner();
  await withApi(async ({ api, host }) => {
    await seed(api, { ConcurrencyPolicy: "Forbid" });
    const first = await docket(["run", "foo", "--host", host]);
    assert.equal(first.code, 0);
    const id = first.stdout.trimEnd();
    const second = await docket(["run", "foo", "--host", host]);
    assert.equal(second.code, 1);
    assert.equal(second.stdout, "");
    assert.equal(
      second.stderr,
      `POST ${host}/foo/run\nError: Cannot run allocation "foo": run ${id} is still going and ` +
        "its ConcurrencyPolicy is Forbid\n",
    );
    held[0]!.finish();
  }, { run });
});

Deno.test("docket run of an unknown name exits 1 with the server's message", async () => {
  await withApi(async ({ host }) => {
    const run = await docket(["run", "ghost", "--wait", "--host", host]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      `POST ${host}/ghost/run\nError: Cannot find allocation "ghost": no such name\n`,
    );
  });
});

Deno.test("docket run checks --timeout before starting anything", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const alone = await docket(["run", "foo", "--timeout", "5s", "--host", host]);
    assert.equal(alone.code, 1);
    assert.equal(alone.stderr, "Error: Cannot use --timeout without --wait\n");
    for (const value of ["soon", "0s"]) {
      const bad = await docket(["run", "foo", "--wait", "--timeout", value, "--host", host]);
      assert.equal(bad.code, 1);
      assert.equal(
        bad.stderr,
        `Error: Cannot use --timeout "${value}": give a duration such as 90s or 5m\n`,
      );
    }
    assert.deepEqual(api.store.listRuns("foo"), []);
  });
});

Deno.test("docket suspend and resume print what they did and change the server's state", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const suspend = await docket(["suspend", "foo", "--host", host]);
    assert.equal(suspend.code, 0);
    assert.equal(suspend.stdout, "Suspended foo\n");
    assert.equal(suspend.stderr, `POST ${host}/foo/suspend\n`);
    assert.equal((await (await api.call("GET", "/foo")).json()).Suspended, true);
    assert.equal(api.allocations.get("foo")?.spec.Suspended, true);
    const resume = await docket(["resume", "foo", "--host", host]);
    assert.equal(resume.code, 0);
    assert.equal(resume.stdout, "Resumed foo\n");
    assert.equal(resume.stderr, `POST ${host}/foo/resume\n`);
    assert.equal((await (await api.call("GET", "/foo")).json()).Suspended, false);
  });
});

Deno.test("docket suspend and resume of an unknown name exit 1 with the server's message", async () => {
  await withApi(async ({ host }) => {
    for (const command of ["suspend", "resume"]) {
      const run = await docket([command, "ghost", "--host", host]);
      assert.equal(run.code, 1);
      assert.equal(run.stdout, "");
      assert.equal(
        run.stderr,
        `POST ${host}/ghost/${command}\nError: Cannot find allocation "ghost": no such name\n`,
      );
    }
  });
});
