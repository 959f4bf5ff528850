/**
 * The scheduling controls (Timeout, ConcurrencyPolicy, PullPolicy, Suspended, TimeZone) and the
 * manual-run CLI, end to end: a real `docket server` process on the real engine.
 */
import assert from "node:assert/strict";
import { dockerTest, listLabelled, removeLabelled } from "../support/engine.ts";
import { eventually, type ServerProcess, startServerProcess } from "../support/server_process.ts";
import { allocation, create, FAR_FUTURE, uniqueName } from "../support/allocations.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const EVERY_SECOND = "* * * * * * *";
/** A shell that exits at once on SIGTERM (busybox `sleep` as PID 1 ignores it until the kill). */
const STOPPABLE = (seconds: number) => `trap 'exit 143' TERM; sleep ${seconds} & wait`;

interface Run {
  Id: string;
  Allocation: string;
  Trigger: string;
  ScheduledAt: string | null;
  StartedAt: string | null;
  FinishedAt: string | null;
  Status: string;
  ExitCode: number | null;
  ContainerId: string | null;
  Error: string | null;
  Output?: string;
}

// Each test ends its server with kill9 before removing its containers: a graceful stop would
// wait up to 30 s for a run that a failed assertion left going, and the memory store keeps nothing.

async function runs(server: ServerProcess, name: string): Promise<Run[]> {
  const { status, body } = await server.json("GET", `/${name}/runs`);
  assert.equal(status, 200, JSON.stringify(body));
  return body;
}

async function logs(server: ServerProcess, name: string): Promise<string[]> {
  const { body } = await server.json("GET", `/${name}`);
  return (body.Logs as string[]).map((entry) => entry.replace(/^[^,]+, \[(.*)\]$/, "$1"));
}

/** Triggers a run and waits for its record to finish. */
async function runNow(server: ServerProcess, name: string): Promise<Run> {
  const trigger = await server.json("POST", `/${name}/run`);
  assert.equal(trigger.status, 202, JSON.stringify(trigger.body));
  return await finished(server, name, trigger.body.Id);
}

async function finished(server: ServerProcess, name: string, id: string): Promise<Run> {
  return await eventually(`run ${id} finished`, async () => {
    const { body } = await server.json("GET", `/${name}/runs/${id}?wait=20s`);
    return body.Status === "running" ? undefined : body as Run;
  });
}

/**
 * Suspends `name` and waits until none of its runs is going; returns the final records. A record
 * turns from `running` when its container exits, a moment before the run is over (removal, a
 * replaced run's `error`), so each is read again with `?wait`, which waits for the run's end.
 */
