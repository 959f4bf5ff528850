/**
 * `docket server` as a process: starting without an engine, refusing unusable settings, shutting
 * down gracefully (and within --shutdown-timeout), and answering client mistakes with 4xx.
 */
import assert from "node:assert/strict";
import { dockerTest, listLabelled, removeLabelled } from "../support/engine.ts";
import { eventually, type ServerProcess, startServerProcess } from "../support/server_process.ts";
import { allocation, create, FAR_FUTURE, uniqueName } from "../support/allocations.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const EVERY_SECOND = "* * * * * * *";
const NO_ENGINE = "unix:///nonexistent/docker.sock";

/** `docket server …` that is expected to exit on its own. */
async function serverExits(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "server", "--port", "0", ...args],
    stdin: "null",
    stdout: "null",
    env: { ...env, NO_COLOR: "1" },
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

async function waitStarted(server: ServerProcess, name: string): Promise<void> {
  await eventually("the container started", async () => {
    const { body } = await server.json("GET", `/${name}`);
    return body.Logs.some((l: string) => l.includes("[started: ")) ? true : undefined;
  });
}

Deno.test("engine down: the server starts, answers, and records each run's error naming the socket", async () => {
  await using server = await startServerProcess("memory", [], { env: { DOCKER_HOST: NO_ENGINE } });
  try {
    await eventually(
      "the engine reported unreachable",
      () =>
        server.stderr().includes(`Cannot reach the Docker engine at ${NO_ENGINE}: `)
          ? true
          : undefined,
    );
    const manual = uniqueName("down");
    const scheduled = uniqueName("down-every");
    await create(server, allocation(manual, FAR_FUTURE, "true"));
    await create(server, allocation(scheduled, EVERY_SECOND, "true"));

    const { status, body: { Id } } = await server.json("POST", `/${manual}/run`);
    assert.equal(status, 202);
    const { body: run } = await server.json("GET", `/${manual}/runs/${Id}?wait=10s`);
    assert.equal(run.Status, "error", JSON.stringify(run));
    const expected = `Cannot connect to the Docker engine at ${NO_ENGINE}: `;
    assert.ok(run.Error.startsWith(expected), run.Error);
    const { body: view } = await server.json("GET", `/${manual}`);
    assert.ok(
      view.Logs.some((l: string) => l.endsWith(`, [Error: ${run.Error}]`)),
      view.Logs.join("\n"),
    );

    await eventually("two scheduled runs ended in error", async () => {
      const { body } = await server.json("GET", `/${scheduled}/runs`);
      const errors = body.filter((r: { Status: string; Error: string }) =>
        r.Status === "error" && r.Error.startsWith(expected)
      );
      return errors.length >= 2 ? true : undefined;
    });
    const list = await server.json("GET", "/");
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 2);
    await server.stop();
    assert.equal((await server.exited).code, 0, server.stderr());
  } finally {
    await server.stop();
  }
});

Deno.test("a DOCKER_HOST docket cannot use (ssh://) stops docket server at start", async () => {
  const { code, stderr } = await serverExits(["--store", "memory"], { DOCKER_HOST: "ssh://x" });
  assert.equal(code, 1, stderr);
  assert.match(stderr, /^Error: Cannot start docket: Cannot use DOCKER_HOST ssh:\/\/x: .*ssh/m);
  assert.doesNotMatch(stderr, /listening on/);
});

Deno.test("a store docket cannot open stops docket server at start", async () => {
  const { code, stderr } = await serverExits(["--store", "/nonexistent/dir/x.db"]);
  assert.equal(code, 1, stderr);
  assert.match(
    stderr,
    /^Error: Cannot start docket: Cannot open store \/nonexistent\/dir\/x\.db: /m,
  );
  assert.doesNotMatch(stderr, /listening on/);
});

dockerTest(
  "SIGTERM waits for the run in flight: exit 0 after it finished; the next start finds nothing running",
  async ({ docker }) => {
    const dir = await Deno.makeTempDir();
    const name = uniqueName("graceful");
    try {
      const first = await startServerProcess(`${dir}/docket.db`);
      await create(first, allocation(name, FAR_FUTURE, "sleep 2; echo done"));
      const { body: { Id } } = await first.json("POST", `/${name}/run`);
      await waitStarted(first, name);
      await first.stop();
      const status = await first.exited;
      assert.equal(status.code, 0, first.stderr());
      const log = first.stderr();
      const shutdown = log.indexOf("shutting down (SIGTERM)");
      const finished = log.indexOf(`${name} run ${Id} (manual): succeeded, exit 0`);
      assert.ok(shutdown >= 0 && finished > shutdown, log);
      assert.deepEqual(await listLabelled(docker, `docket.allocation=${name}`), []);

      await using second = await startServerProcess(`${dir}/docket.db`);
      const { body: run } = await second.json("GET", `/${name}/runs/${Id}`);
      assert.equal(run.Status, "succeeded", JSON.stringify(run));
      assert.equal(run.ExitCode, 0);
      assert.equal(run.Output, "done\n");
      const { body: runs } = await second.json("GET", `/${name}/runs`);
      assert.deepEqual(runs.map((r: { Status: string }) => r.Status), ["succeeded"]);
      await eventually(
        "the engine answered",
        () => second.stderr().includes("speaks API") ? true : undefined,
      );
      assert.doesNotMatch(second.stderr(), /reconciled runs/);
      await second.stop();
      assert.equal((await second.exited).code, 0);
    } finally {
      await removeLabelled(docker, `docket.allocation=${name}`);
      await Deno.remove(dir, { recursive: true });
    }
  },
);

