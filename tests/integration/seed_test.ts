/**
 * The seed's own examples, end to end, as a new user would try them: a real `docket server`
 * process, the original README's curl example, and `docket push` of the repository's docket.yml,
 * against the real engine. Schedules are rewritten to 7 fields (every second) so the test takes
 * seconds instead of minutes.
 */
import assert from "node:assert/strict";
import { dockerTest, removeLabelled } from "../support/engine.ts";
import { eventually, startServerProcess } from "../support/server_process.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const SEED_YAML = new URL("../../docket.yml", import.meta.url).pathname;
const EVERY_SECOND = "* * * * * * *";

interface Run {
  ScheduledAt: string;
  StartedAt: string;
  Status: string;
  ExitCode: number | null;
  Id: string;
}

dockerTest(
  "the seed's curl example schedules foo, and its runs land in Logs at the right second",
  async ({ docker }) => {
    await using server = await startServerProcess("memory");
    try {
      // curl -X POST localhost:3000 -H 'Content-Type: application/json' -d '{...}'
      const response = await fetch(`${server.url}/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          Name: "foo",
          Cron: EVERY_SECOND,
          Container: {
            Config: { Image: "busybox:latest", Cmd: ["echo", "hello world"] },
            HostConfig: { AutoRemove: true },
          },
        }),
      });
      assert.equal(response.status, 201);
      assert.deepEqual(await response.json(), { created: true });

      const runs: Run[] = await eventually("two finished runs", async () => {
        const { body } = await server.json("GET", "/foo/runs");
        const done = body.filter((r: Run) => r.Status !== "running");
        return done.length >= 2 ? done : undefined;
      });
      for (const run of runs) {
        assert.equal(run.Status, "succeeded");
        assert.equal(run.ExitCode, 0);
        assert.match(run.ScheduledAt, /\.000Z$/);
        const lag = Date.parse(run.StartedAt) - Date.parse(run.ScheduledAt);
        assert.ok(lag >= 0 && lag < 500, `run ${run.Id} started ${lag} ms after its instant`);
        const { body } = await server.json("GET", `/foo/runs/${run.Id}`);
        assert.equal(body.Output, "hello world\n");
      }
      const { body: foo } = await server.json("GET", "/foo");
      const texts = foo.Logs.map((entry: string) => {
        assert.match(entry, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d, \[.*\]$/);
        return entry.replace(/^[^,]+, \[(.*)\]$/, "$1");
      });
      assert.ok(texts.some((t: string) => /^created: [0-9a-f]{64}$/.test(t)), texts.join("\n"));
      assert.ok(texts.some((t: string) => /^started: [0-9a-f]{64}$/.test(t)));
      assert.ok(texts.some((t: string) => /^exited: [0-9a-f]{64} code 0 after \S+$/.test(t)));
      assert.ok(
        texts.some((t: string) =>
          t.startsWith("Pulled busybox latest foo") || t.startsWith("Error: ")
        ),
      );
      assert.deepEqual((await server.json("DELETE", "/foo")).body, { deleted: true });
      assert.equal((await server.json("GET", "/foo")).status, 404);
    } finally {
      await server.stop();
      await removeLabelled(docker, "docket.allocation=foo");
    }
  },
);

dockerTest(
  "docket push of the seed's docket.yml creates foo, bar and baz; foo runs, baz records its error",
  async ({ docker }) => {
    const dir = await Deno.makeTempDir();
    await using server = await startServerProcess("memory");
    try {
      const yaml = (await Deno.readTextFile(SEED_YAML)).replaceAll(
        '"* * * * * *"',
        `"${EVERY_SECOND}"`,
      );
      await Deno.writeTextFile(`${dir}/docket.yml`, yaml);
      const push = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MAIN, "push", "--host", server.url],
        cwd: dir,
        env: { NO_COLOR: "1" },
      }).output();
      const stdout = new TextDecoder().decode(push.stdout);
      const stderr = new TextDecoder().decode(push.stderr);
      assert.equal(push.code, 0, stderr);
      assert.equal(
        stdout,
        "Created allocation foo\nCreated allocation bar\nCreated allocation baz\n",
      );
      assert.match(stderr, new RegExp(`^POST ${server.url}/\n`));

      const finished = (name: string, status?: string) =>
        eventually(`a finished run of ${name}`, async () => {
          const { body } = await server.json("GET", `/${name}/runs`);
          return body.find((r: Run) => r.Status !== "running" && (!status || r.Status === status));
        });
      const fooRun = await finished("foo");
      assert.equal(fooRun.Status, "succeeded");
      assert.equal((await server.json("GET", `/foo/runs/${fooRun.Id}`)).body.Output, "its foo\n");

      await finished("baz", "error");
      const { body: baz } = await server.json("GET", "/baz");
      assert.ok(
        baz.Logs.some((l: string) =>
          l.includes("[Error: ") && l.includes("mattbailey/dfksdalfaslkj")
        ),
        baz.Logs.join("\n"),
      );
      const barRun = await finished("bar");
      assert.ok(["error", "succeeded"].includes(barRun.Status));

      const again = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MAIN, "push", "--host", server.url],
        cwd: dir,
        env: { NO_COLOR: "1" },
      }).output();
      assert.equal(
        new TextDecoder().decode(again.stdout),
        "Updated allocation foo\nUpdated allocation bar\nUpdated allocation baz\n",
      );
    } finally {
      await server.stop();
      for (const name of ["foo", "bar", "baz"]) {
        await removeLabelled(docker, `docket.allocation=${name}`);
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
);