async function quiesce(server: ServerProcess, name: string): Promise<Run[]> {
  assert.equal((await server.json("POST", `/${name}/suspend`)).status, 200);
  const listed = await eventually(`no run of ${name} going`, async () => {
    const all = await runs(server, name);
    return all.some((run) => run.Status === "running") ? undefined : all;
  });
  const final: Run[] = [];
  for (const run of listed) final.push(await finished(server, name, run.Id));
  return final;
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

function running(containers: { state: string }[]): number {
  return containers.filter((container) => container.state === "running").length;
}

dockerTest(
  "Timeout: a run that outlives its Timeout is stopped, removed and recorded as timeout",
  async ({ docker }) => {
    const name = uniqueName("timeout");
    await using server = await startServerProcess("memory");
    try {
      // AutoRemove false: docket removes a timed-out container all the same.
      await create(
        server,
        allocation(name, FAR_FUTURE, STOPPABLE(60), {
          Timeout: "2s",
          Container: {
            Config: { Image: "busybox:latest", Cmd: ["sh", "-c", STOPPABLE(60)] },
            HostConfig: { AutoRemove: false },
          },
        }),
      );
      const started = Date.now();
      const run = await runNow(server, name);
      const took = Date.now() - started;
      assert.equal(run.Status, "timeout", JSON.stringify(run));
      assert.equal(run.Error, "Cannot finish the run: it exceeded its timeout of 2s");
      assert.equal(run.ExitCode, 143);
      assert.ok(took >= 2000 && took < 8000, `the run took ${took} ms`);
      assert.deepEqual(await listLabelled(docker, `docket.allocation=${name}`), []);
      const texts = await logs(server, name);
      assert.ok(
        texts.includes("Error: Cannot finish the run: it exceeded its timeout of 2s"),
        texts.join("\n"),
      );
      assert.ok(texts.some((text) => /^exited: [0-9a-f]{64} code 143 after /.test(text)));
    } finally {
      await server.kill9();
      await removeLabelled(docker, `docket.allocation=${name}`);
    }
  },
);

dockerTest(
  "Timeout longer than 2^31 ms (600h) does not stop a short run at once",
  async ({ docker }) => {
    const name = uniqueName("long-timeout");
    await using server = await startServerProcess("memory");
    try {
      await create(server, allocation(name, FAR_FUTURE, "sleep 1; echo ok", { Timeout: "600h" }));
      const run = await runNow(server, name);
      assert.equal(run.Status, "succeeded", JSON.stringify(run));
      assert.equal(run.Output, "ok\n");
    } finally {
      await server.kill9();
      await removeLabelled(docker, `docket.allocation=${name}`);
    }
  },
);

dockerTest(
  "ConcurrencyPolicy Forbid: instants during a run are skipped with the reason, never two at once",
  async ({ docker }) => {
    const name = uniqueName("forbid");
    await using server = await startServerProcess("memory");
    try {
      await create(
        server,
        allocation(name, EVERY_SECOND, "sleep 3", { ConcurrencyPolicy: "Forbid" }),
      );
      let refused = false;
      await eventually("a finished run and two skipped instants", async () => {
        const all = await runs(server, name);
        assert.ok(all.filter((run) => run.Status === "running").length <= 1, JSON.stringify(all));
        const containers = await listLabelled(docker, `docket.allocation=${name}`);
        assert.ok(running(containers) <= 1, JSON.stringify(containers));
        if (!refused && all.some((run) => run.Status === "running")) {
          const trigger = await server.json("POST", `/${name}/run`);
          if (trigger.status === 409) {
            assert.match(trigger.body.error, /is still going and its ConcurrencyPolicy is Forbid$/);
            refused = true;
          }
        }
        const done = all.some((run) => run.Status === "succeeded");
        return done && all.filter((run) => run.Status === "skipped").length >= 2 ? true : undefined;
      });
      assert.ok(refused, "a manual run during a run was never refused with 409");
      const all = await quiesce(server, name);
      const ran = all.filter((run) => run.Status !== "skipped")
        .sort((a, b) => Date.parse(a.StartedAt ?? "") - Date.parse(b.StartedAt ?? ""));
      assert.ok(ran.every((run) => run.Status === "succeeded"), JSON.stringify(ran));
      for (let i = 1; i < ran.length; i++) {
        const previous = ran[i - 1] as Run;
        const current = ran[i] as Run;
        assert.ok(
          Date.parse(previous.FinishedAt ?? "") <= Date.parse(current.StartedAt ?? ""),
          `runs ${previous.Id} and ${current.Id} overlap`,
        );
      }
      const byId = new Map(ran.map((run) => [run.Id, run]));
      const texts = await logs(server, name);
      for (const skipped of all.filter((run) => run.Status === "skipped")) {
        const match = /^run (\S+) was still going \(ConcurrencyPolicy Forbid\)$/.exec(
          skipped.Error ?? "",
        );
        assert.ok(match, JSON.stringify(skipped));
        const blocker = byId.get(match[1] as string);
        assert.ok(blocker, `the blocking run ${match[1]} is not recorded`);
        const at = Date.parse(skipped.ScheduledAt ?? "");
        assert.ok(
          Date.parse(blocker.StartedAt ?? "") <= at && at <= Date.parse(blocker.FinishedAt ?? ""),
          `${skipped.ScheduledAt} is outside run ${blocker.Id}`,
        );
        assert.equal(skipped.StartedAt ?? null, null);
        assert.ok(texts.includes(`Skipped: ${skipped.ScheduledAt}: ${skipped.Error}`));
      }
    } finally {
      await server.kill9();
      await removeLabelled(docker, `docket.allocation=${name}`);
    }
  },
);

dockerTest(
  "ConcurrencyPolicy Replace: a later instant stops the running one and runs; one container at a time",
  async ({ docker }) => {
    const name = uniqueName("replace");
    await using server = await startServerProcess("memory");
    try {
      await create(
        server,
        allocation(name, EVERY_SECOND, STOPPABLE(3), { ConcurrencyPolicy: "Replace" }),
      );
      await eventually("two replaced runs", async () => {
        const containers = await listLabelled(docker, `docket.allocation=${name}`);
        assert.ok(running(containers) <= 1, JSON.stringify(containers));
        const all = await runs(server, name);
        return all.filter((run) => run.Status === "error").length >= 2 ? true : undefined;
      });
      const all = await quiesce(server, name);
      const ids = new Set(all.map((run) => run.Id));
      const replaced = all.filter((run) => run.Status === "error");
      for (const run of replaced) {
        const match = /^Cannot finish the run: replaced by run (\S+)$/.exec(run.Error ?? "");
        assert.ok(match, JSON.stringify(run));
        assert.ok(ids.has(match[1] as string), `the replacing run ${match[1]} is not recorded`);
        assert.equal(run.ExitCode, 143, JSON.stringify(run));
      }
      // The newest run was not replaced: it ran its 3 s.
      assert.equal(all[0]?.Status, "succeeded", JSON.stringify(all[0]));
      // In the log, every container exits before the next one starts.
      const texts = await logs(server, name);
      let going: string | undefined;
      for (const text of texts) {
        const started = /^started: ([0-9a-f]{64})$/.exec(text);
        const exited = /^exited: ([0-9a-f]{64}) /.exec(text);
        if (started) {
          assert.equal(going, undefined, `${started[1]} started while ${going} ran`);
          going = started[1];
        } else if (exited && exited[1] === going) {
          going = undefined;
        }
      }
      assert.ok(texts.some((text) => /^Replacing: run \S+ is stopped for run \S+$/.test(text)));
      assert.deepEqual(await listLabelled(docker, `docket.allocation=${name}`), []);
    } finally {
      await server.kill9();
      await removeLabelled(docker, `docket.allocation=${name}`);
    }
  },
);

dockerTest(
  "ConcurrencyPolicy Allow (the default): overlapping runs all run",
  async ({ docker }) => {
    const name = uniqueName("allow");
    await using server = await startServerProcess("memory");
    try {
      await create(server, allocation(name, EVERY_SECOND, "sleep 3"));
      const { body } = await server.json("GET", `/${name}`);
      assert.equal(body.ConcurrencyPolicy, "Allow");
      await eventually("two containers running at once", async () => {
        const containers = await listLabelled(docker, `docket.allocation=${name}`);
        return running(containers) >= 2 ? true : undefined;
      });
      const overlapping = await runs(server, name);
      assert.ok(overlapping.filter((run) => run.Status === "running").length >= 2);
      const all = await quiesce(server, name);
      assert.ok(all.length >= 2);
      assert.deepEqual(all.filter((run) => run.Status !== "succeeded"), []);
    } finally {
      await server.kill9();
      await removeLabelled(docker, `docket.allocation=${name}`);
    }
  },
);

dockerTest(
  "PullPolicy: Never refuses a missing image, IfNotPresent does not pull, Always logs the failed pull and runs",
  async ({ docker }) => {
    const never = uniqueName("never");
    const ifNotPresent = uniqueName("ifnotpresent");
    const always = uniqueName("always");
    const absent = `docket-test/absent-${crypto.randomUUID().slice(0, 8)}:latest`;
    await using server = await startServerProcess("memory");
    try {
      await create(server, {
        ...allocation(never, FAR_FUTURE, "echo never"),
        Container: { Config: { Image: absent, Cmd: ["true"] } },
      });
      await create(
        server,
        allocation(ifNotPresent, FAR_FUTURE, "echo local", { PullPolicy: "IfNotPresent" }),
      );
      const alwaysSpec = allocation(always, FAR_FUTURE, "echo anyway");
      delete alwaysSpec.PullPolicy;
      await create(server, alwaysSpec);
      assert.equal((await server.json("GET", `/${always}`)).body.PullPolicy, "Always");

      const refused = await runNow(server, never);
      const refusal =
        `Cannot run image ${absent}: it is not present locally and the pull policy is Never`;
      assert.equal(refused.Status, "error");
      assert.equal(refused.Error, refusal);
      assert.equal(refused.ContainerId, null);
      assert.deepEqual(await logs(server, never), [`Error: ${refusal}`]);
      assert.equal(await docker.imageExists(absent), false);

      const local = await runNow(server, ifNotPresent);
      assert.equal(local.Status, "succeeded", JSON.stringify(local));
      const localLogs = await logs(server, ifNotPresent);
      assert.ok(
        localLogs.every((text) => !text.startsWith("Pulled") && !text.includes("Cannot pull")),
        localLogs.join("\n"),
      );
      assert.match(localLogs[0] ?? "", /^created: /);

      const anyway = await runNow(server, always);
      assert.equal(anyway.Status, "succeeded", JSON.stringify(anyway));
      const { body } = await server.json("GET", `/${always}/runs/${anyway.Id}`);
      assert.equal(body.Output, "anyway\n");
      const alwaysLogs = await logs(server, always);
      assert.match(alwaysLogs[0] ?? "", /^Error: Cannot pull image busybox:latest: /);
      assert.match(alwaysLogs[1] ?? "", /^created: /);
    } finally {
      await server.kill9();
      for (const name of [never, ifNotPresent, always]) {
        await removeLabelled(docker, `docket.allocation=${name}`);
      }
    }
  },
);

dockerTest(
  "Suspended: no scheduled runs until resumed (API and CLI); a manual run still runs",
  async ({ docker }) => {
    const name = uniqueName("suspended");
    await using server = await startServerProcess("memory");
    try {
      await create(server, allocation(name, EVERY_SECOND, "echo tick", { Suspended: true }));
      const { body: suspended } = await server.json("GET", `/${name}`);
      assert.equal(suspended.Suspended, true);
      assert.equal(suspended.Next, null);
      // A negative: nothing may happen for three instants.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.deepEqual(await runs(server, name), []);
      assert.deepEqual(await listLabelled(docker, `docket.allocation=${name}`), []);

      const manual = await runNow(server, name);
      assert.equal(manual.Status, "succeeded");
      assert.equal(manual.Trigger, "manual");

      const resumedAt = Date.now();
      const resume = await server.json("POST", `/${name}/resume`);
      assert.equal(resume.status, 200);
      assert.equal(resume.body.Suspended, false);
      assert.ok(Date.parse(resume.body.Next) > resumedAt - 1000, resume.body.Next);
      await eventually(
        "a scheduled run after resume",
        async () =>
          (await runs(server, name)).find((run) =>
            run.Trigger === "schedule" && run.Status === "succeeded"
          ),
      );

      const suspend = await cli("suspend", name, "--host", server.url);
      assert.equal(suspend.code, 0, suspend.stderr);
      assert.equal(suspend.stdout, `Suspended ${name}\n`);
      const suspendedAt = Date.now();
      const { body: again } = await server.json("GET", `/${name}`);
      assert.equal(again.Suspended, true);
      assert.equal(again.Next, null);

      const resumeStartedAt = Date.now();
      const resumed = await cli("resume", name, "--host", server.url);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(resumed.stdout, `Resumed ${name}\n`);
      assert.equal((await server.json("GET", `/${name}`)).body.Suspended, false);
      const after = await eventually(
        "a scheduled run after the CLI resume",
        async () =>
          (await runs(server, name)).find((run) =>
            run.Trigger === "schedule" && Date.parse(run.ScheduledAt ?? "") >= resumeStartedAt
          ),
      );
      assert.ok(after);
      const during = (await quiesce(server, name)).filter((run) => {
        const at = Date.parse(run.ScheduledAt ?? "");
        return at > suspendedAt && at < resumeStartedAt;
      });
      assert.deepEqual(during, [], "runs were scheduled while suspended");
    } finally {
      await server.kill9();
      await removeLabelled(docker, `docket.allocation=${name}`);
    }
  },
);

dockerTest(
  "manual runs from the CLI: run --wait prints the output and exits with its code; logs and runs show it",
  async ({ docker }) => {
    const name = uniqueName("manual");
    await using server = await startServerProcess("memory");
    try {
      await create(server, allocation(name, FAR_FUTURE, "echo hi; exit 3"));
      const run = await cli("run", name, "--wait", "--host", server.url);
      assert.equal(run.code, 3, run.stderr);
      assert.equal(run.stdout, "hi\n");
      const id = /Started run (\S+) of /.exec(run.stderr)?.[1];
      assert.ok(id, run.stderr);
      assert.match(run.stderr, new RegExp(`Run ${id} of ${name} failed with exit code 3`));

      const logsOut = await cli("logs", name, "--host", server.url);
      assert.equal(logsOut.code, 0, logsOut.stderr);
      assert.equal(logsOut.stdout, "hi\n");

      const list = await cli("runs", name, "--host", server.url);
      assert.equal(list.code, 0, list.stderr);
      const listed: Run[] = JSON.parse(list.stdout);
      assert.equal(listed.length, 1);
      const [record] = listed;
      assert.equal(record?.Id, id);
      assert.equal(record?.Trigger, "manual");
      assert.equal(record?.ScheduledAt, null);
      assert.equal(record?.Status, "failed");
      assert.equal(record?.ExitCode, 3);

      await server.json("POST", "/", allocation(name, FAR_FUTURE, "echo fine"));
      const ok = await cli("run", name, "--wait", "--host", server.url);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout, "fine\n");
    } finally {
      await server.kill9();
      await removeLabelled(docker, `docket.allocation=${name}`);
    }
  },
);

