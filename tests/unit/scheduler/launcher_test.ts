import assert from "node:assert/strict";
import { MemoryStore } from "../../../src/store/memory_store.ts";
import { fooSpec, heldRunner, succeeded, testApi } from "../../support/api.ts";
import { settle } from "../../support/fake_clock.ts";

Deno.test("Launcher records the instant before running, then logs events and the outcome", async () => {
  let recordSeen: unknown;
  const api = testApi({
    start: "2026-03-10T10:20:59Z",
    run: (_docker, request) => {
      recordSeen = api.store.getRun("foo", request.runId)?.Status;
      return Promise.resolve(succeeded(request, "hello world\n"));
    },
  });
  await api.call("POST", "/", fooSpec());
  api.scheduler.start();
  await api.clock.advanceTo("2026-03-10T10:21:00Z");
  await api.launcher.drain(1000);
  assert.equal(recordSeen, "running");
  const [run] = api.store.listRuns("foo");
  assert.ok(run);
  assert.equal(run.Status, "succeeded");
  assert.equal(run.ScheduledAt, "2026-03-10T10:21:00.000Z");
  assert.equal(run.Trigger, "schedule");
  assert.equal(run.ExitCode, 0);
  assert.equal(api.store.getRun("foo", run.Id)?.Output, "hello world\n");
  const view = await (await api.call("GET", "/foo")).json();
  assert.equal(view.LastRun.Id, run.Id);
  assert.equal(view.LastRun.Output, undefined);
  assert.deepEqual(view.Logs.map((l: string) => l.replace(/^[^,]+, /, "")), [
    `[created: c-${run.Id}]`,
    `[started: c-${run.Id}]`,
    `[exited: c-${run.Id} code 0 after 0s]`,
  ]);
  assert.match(view.Logs[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d, \[/);
  assert.match(
    api.logs.at(-1)!,
    /^docket: foo run \S+ for 2026-03-10T10:21:00.000Z: succeeded, exit 0$/,
  );
  api.scheduler.stop();
});

Deno.test("Launcher hands the run pipeline the allocation's controls and docket's labels, leaving the spec alone", async () => {
  const api = testApi("2026-03-10T10:20:59Z");
  await api.call(
    "POST",
    "/",
    fooSpec({
      Timeout: "1m30s",
      PullPolicy: "Never",
      Container: { Config: { Image: "busybox", Labels: { mine: "yes" } } },
    }),
  );
  api.scheduler.start();
  await api.clock.advanceTo("2026-03-10T10:21:00Z");
  await api.launcher.drain(1000);
  const [request] = api.requests;
  assert.ok(request);
  assert.equal(request.timeoutMs, 90_000);
  assert.equal(request.pullPolicy, "Never");
  assert.equal(request.allocation, "foo");
  assert.deepEqual(request.container.Config.Labels, {
    mine: "yes",
    "docket.instance": api.store.instanceId,
    "docket.auto-remove": "false",
  });
  const stored = await (await api.call("GET", "/foo")).json();
  assert.deepEqual(stored.Container.Config.Labels, { mine: "yes" });
  api.scheduler.stop();
});

Deno.test("ConcurrencyPolicy Allow overlaps runs; Forbid records the later instant as skipped", async () => {
  for (const policy of ["Allow", "Forbid"]) {
    const { held, run } = heldRunner();
    const api = testApi({ start: "2026-03-10T10:20:59.500Z", run });
    await api.call("POST", "/", fooSpec({ Cron: "* * * * * * *", ConcurrencyPolicy: policy }));
    api.scheduler.start();
    await api.clock.advanceTo("2026-03-10T10:21:02Z");
    const runs = api.store.listRuns("foo");
    if (policy === "Allow") {
      assert.equal(held.length, 3);
      assert.deepEqual(runs.map((r) => r.Status), ["running", "running", "running"]);
    } else {
      assert.equal(held.length, 1);
      assert.deepEqual(runs.map((r) => r.Status), ["skipped", "skipped", "running"]);
      assert.match(runs[0]!.Error!, /^run \S+ was still going \(ConcurrencyPolicy Forbid\)$/);
      const logs = api.store.get("foo")!.logs;
      assert.match(logs.at(-1)!, /\[Skipped: 2026-03-10T10:21:02.000Z: run \S+ was still going/);
    }
    for (const h of held) h.finish();
    await api.launcher.drain(1000);
    api.scheduler.stop();
  }
});

Deno.test("ConcurrencyPolicy Replace stops the running run before starting the new one", async () => {
  const { held, run } = heldRunner();
  const api = testApi({ start: "2026-03-10T10:20:59.500Z", run });
  await api.call("POST", "/", fooSpec({ Cron: "* * * * * * *", ConcurrencyPolicy: "Replace" }));
  api.scheduler.start();
  await api.clock.advanceTo("2026-03-10T10:21:00Z");
  assert.equal(held.length, 1);
  await api.clock.advanceTo("2026-03-10T10:21:01Z");
  await settle(10);
  assert.equal(held.length, 2);
  assert.equal(held[0]!.request.signal?.aborted, true);
  const [newer, older] = api.store.listRuns("foo");
  assert.equal(older!.Status, "error");
  assert.match(older!.Error!, /replaced by run /);
  assert.equal(newer!.Status, "running");
  assert.ok(
    api.store.get("foo")!.logs.some((l) => l.includes(`[Replacing: run ${older!.Id} is stopped`)),
  );
  held[1]!.finish();
  await api.launcher.drain(1000);
  api.scheduler.stop();
});

Deno.test("Launcher runs nothing it could not record first", async () => {
  const store = new MemoryStore();
  const api = testApi({ start: "2026-03-10T10:20:59Z", store });
  await api.call("POST", "/", fooSpec());
  store.transaction = () => {
    throw new Error("disk full");
  };
  api.scheduler.start();
  await api.clock.advanceTo("2026-03-10T10:21:00Z");
  assert.equal(api.requests.length, 0);
  assert.match(api.logs.at(-1)!, /^docket: Cannot record runs of foo; they do not run: disk full$/);
  api.scheduler.stop();
});

Deno.test("Launcher never runs one instant twice", async () => {
  const api = testApi("2026-03-10T10:20:59Z");
  await api.call("POST", "/", fooSpec());
  const instant = new Date("2026-03-10T10:21:00Z");
  api.launcher.due("foo", instant);
  api.launcher.due("foo", instant);
  await settle();
  api.launcher.due("foo", instant);
  await settle();
  await api.launcher.drain(1000);
  assert.equal(api.requests.length, 1);
  assert.equal(api.store.listRuns("foo").length, 1);
});

Deno.test("Launcher records instants the scheduler skipped as missed", async () => {
  const api = testApi("2026-03-10T10:20:59.500Z");
  await api.call("POST", "/", fooSpec({ Cron: "*/10 * * * * * *" }));
  api.scheduler.start();
  api.scheduler.stop();
  await api.clock.advanceTo("2026-03-10T10:21:25Z");
  api.scheduler.start();
  await api.clock.advance(0);
  await api.launcher.drain(1000);
  const runs = api.store.listRuns("foo").sort((a, b) =>
    a.ScheduledAt!.localeCompare(b.ScheduledAt!)
  );
  assert.deepEqual(runs.map((r) => [r.ScheduledAt?.slice(11, 19), r.Status]), [
    ["10:21:00", "succeeded"],
    ["10:21:10", "missed"],
    ["10:21:20", "missed"],
  ]);
  assert.equal(runs[1]!.Error, "docket fell behind");
  api.scheduler.stop();
});

Deno.test("POST /:name/run starts a run now; GET /:name/runs/:id?wait= returns it finished", async () => {
  const { held, run } = heldRunner();
  const api = testApi({ run });
  await api.call("POST", "/", fooSpec({ Suspended: true }));
  const response = await api.call("POST", "/foo/run");
  assert.equal(response.status, 202);
  const { Id } = await response.json();
  assert.match(Id, /^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
  const waiting = api.call("GET", `/foo/runs/${Id}?wait=30s`);
  await settle();
  held[0]!.finish({ exitCode: 3, status: "failed", output: "boom\n" });
  const record = await (await waiting).json();
  assert.equal(record.Id, Id);
  assert.equal(record.Trigger, "manual");
  assert.equal(record.ScheduledAt, null);
  assert.equal(record.Status, "failed");
  assert.equal(record.ExitCode, 3);
  assert.equal(record.Output, "boom\n");
});

Deno.test("POST /:name/run answers 404 for an unknown name and 409 when Forbid and a run is going", async () => {
  const { held, run } = heldRunner();
  const api = testApi({ run });
  assert.equal((await api.call("POST", "/nope/run")).status, 404);
  await api.call("POST", "/", fooSpec({ ConcurrencyPolicy: "Forbid" }));
  assert.equal((await api.call("POST", "/foo/run")).status, 202);
  const response = await api.call("POST", "/foo/run");
  assert.equal(response.status, 409);
  assert.match((await response.json()).error, /is still going and its ConcurrencyPolicy is Forbid/);
  held[0]!.finish();
  await api.launcher.drain(1000);
});

Deno.test("GET /:name/runs lists runs newest first, with ?limit, and 404s for unknown runs", async () => {
  const api = testApi();
  await api.call("POST", "/", fooSpec());
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    ids.push((await (await api.call("POST", "/foo/run")).json()).Id);
    await api.launcher.drain(1000);
  }
  const all = await (await api.call("GET", "/foo/runs")).json();
  assert.deepEqual(all.map((r: { Id: string }) => r.Id), ids.slice().reverse());
  assert.equal(all[0].Output, undefined);
  const two = await (await api.call("GET", "/foo/runs?limit=2")).json();
  assert.equal(two.length, 2);
  assert.equal((await api.call("GET", "/foo/runs?limit=0")).status, 400);
  assert.equal((await api.call("GET", "/foo/runs/nope")).status, 404);
  assert.equal((await api.call("GET", "/nope/runs")).status, 404);
  assert.equal((await api.call("GET", `/foo/runs/${ids[0]}?wait=soon`)).status, 400);
});

Deno.test("POST /:name/suspend stops scheduling without deleting; /resume schedules again", async () => {
  const api = testApi("2026-03-10T10:20:30Z");
  await api.call("POST", "/", fooSpec());
  api.scheduler.start();
  let response = await api.call("POST", "/foo/suspend");
  assert.equal(response.status, 200);
  let view = await response.json();
  assert.equal(view.Suspended, true);
  assert.equal(view.Next, null);
  await api.clock.advanceTo("2026-03-10T10:23:30Z");
  assert.equal(api.fired.length, 0);
  response = await api.call("POST", "/foo/resume");
  view = await response.json();
  assert.equal(view.Suspended, false);
  assert.equal(view.Next, "2026-03-10T10:24:00.000Z");
  await api.clock.advanceTo("2026-03-10T10:24:00Z");
  assert.equal(api.fired.length, 1);
  assert.equal((await api.call("POST", "/nope/suspend")).status, 404);
  await api.launcher.drain(1000);
  api.scheduler.stop();
});

Deno.test("maxConcurrentRuns: later runs wait their turn, and get StartedAt when they start", async () => {
  const { held, run } = heldRunner();
  const api = testApi({ run, maxConcurrentRuns: 2 });
  for (const name of ["a", "b", "c", "d"]) {
    await api.call("POST", "/", fooSpec({ Name: name, Cron: "0 0 1 1 * 2099" }));
  }
  const ids: string[] = [];
  for (const name of ["a", "b", "c", "d"]) {
    ids.push((await (await api.call("POST", `/${name}/run`)).json()).Id);
  }
  await settle(10);
  assert.deepEqual(held.map((h) => h.request.allocation), ["a", "b"]);
  assert.equal(api.launcher.running(), 4);
  assert.equal(api.store.getRun("c", ids[2]!)?.Status, "running");
  await api.clock.advance(5000);
  held[0]!.finish();
  await settle(10);
  assert.deepEqual(held.map((h) => h.request.allocation), ["a", "b", "c"]);
  const c = api.store.getRun("c", ids[2]!)!;
  assert.equal(
    Date.parse(c.StartedAt!) - Date.parse(api.store.getRun("b", ids[1]!)!.StartedAt!),
    5000,
  );
  held[1]!.finish();
  held[2]!.finish();
  await settle(10);
  held[3]!.finish();
  assert.equal(await api.launcher.drain(1000), true);
  assert.ok(ids.every((id, i) => api.store.getRun("abcd"[i]!, id)?.Status === "succeeded"));
});
