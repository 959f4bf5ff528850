/**
 * The contract every {@linkcode AllocationStore} keeps, as one suite run against each store.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { AllocationSpec } from "../../../src/spec/allocation.ts";
import type { NewRun } from "../../../src/store/run_record.ts";
import type { AllocationStore, StoreOptions } from "../../../src/store/store.ts";

/** Makes a fresh, empty store. */
export type StoreFactory = (options?: StoreOptions) => AllocationStore | Promise<AllocationStore>;

const now = new Date("2026-03-10T10:20:30Z");

function spec(name: string, cron = "* * * * *"): AllocationSpec {
  return { Name: name, Cron: cron, Container: { Config: { Image: "busybox", Cmd: ["true"] } } };
}

/** Registers the contract tests for the store `kind`. */
export function storeContract(kind: string, factory: StoreFactory): void {
  const test = (
    name: string,
    fn: (store: AllocationStore) => void | Promise<void>,
    options?: StoreOptions,
  ) =>
    Deno.test(`${kind}: ${name}`, async () => {
      const store = await factory(options);
      try {
        await fn(store);
      } finally {
        store.close();
      }
    });

  test("a new store lists nothing", (store) => {
    assert.deepEqual(store.list(), []);
    assert.equal(store.get("foo"), undefined);
  });

  test("put() creates, then updates in place keeping logs and creation order", (store) => {
    assert.equal(store.put(spec("a"), now).created, true);
    assert.equal(store.put(spec("b"), now).created, true);
    assert.equal(store.put(spec("c"), now).created, true);
    const a = store.get("a")!;
    assert.ok(store.appendLog("a", a.id, "entry 1"));
    const later = new Date("2026-03-10T11:00:00Z");
    const updated = store.put(spec("a", "0 * * * *"), later);
    assert.equal(updated.created, false);
    assert.equal(updated.allocation.id, a.id);
    assert.deepEqual(store.list().map((x) => x.spec.Name), ["a", "b", "c"]);
    const again = store.get("a")!;
    assert.equal(again.spec.Cron, "0 * * * *");
    assert.deepEqual(again.logs, ["entry 1"]);
    assert.equal(again.createdAt, now.toISOString());
    assert.equal(again.updatedAt, later.toISOString());
  });

  test("delete() removes the allocation and keeps the others' order", (store) => {
    for (const name of ["a", "b", "c", "d"]) store.put(spec(name), now);
    assert.equal(store.delete("a"), true);
    assert.equal(store.delete("a"), false);
    assert.deepEqual(store.list().map((x) => x.spec.Name), ["b", "c", "d"]);
  });

  test("callers never hold the store's own objects", (store) => {
    const original = spec("a");
    store.put(original, now);
    original.Cron = "changed by caller";
    (original.Container.Config as Record<string, unknown>).Image = "changed";
    const got = store.get("a")!;
    assert.equal(got.spec.Cron, "* * * * *");
    got.logs.push("forged");
    got.spec.Container.Config.Image = "forged";
    store.list()[0]!.logs.push("forged");
    const again = store.get("a")!;
    assert.deepEqual(again.logs, []);
    assert.equal(again.spec.Container.Config.Image, "busybox");
  });

  test("appendLog() keeps the newest maxLogs entries", (store) => {
    const { allocation } = store.put(spec("a"), now);
    for (let i = 1; i <= 5; i++) store.appendLog("a", allocation.id, `entry ${i}`);
    assert.deepEqual(store.get("a")!.logs, ["entry 3", "entry 4", "entry 5"]);
  }, { maxLogs: 3 });

  test("appendLog() never writes into a re-created allocation of the same name", (store) => {
    const first = store.put(spec("a"), now).allocation;
    store.appendLog("a", first.id, "old");
    store.delete("a");
    assert.equal(store.appendLog("a", first.id, "late entry of a deleted run"), false);
    const second = store.put(spec("a"), now).allocation;
    assert.notEqual(second.id, first.id);
    assert.equal(store.appendLog("a", first.id, "late entry of a deleted run"), false);
    assert.deepEqual(store.get("a")!.logs, []);
  });

  test("specifications round-trip exactly, unknown Docker fields included", (store) => {
    const full: AllocationSpec = {
      Name: "full",
      Cron: "*/5 * * * * * *",
      Container: {
        Config: {
          Image: "busybox:latest",
          Cmd: ["sh", "-c", 'echo "quoted" && exit 3'],
          Env: ["A=1", "UNICODE=ünïcødé ✓"],
          Labels: { "com.example.x": "y" },
          FutureField: { Nested: [1, null, true] },
        },
        HostConfig: { AutoRemove: true, Memory: 1048576 },
        NetworkingConfig: { EndpointsConfig: { net: { Aliases: ["a"] } } },
      },
    };
    store.put(full, now);
    assert.deepEqual(store.get("full")!.spec, full);
  });

  const scheduled = (id: string, at: string): NewRun => ({
    Id: id,
    Allocation: "a",
    Trigger: "schedule",
    ScheduledAt: at,
    Status: "running",
    StartedAt: at,
  });

  test("beginRun() records a run once per instant, even when asked twice", (store) => {
    const { allocation } = store.put(spec("a"), now);
    assert.equal(store.beginRun(allocation.id, scheduled("r1", "2026-03-10T10:21:00.000Z")), true);
    assert.equal(store.beginRun(allocation.id, scheduled("r2", "2026-03-10T10:21:00.000Z")), false);
    assert.equal(store.beginRun(allocation.id, scheduled("r1", "2026-03-10T10:22:00.000Z")), false);
    const manual: NewRun = {
      Id: "m1",
      Allocation: "a",
      Trigger: "manual",
      ScheduledAt: null,
      Status: "running",
    };
    assert.equal(store.beginRun(allocation.id, manual), true);
    assert.equal(store.beginRun(allocation.id, { ...manual, Id: "m2" }), true);
    assert.deepEqual(store.listRuns("a").map((r) => r.Id), ["m2", "m1", "r1"]);
    assert.equal(store.lastScheduledAt("a"), "2026-03-10T10:21:00.000Z");
  });

  test("beginRun() refuses a deleted or re-created allocation", (store) => {
    const first = store.put(spec("a"), now).allocation;
    store.delete("a");
    assert.equal(store.beginRun(first.id, scheduled("r1", "2026-03-10T10:21:00.000Z")), false);
    store.put(spec("a"), now);
    assert.equal(store.beginRun(first.id, scheduled("r1", "2026-03-10T10:21:00.000Z")), false);
    assert.deepEqual(store.listRuns("a"), []);
  });

  test("updateRun() completes a record; getRun() has the output, listRuns() does not", (store) => {
    const { allocation } = store.put(spec("a"), now);
    store.beginRun(allocation.id, scheduled("r1", "2026-03-10T10:21:00.000Z"));
    assert.deepEqual(store.runningRuns().map((r) => r.Id), ["r1"]);
    store.updateRun("r1", { ContainerId: "c0ffee" });
    store.updateRun("r1", {
      Status: "failed",
      ExitCode: 3,
      FinishedAt: "2026-03-10T10:21:01.000Z",
      Output: "out\nerr ✓\n",
    });
    store.updateRun("unknown", { Status: "failed" });
    assert.deepEqual(store.getRun("a", "r1"), {
      Id: "r1",
      Allocation: "a",
      Trigger: "schedule",
      ScheduledAt: "2026-03-10T10:21:00.000Z",
      StartedAt: "2026-03-10T10:21:00.000Z",
      FinishedAt: "2026-03-10T10:21:01.000Z",
      ContainerId: "c0ffee",
      ExitCode: 3,
      Status: "failed",
      Error: null,
      Output: "out\nerr ✓\n",
    });
    assert.equal(store.getRun("other", "r1"), undefined);
    const [summary] = store.listRuns("a");
    assert.equal(summary && "Output" in summary, false);
    assert.equal(store.lastRun("a")?.Status, "failed");
    assert.deepEqual(store.runningRuns(), []);
  });

  test("beginRun() keeps the newest maxRuns records, never dropping a running one", (store) => {
    const { allocation } = store.put(spec("a"), now);
    store.beginRun(allocation.id, scheduled("r0", "2026-03-10T10:20:00.000Z"));
    for (let i = 1; i <= 5; i++) {
      store.beginRun(allocation.id, scheduled(`r${i}`, `2026-03-10T10:2${i}:00.000Z`));
      store.updateRun(`r${i}`, { Status: "succeeded" });
    }
    assert.deepEqual(store.listRuns("a").map((r) => r.Id), ["r5", "r4", "r0"]);
    assert.deepEqual(store.listRuns("a", 2).map((r) => r.Id), ["r5", "r4"]);
  }, { maxRuns: 3 });

  test("delete() removes an allocation's runs", (store) => {
    const { allocation } = store.put(spec("a"), now);
    store.beginRun(allocation.id, scheduled("r1", "2026-03-10T10:21:00.000Z"));
    store.delete("a");
    store.put(spec("a"), now);
    assert.deepEqual(store.listRuns("a"), []);
    assert.equal(store.getRun("a", "r1"), undefined);
    assert.deepEqual(store.runningRuns(), []);
  });

  test("instanceId is a stable non-empty id", (store) => {
    assert.ok(store.instanceId.length >= 8);
    assert.equal(store.instanceId, store.instanceId);
  });
}