Deno.test("TimeZone: Next is the cron instant read in the allocation's zone", async () => {
  // No container runs: the engine is not needed.
  await using server = await startServerProcess("memory", [], {
    env: { DOCKER_HOST: "unix:///nonexistent/docker.sock", TZ: "UTC" },
  });
  try {
    const kiritimati = uniqueName("kiritimati");
    const utc = uniqueName("utc");
    const newYear = uniqueName("newyear");
    const before = Date.now();
    // 09:30:00 every day, in UTC+14 (no DST there) and in UTC.
    await create(
      server,
      allocation(kiritimati, "0 30 9 * * * *", "true", { TimeZone: "Pacific/Kiritimati" }),
    );
    await create(server, allocation(utc, "0 30 9 * * * *", "true", { TimeZone: "UTC" }));
    // Midnight of 2030-01-01 in Kiritimati: 2029-12-31T10:00:00Z.
    await create(
      server,
      allocation(newYear, "0 0 0 1 1 * 2030", "true", { TimeZone: "Pacific/Kiritimati" }),
    );
    const next = async (name: string) => (await server.json("GET", `/${name}`)).body.Next;
    const got = await next(kiritimati);
    const after = Date.now();

    // The next 19:30:00 UTC (09:30 at UTC+14) after `at`.
    const nextAt = (at: number, hour: number) => {
      const day = new Date(at);
      const candidate = Date.UTC(
        day.getUTCFullYear(),
        day.getUTCMonth(),
        day.getUTCDate(),
        hour,
        30,
      );
      return new Date(candidate > at ? candidate : candidate + 86_400_000).toISOString();
    };
    assert.ok(
      [nextAt(before, 19), nextAt(after, 19)].includes(got),
      `Next ${got}, expected ${nextAt(before, 19)}`,
    );
    assert.ok([nextAt(before, 9), nextAt(after, 9)].includes(await next(utc)));
    assert.equal(await next(newYear), "2029-12-31T10:00:00.000Z");
    const { body } = await server.json("GET", `/${kiritimati}`);
    assert.equal(body.TimeZone, "Pacific/Kiritimati");
  } finally {
    await server.kill9();
  }
});
