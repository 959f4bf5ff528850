import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { SCHEMA_VERSION } from "../../../src/store/migrations.ts";
import { SqliteStore } from "../../../src/store/sqlite_store.ts";
import { storeContract } from "./store_contract.ts";

storeContract("SqliteStore", (options) => new SqliteStore(":memory:", options));

const spec = {
  Name: "a",
  Cron: "* * * * *",
  Container: { Config: { Image: "busybox" } },
};

Deno.test("SqliteStore keeps allocations, logs and runs across reopening the file", () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/docket.db`;
  try {
    const first = new SqliteStore(path);
    const { allocation } = first.put(spec, new Date("2026-03-10T10:20:30Z"));
    first.appendLog("a", allocation.id, "entry");
    first.beginRun(allocation.id, {
      Id: "r1",
      Allocation: "a",
      Trigger: "schedule",
      ScheduledAt: "2026-03-10T10:21:00.000Z",
      Status: "running",
    });
    const instance = first.instanceId;
    first.close();

    const second = new SqliteStore(path);
    assert.deepEqual(second.get("a")?.spec, spec);
    assert.deepEqual(second.get("a")?.logs, ["entry"]);
    assert.deepEqual(second.runningRuns().map((r) => r.Id), ["r1"]);
    assert.equal(second.instanceId, instance);
    second.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("SqliteStore uses WAL and records its schema version", () => {
  const dir = Deno.makeTempDirSync();
  try {
    new SqliteStore(`${dir}/docket.db`).close();
    const db = new DatabaseSync(`${dir}/docket.db`);
    assert.equal(
      (db.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode,
      "wal",
    );
    assert.equal(
      (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version,
      SCHEMA_VERSION,
    );
    db.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("SqliteStore refuses a file from a newer docket, or one that is not a database", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const db = new DatabaseSync(`${dir}/newer.db`);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(
      () => new SqliteStore(`${dir}/newer.db`),
      /^Error: Cannot open store .*newer\.db: its schema version \d+ is newer than this docket's/,
    );
    Deno.writeTextFileSync(`${dir}/text.db`, "this is not a database, just some text ".repeat(50));
    assert.throws(
      () => new SqliteStore(`${dir}/text.db`),
      /^Error: Cannot open store .*text\.db: /,
    );
    assert.throws(() => new SqliteStore(`${dir}/missing/dir/x.db`), /^Error: Cannot open store /);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
