import assert from "node:assert/strict";
import type { ServerOptions } from "../../../src/cli/server_options.ts";
import { docket, type DocketOptions } from "./harness.ts";

async function serve(args: string[], options: DocketOptions = {}) {
  const started: ServerOptions[] = [];
  const run = await docket(["server", ...args], {
    ...options,
    startServer: (o) => {
      started.push(o);
      return Promise.resolve();
    },
  });
  return { ...run, started };
}

const defaults = { maxLogs: 100, maxRuns: 100, shutdownTimeoutMs: 30_000, maxConcurrentRuns: 100 };

Deno.test("docket server defaults to 127.0.0.1:3000, ./docket.db and 100 logs and runs", async () => {
  const run = await serve([]);
  assert.equal(run.code, 0);
  assert.deepEqual(run.started, [{
    hostname: "127.0.0.1",
    port: 3000,
    store: "docket.db",
    ...defaults,
  }]);
});

Deno.test("docket server takes PORT, HOST and DOCKET_STORE from the environment", async () => {
  const run = await serve([], {
    env: { PORT: "8080", HOST: "0.0.0.0", DOCKET_STORE: "/var/lib/docket/state.db" },
  });
  assert.equal(run.code, 0);
  assert.deepEqual(run.started, [{
    hostname: "0.0.0.0",
    port: 8080,
    store: "/var/lib/docket/state.db",
    ...defaults,
  }]);
});

Deno.test("docket server flags win over the environment", async () => {
  const run = await serve(
    [
      "--port",
      "9000",
      "--hostname",
      "::1",
      "--store",
      "memory",
      "--max-logs",
      "7",
      "--max-runs",
      "8",
      "--shutdown-timeout",
      "2m",
      "--max-concurrent-runs",
      "0",
    ],
    { env: { PORT: "8080", HOST: "0.0.0.0", DOCKET_STORE: "x.db" } },
  );
  assert.equal(run.code, 0);
  assert.deepEqual(run.started, [{
    hostname: "::1",
    port: 9000,
    store: "memory",
    maxLogs: 7,
    maxRuns: 8,
    shutdownTimeoutMs: 120_000,
    maxConcurrentRuns: 0,
  }]);
});

Deno.test("docket server refuses bad values with a clear error and exit 1", async () => {
  const cases: [string[], Record<string, string>, string][] = [
    [["--port", "http"], {}, 'Cannot use --port "http": a port is a whole number from 0 to 65535'],
    [
      ["--port", "65536"],
      {},
      'Cannot use --port "65536": a port is a whole number from 0 to 65535',
    ],
    [[], { PORT: "-1" }, 'Cannot use PORT "-1": a port is a whole number from 0 to 65535'],
    [["--store", ""], {}, 'Cannot use store "": give a file path such as docket.db, or memory'],
    [["--max-runs", "0"], {}, 'Cannot use --max-runs "0": give a whole number of at least 1'],
    [
      ["--max-concurrent-runs", "-1"],
      {},
      'Cannot use --max-concurrent-runs "-1": give a whole number of at least 0',
    ],
    [
      ["--shutdown-timeout", "soon"],
      {},
      'Cannot use --shutdown-timeout "soon": give a duration such as 30s or 2m',
    ],
    [["--max-logs", "0"], {}, 'Cannot use --max-logs "0": give a whole number of at least 1'],
    [["--max-logs", "1.5"], {}, 'Cannot use --max-logs "1.5": give a whole number of at least 1'],
  ];
  for (const [args, env, message] of cases) {
    const run = await serve(args, { env });
    assert.equal(run.code, 1, args.join(" "));
    assert.equal(run.stderr, `Error: ${message}\n`);
    assert.deepEqual(run.started, []);
  }
});

Deno.test("docket server reports a server that fails to start", async () => {
  const run = await docket(["server"], {
    startServer: () => Promise.reject(new Error("Cannot listen on 127.0.0.1:3000: address in use")),
  });
  assert.equal(run.code, 1);
  assert.equal(run.stderr, "Error: Cannot listen on 127.0.0.1:3000: address in use\n");
});