dockerTest(
  "--shutdown-timeout 1s: exit within it, the container goes on, and the next start adopts it",
  async ({ docker }) => {
    const dir = await Deno.makeTempDir();
    const name = uniqueName("shutdown-timeout");
    try {
      const first = await startServerProcess(`${dir}/docket.db`, ["--shutdown-timeout", "1s"]);
      await create(first, allocation(name, FAR_FUTURE, "echo begin; sleep 5; echo end"));
      const { body: { Id } } = await first.json("POST", `/${name}/run`);
      await waitStarted(first, name);
      const signalled = Date.now();
      await first.stop();
      const took = Date.now() - signalled;
      assert.equal((await first.exited).code, 0, first.stderr());
      assert.ok(took >= 1000 && took < 3000, `exit took ${took} ms`);
      assert.match(
        first.stderr(),
        /1 of 1 runs still going after 1s; the next start collects them/,
      );
      const containers = await listLabelled(docker, `docket.allocation=${name}`);
      assert.deepEqual(containers.map((c) => c.state), ["running"]);

      await using second = await startServerProcess(`${dir}/docket.db`);
      await eventually(
        "the reconciliation",
        () =>
          /reconciled runs of the previous process: 0 collected, 1 still running/.test(
              second.stderr(),
            )
            ? true
            : undefined,
      );
      const run = await eventually("the adopted run finished", async () => {
        const { body } = await second.json("GET", `/${name}/runs/${Id}`);
        return body.Status === "running" ? undefined : body;
      });
      assert.equal(run.Status, "succeeded", JSON.stringify(run));
      assert.equal(run.Output, "begin\nend\n");
      const { body: view } = await second.json("GET", `/${name}`);
      assert.ok(view.Logs.some((l: string) => l.includes(`[Adopted: run ${Id}`)));
      // AutoRemove: true was asked, so the adopted container does not stay behind.
      await eventually(
        "the container removed",
        async () =>
          (await listLabelled(docker, `docket.allocation=${name}`)).length === 0 ? true : undefined,
      );
      await second.stop();
    } finally {
      await removeLabelled(docker, `docket.allocation=${name}`);
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("client mistakes get a 4xx JSON error, never a 5xx, and the server goes on", async () => {
  await using server = await startServerProcess("memory", [], { env: { DOCKER_HOST: NO_ENGINE } });
  try {
    const name = uniqueName("sweep");
    await create(server, allocation(name, FAR_FUTURE, "true"));
    const huge = JSON.stringify({ Name: "x".repeat(2 * 1024 * 1024) });
    const cases: [string, string, BodyInit | null, number][] = [
      ["POST", "/", "{bad", 400],
      ["POST", "/", "", 400],
      ["POST", "/", new Uint8Array([0xff, 0xfe, 0x7b]), 400],
      ["POST", "/", "[]", 422],
      ["POST", "/", '{"Name":"x","Cron":"61 * * * *","Container":{}}', 422],
      ["POST", "/", huge, 413],
      ["PUT", "/", "{}", 405],
      ["PATCH", `/${name}`, "{}", 405],
      ["GET", `/${name}/run`, null, 405],
      ["DELETE", `/${name}/runs`, null, 405],
      ["GET", "/a/b/c/d/e", null, 404],
      ["GET", "/nope", null, 404],
      ["DELETE", "/nope", null, 404],
      ["POST", "/nope/run", null, 404],
      ["POST", "/nope/suspend", null, 404],
      ["GET", `/${name}/runs/nope`, null, 404],
      ["GET", "/%E0%A4%A", null, 400],
      ["GET", "/%zz/runs", null, 400],
      ["GET", `/${name}/runs?limit=0`, null, 400],
      ["GET", `/${name}/runs?limit=abc`, null, 400],
      ["GET", `/${name}/runs?limit=-1`, null, 400],
      ["GET", `/${name}/runs/nope?wait=forever`, null, 400],
      ["GET", `/${name}/runs/nope?wait=`, null, 400],
      ["GET", `/${name}/runs/nope?wait=-1s`, null, 400],
    ];
    for (const [method, path, body, expected] of cases) {
      const response = await fetch(`${server.url}${path}`, { method, body });
      const what = `${method} ${path.slice(0, 60)}`;
      assert.equal(response.headers.get("content-type"), "application/json; charset=UTF-8", what);
      const answer = await response.json();
      assert.equal(response.status, expected, `${what}: ${JSON.stringify(answer)}`);
      assert.equal(typeof answer.error, "string", what);
      assert.ok(answer.error.length > 0, what);
    }
    // A body over 1 MiB without Content-Length (chunked) is cut off too.
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 2 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const chunked = await fetch(`${server.url}/`, { method: "POST", body: stream });
    assert.equal(chunked.status, 413);
    assert.match((await chunked.json()).error, /larger than 1048576 bytes/);

    const list = await server.json("GET", "/");
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((a: { Name: string }) => a.Name), [name]);
    assert.doesNotMatch(server.stderr(), /Cannot answer/);
    assert.doesNotMatch(server.stderr(), / 5\d\d \d/);
  } finally {
    await server.stop();
  }
});

Deno.test("GET /:name/runs?limit= beyond 64 bits is not a server error on the SQLite store", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using server = await startServerProcess(`${dir}/docket.db`, [], {
      env: { DOCKER_HOST: NO_ENGINE },
    });
    const name = uniqueName("limit");
    await create(server, allocation(name, FAR_FUTURE, "true"));
    for (const limit of ["99999999999999999999", "9223372036854775808"]) {
      const response = await fetch(`${server.url}/${name}/runs?limit=${limit}`);
      const body = await response.json();
      // Either reading it as "all runs" (200) or refusing it (400) is fine; 500 is not.
      assert.ok(
        response.status === 200 || response.status === 400,
        `limit=${limit}: ${response.status} ${JSON.stringify(body)}`,
      );
    }
    await server.stop();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
