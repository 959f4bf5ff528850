/**
 * Crash tests: a real `docket server` process on a SQLite store is killed with SIGKILL at awkward
 * moments and started again; nothing accepted is lost, every run is accounted for, and no instant
 * runs twice.
 */
import assert from "node:assert/strict";
import { DOWN_REASON } from "../../src/scheduler/recovery.ts";
import { dockerTest, listLabelled, removeLabelled } from "../support/engine.ts";
import { eventually, startServerProcess } from "../support/server_process.ts";
import { allocation, FAR_FUTURE, uniqueName } from "../support/allocations.ts";

dockerTest(
  "kill -9 during a run: the next start adopts the container and records its exit and output",
  async ({ docker }) => {
    const dir = await Deno.makeTempDir();
    const name = uniqueName("adopt");
    try {
      const first = await startServerProcess(`${dir}/docket.db`);
      await first.json(
        "POST",
        "/",
        allocation(name, FAR_FUTURE, "echo started; sleep 3; echo finished; exit 4"),
      );
      const { body: { Id } } = await first.json("POST", `/${name}/run`);
      await eventually("the container started", async () => {
        const { body } = await first.json("GET", `/${name}`);
        return body.Logs.some((l: string) => l.includes("[started: ")) ? true : undefined;
      });
      await first.kill9();

      await using second = await startServerProcess(`${dir}/docket.db`);
      const run = await eventually("the adopted run finished", async () => {
        const { body } = await second.json("GET", `/${name}/runs/${Id}`);
        return body.Status === "running" ? undefined : body;
      });
      assert.equal(run.Status, "failed", JSON.stringify(run));
      assert.equal(run.ExitCode, 4);
      assert.equal(run.Output, "started\nfinished\n");
      const { body } = await second.json("GET", `/${name}`);
      assert.ok(
        body.Logs.some((l: string) => l.includes(`[Adopted: run ${Id}`)),
        body.Logs.join("\n"),
      );
      assert.deepEqual(await listLabelled(docker, `docket.allocation=${name}`), []);
    } finally {
      await removeLabelled(docker, `docket.allocation=${name}`);
      await Deno.remove(dir, { recursive: true });
    }
  },
);

dockerTest(
  "kill -9 during a run that ends while docket is down: the next start collects it",
  async ({ docker }) => {
    const dir = await Deno.makeTempDir();
    const name = uniqueName("collect");
    try {
      const first = await startServerProcess(`${dir}/docket.db`);
      await first.json(
        "POST",
        "/",
        allocation(name, FAR_FUTURE, "sleep 1; echo quick; echo oops >&2; exit 2", {
          HostConfig: { AutoRemove: false },
        }),
      );
      const { body: { Id } } = await first.json("POST", `/${name}/run`);
      await eventually("the container started", async () => {
        const { body } = await first.json("GET", `/${name}`);
        return body.Logs.some((l: string) => l.includes("[started: ")) ? true : undefined;
      });
      await first.kill9();
      await eventually("the container exited", async () => {
        const [container] = await listLabelled(docker, `docket.allocation=${name}`);
        return container?.state === "exited" ? true : undefined;
      });

      await using second = await startServerProcess(`${dir}/docket.db`);
      const run = await eventually("the run collected", async () => {
        const { body } = await second.json("GET", `/${name}/runs/${Id}`);
        return body.Status === "running" ? undefined : body;
      });
      assert.equal(run.Status, "failed", JSON.stringify(run));
      assert.equal(run.ExitCode, 2);
      // stdout and stderr lines written together may come back in either order from the logs.
      assert.deepEqual(run.Output.split("\n").sort(), ["", "oops", "quick"]);
      const { body } = await second.json("GET", `/${name}`);
      assert.ok(body.Logs.some((l: string) => l.includes("code 2 (collected after a restart)")));
      // AutoRemove was not asked: the container stays, as Docker would leave it.
      assert.equal((await listLabelled(docker, `docket.allocation=${name}`)).length, 1);
    } finally {
      await removeLabelled(docker, `docket.allocation=${name}`);
      await Deno.remove(dir, { recursive: true });
    }
  },
);

dockerTest(
  "kill -9 between instants: missed ones are recorded, the newest runs late, none runs twice",
  async ({ docker }) => {
    const dir = await Deno.makeTempDir();
    const name = uniqueName("missed");
    try {
      const first = await startServerProcess(`${dir}/docket.db`);
      await first.json(
        "POST",
        "/",
        allocation(name, "*/2 * * * * * *", "echo tick", { StartingDeadline: "3s" }),
      );
      await eventually("two runs", async () => {
        const { body } = await first.json("GET", `/${name}/runs`);
        return body.filter((r: { Status: string }) => r.Status === "succeeded").length >= 2
          ? true
          : undefined;
      });
      await first.kill9();
      const killedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 5000));

      await using second = await startServerProcess(`${dir}/docket.db`);
      const restartedAt = Date.now();
      await eventually("a run after the restart", async () => {
        const { body } = await second.json("GET", `/${name}/runs`);
        return body.some((r: { ScheduledAt: string; Status: string }) =>
            Date.parse(r.ScheduledAt) > restartedAt && r.Status !== "running"
          )
          ? true
          : undefined;
      });
      await second.stop();
      await using third = await startServerProcess(`${dir}/docket.db`, []);
      const { body: runs } = await third.json("GET", `/${name}/runs`);
      await third.stop();

      const instants = runs.map((r: { ScheduledAt: string }) => r.ScheduledAt);
      assert.equal(new Set(instants).size, instants.length, "an instant ran twice");
      const gap = runs.filter((r: { ScheduledAt: string }) => {
        const at = Date.parse(r.ScheduledAt);
        return at > killedAt && at < restartedAt - 1000;
      });
      assert.ok(gap.length >= 2, JSON.stringify(runs, null, 1));
      const late = gap.filter((r: { Trigger: string }) => r.Trigger === "late");
      const missed = gap.filter((r: { Status: string }) => r.Status === "missed");
      assert.equal(late.length, 1, JSON.stringify(gap, null, 1));
      assert.equal(late[0].Status, "succeeded");
      assert.equal(missed.length, gap.length - 1);
      assert.ok(missed.every((r: { Error: string }) => r.Error === DOWN_REASON));
      assert.ok(
        runs.every((r: { Status: string }) => r.Status !== "running"),
        JSON.stringify(runs),
      );
    } finally {
      await removeLabelled(docker, `docket.allocation=${name}`);
      await Deno.remove(dir, { recursive: true });
    }
  },
);

dockerTest("kill -9 during a burst of POSTs: every acknowledged allocation survives", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = await startServerProcess(`${dir}/docket.db`);
    const acknowledged: string[] = [];
    let stop = false;
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      for (let i = 0; !stop; i++) {
        const name = `burst-${writer}-${i}`;
        try {
          const response = await fetch(`${first.url}/`, {
            method: "POST",
            body: JSON.stringify(allocation(name, FAR_FUTURE, "true")),
          });
          await response.body?.cancel();
          if (response.status === 201) acknowledged.push(name);
        } catch {
          return; // The server is gone.
        }
      }
    });
    await eventually("50 acknowledged POSTs", () => acknowledged.length >= 50 ? true : undefined);
    await first.kill9();
    stop = true;
    await Promise.all(writers);

    await using second = await startServerProcess(`${dir}/docket.db`);
    const { body } = await second.json("GET", "/");
    const stored = new Set(body.map((a: { Name: string }) => a.Name));
    const lost = acknowledged.filter((name) => !stored.has(name));
    assert.deepEqual(lost, []);
    await second.stop();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
