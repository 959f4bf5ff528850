import assert from "node:assert/strict";
import { DockerClient } from "../../../src/docker/client.ts";
import { DockerError } from "../../../src/docker/errors.ts";
import { runContainer } from "../../../src/run/run_container.ts";
import type { RunEvent } from "../../../src/run/run_events.ts";
import { json, openBody, startFakeEngine, unusedSocketPath } from "../../support/fake_engine.ts";

const encoder = new TextEncoder();

/** A body that sends `chunks` with a pause between them (the pauses split lines across reads). */
function chunked(chunks: string[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream({
    async pull(controller) {
      const chunk = chunks[index++];
      if (chunk === undefined) return controller.close();
      await new Promise((resolve) => setTimeout(resolve, 1));
      controller.enqueue(encoder.encode(chunk));
    },
  });
}

Deno.test("DockerClient reports a 500 with the daemon's JSON message", async () => {
  await using engine = await startFakeEngine((_request, url) =>
    url.pathname.endsWith("/containers/create")
      ? json(500, {
        message:
          "json: cannot unmarshal string into Go struct field HostConfig.Memory of type int64",
      })
      : undefined
  );
  const docker = engine.client();
  await assert.rejects(docker.createContainer({ Image: "busybox" }), (error: unknown) => {
    assert.ok(error instanceof DockerError);
    assert.equal(error.status, 500);
    assert.equal(
      error.message,
      "Cannot create container: json: cannot unmarshal string into Go struct field HostConfig.Memory of type int64",
    );
    return true;
  });
  assert.deepEqual(engine.requests.map(({ method, path }) => `${method} ${path}`), [
    "GET /_ping",
    "POST /v1.41/containers/create",
  ]);
});

Deno.test("DockerClient.pullImage() fails on an error inside a 200 pull stream split across chunks", async () => {
  await using engine = await startFakeEngine((_request, url) => {
    if (!url.pathname.endsWith("/images/create")) return undefined;
    return new Response(
      chunked([
        `{"status":"Pulling from demo/broken","id":"1.0"}\n{"status":"Verifying Che`,
        `cksum","progressDetail":{},"id":"0553"}\n{"errorDetail":{"message":"filesystem layer `,
        `verification failed"},"error":"filesystem layer verification failed"}\n`,
      ]),
      { headers: { "Content-Type": "application/json" } },
    );
  });
  const docker = engine.client();
  const statuses: string[] = [];
  await assert.rejects(
    docker.pullImage("localhost:5000/demo/broken:1.0", {
      onProgress: (progress) => statuses.push(progress.status ?? "error"),
    }),
    /^DockerError: Cannot pull image localhost:5000\/demo\/broken:1.0: filesystem layer verification failed$/,
  );
  assert.deepEqual(statuses, ["Pulling from demo/broken", "Verifying Checksum", "error"]);
  assert.deepEqual(engine.requests[1]?.query, {
    fromImage: "localhost:5000/demo/broken",
    tag: "1.0",
  });
});

Deno.test("DockerClient.pullImage() reports an error status before the stream", async () => {
  await using engine = await startFakeEngine((_request, url) =>
    url.pathname.endsWith("/images/create") ? json(500, { message: "manifest unknown" }) : undefined
  );
  await assert.rejects(engine.client().pullImage("localhost:5000/x:nope"), (error: unknown) => {
    assert.ok(error instanceof DockerError);
    assert.equal(error.status, 500);
    assert.equal(error.message, "Cannot pull image localhost:5000/x:nope: manifest unknown");
    return true;
  });
});

Deno.test("DockerClient times out when the engine does not answer", async () => {
  await using engine = await startFakeEngine(async (_request, url) => {
    if (!url.pathname.endsWith("/json")) return undefined;
    await engine.stall();
    return json(200, {});
  });
  const docker = engine.client({ timeoutMs: 100 });
  await assert.rejects(docker.inspectContainer("abc"), (error: unknown) => {
    assert.ok(error instanceof DockerError);
    assert.equal(error.kind, "timeout");
    assert.equal(error.status, 0);
    assert.equal(
      error.message,
      `Cannot inspect container abc: the Docker engine at unix://${engine.socketPath} did not answer within 100 ms`,
    );
    return true;
  });
});

Deno.test("DockerClient bounds streamed bodies by the caller's signal, not the header timeout", async () => {
  let cancelled = 0;
  await using engine = await startFakeEngine((_request, url) => {
    if (url.pathname.endsWith("/open/wait")) {
      return new Response(openBody({ onCancel: () => cancelled++ }));
    }
    if (!url.pathname.endsWith("/wait")) return undefined;
    // Headers now, the body only after the client's header timeout has passed.
    return new Response(
      new ReadableStream({
        async start(controller) {
          await new Promise((resolve) => setTimeout(resolve, 150));
          controller.enqueue(encoder.encode(`{"StatusCode":7,"Error":null}\n`));
          controller.close();
        },
      }),
    );
  });
  const docker = engine.client({ timeoutMs: 50 });
  const waiting = await docker.waitContainer("abc", "next-exit");
  assert.deepEqual(await waiting.result, { StatusCode: 7, Error: null });

  const controller = new AbortController();
  const cancelledWait = await docker.waitContainer("open", "next-exit", {
    signal: controller.signal,
  });
  controller.abort(new Error("run cancelled"));
  await assert.rejects(cancelledWait.result, /^Error: run cancelled$/);
  docker.close();
  await engine[Symbol.asyncDispose]();
  assert.equal(cancelled, 1);
});

Deno.test("DockerClient reports a missing socket as a connection error", async () => {
  const socket = await unusedSocketPath();
  try {
    const docker = new DockerClient({
      kind: "unix",
      host: `unix://${socket.path}`,
      socketPath: socket.path,
    });
    try {
      await assert.rejects(docker.listContainers(), (error: unknown) => {
        assert.ok(error instanceof DockerError);
        assert.equal(error.kind, "connection");
        assert.equal(error.status, 0);
        assert.match(
          error.message,
          new RegExp(
            `^Cannot connect to the Docker engine at unix://${socket.path}: .*No such file or directory`,
          ),
        );
        return true;
      });
    } finally {
      docker.close();
    }
  } finally {
    await socket.cleanup();
  }
});

Deno.test("DockerClient retries version negotiation once the engine comes up", async () => {
  const socket = await unusedSocketPath();
  const docker = new DockerClient({
    kind: "unix",
    host: `unix://${socket.path}`,
    socketPath: socket.path,
  });
  try {
    await assert.rejects(docker.listContainers(), /Cannot connect to the Docker engine/);
    await using engine = await startFakeEngine(
      (_request, url) =>
        url.pathname.endsWith("/containers/json") ? json(200, [{ Id: "c1" }]) : undefined,
      { socketPath: socket.path, apiVersion: "1.43" },
    );
    assert.deepEqual(await docker.listContainers(), [{ Id: "c1" }]);
    assert.deepEqual(engine.requests.map(({ path }) => path), ["/_ping", "/v1.43/containers/json"]);
    docker.close();
  } finally {
    docker.close();
    await socket.cleanup();
  }
});

Deno.test("runContainer() on a failed start removes the container and cancels the pending attach and wait", async () => {
  const cancelled: string[] = [];
  await using engine = await startFakeEngine((request, url) => {
    const path = url.pathname.replace(/^\/v[\d.]+/, "");
    if (path === "/images/busybox/json") return json(200, { Id: "sha256:1" });
    if (path === "/containers/create") return json(201, { Id: "c0ffee", Warnings: [] });
    if (path === "/containers/c0ffee/attach" || path === "/containers/c0ffee/wait") {
      // Headers at once, then a body that never ends unless the client goes away.
      return new Response(
        openBody({ onCancel: () => cancelled.push(path.split("/").at(-1) ?? path) }),
      );
    }
    if (path === "/containers/c0ffee/start") {
      return json(400, {
        message: 'exec: "/nonexistent": stat /nonexistent: no such file or directory',
      });
    }
    if (path === "/containers/c0ffee" && request.method === "DELETE") {
      return new Response(null, { status: 204 });
    }
    return undefined;
  });
  const events: RunEvent[] = [];
  const result = await runContainer(engine.client(), {
    allocation: "broken",
    runId: "run-1",
    pullPolicy: "IfNotPresent",
    container: { Config: { Image: "busybox", Cmd: ["/nonexistent"] } },
    onEvent: (event) => events.push(event),
  });
  assert.equal(result.status, "error");
  assert.equal(
    result.error,
    'Cannot start container c0ffee: exec: "/nonexistent": stat /nonexistent: no such file or directory',
  );
  assert.deepEqual(events.map(({ type }) => type), ["created", "error"]);
  assert.deepEqual(cancelled.sort(), ["attach", "wait"]);
  const remove = engine.requests.find(({ method }) => method === "DELETE");
  assert.deepEqual(remove?.query, { force: "1", v: "1" });
});
