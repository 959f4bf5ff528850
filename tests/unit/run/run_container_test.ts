import assert from "node:assert/strict";
import { frame } from "../../support/frames.ts";
import { DockerError } from "../../../src/docker/errors.ts";
import type { ContainerCreateBody, WaitResult } from "../../../src/docker/types.ts";
import {
  buildCreateBody,
  runContainer,
  type RunDocker,
  type RunRequest,
} from "../../../src/run/run_container.ts";
import { formatRunEvent, type RunEvent } from "../../../src/run/run_events.ts";

interface FakeOptions {
  imagePresent?: boolean;
  pullError?: Error;
  createError?: unknown;
  startError?: Error;
  stopError?: Error;
  output?: Uint8Array[];
  /** Exit code the container exits with on its own; `undefined` = it runs until stopped. */
  exitCode?: number;
}

/** A scripted engine: records calls; the container exits on its own or when stopped/killed. */
class FakeDocker implements RunDocker {
  calls: string[] = [];
  created: ContainerCreateBody[] = [];
  readonly #options: FakeOptions;
  #exit = Promise.withResolvers<WaitResult>();
  #output = Promise.withResolvers<void>();

  constructor(options: FakeOptions = {}) {
    this.#options = options;
  }

  #finish(code: number) {
    this.#exit.resolve({ StatusCode: code, Error: null });
    this.#output.resolve();
  }

  imageExists(reference: string): Promise<boolean> {
    this.calls.push(`imageExists ${reference}`);
    return Promise.resolve(this.#options.imagePresent ?? true);
  }
  pullImage(): Promise<{ messages: number }> {
    this.calls.push("pull");
    return this.#options.pullError
      ? Promise.reject(this.#options.pullError)
      : Promise.resolve({ messages: 1 });
  }
  createContainer(body: ContainerCreateBody): Promise<{ Id: string; Warnings: string[] }> {
    this.calls.push("create");
    this.created.push(structuredClone(body));
    if (this.#options.createError !== undefined) return Promise.reject(this.#options.createError);
    return Promise.resolve({ Id: "c1", Warnings: [] });
  }
  attachContainer(_id: string, options: { signal?: AbortSignal | undefined } = {}) {
    this.calls.push("attach");
    const output = this.#options.output ?? [];
    const ended = this.#output.promise;
    options.signal?.addEventListener("abort", () => this.#output.resolve());
    return Promise.resolve(
      new ReadableStream<Uint8Array>({
        async start(controller) {
          for (const chunk of output) controller.enqueue(chunk);
          await ended;
          controller.close();
        },
      }),
    );
  }
  waitContainer(
    _id: string,
    condition: string,
    options: { signal?: AbortSignal | undefined } = {},
  ) {
    this.calls.push(`wait ${condition}`);
    const result = new Promise<WaitResult>((resolve, reject) => {
      this.#exit.promise.then(resolve);
      options.signal?.addEventListener("abort", () => reject(options.signal?.reason));
    });
    result.catch(() => {});
    return Promise.resolve({ result });
  }
  startContainer(): Promise<void> {
    this.calls.push("start");
    if (this.#options.startError) return Promise.reject(this.#options.startError);
    if (this.#options.exitCode !== undefined) this.#finish(this.#options.exitCode);
    return Promise.resolve();
  }
  stopContainer(_id: string, options: { t?: number } = {}): Promise<void> {
    this.calls.push(`stop t=${options.t}`);
    if (this.#options.stopError) return Promise.reject(this.#options.stopError);
    this.#finish(137);
    return Promise.resolve();
  }
  killContainer(): Promise<void> {
    this.calls.push("kill");
    this.#finish(137);
    return Promise.resolve();
  }
  removeContainer(
    _id: string,
    options: { force?: boolean; volumes?: boolean } = {},
  ): Promise<boolean> {
    this.calls.push(`remove force=${options.force} v=${options.volumes}`);
    return Promise.resolve(true);
  }
}

function request(overrides: Partial<RunRequest> = {}): RunRequest & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  return {
    allocation: "foo",
    runId: "run-1",
    container: { Config: { Image: "busybox", Cmd: ["echo", "hi"] } },
    onEvent: (event) => events.push(event),
    now: () => new Date("2026-01-01T00:00:00Z"),
    ...overrides,
    events,
  };
}

Deno.test("buildCreateBody() forces AutoRemove off, merges the labels and leaves the caller's object alone", () => {
  const container = {
    Config: {
      Image: "busybox",
      Cmd: ["true"],
      Labels: { team: "ops", "docket.run": "spoofed" },
      Env: ["A=1"],
    },
    HostConfig: { AutoRemove: true, Memory: 1024 },
    NetworkingConfig: { EndpointsConfig: { net: {} } },
  };
  const before = structuredClone(container);
  const body = buildCreateBody({ allocation: "foo", runId: "run-9", container });
  assert.deepEqual(body, {
    Image: "busybox",
    Cmd: ["true"],
    Env: ["A=1"],
    Labels: { team: "ops", "docket.allocation": "foo", "docket.run": "run-9" },
    HostConfig: { AutoRemove: false, Memory: 1024 },
    NetworkingConfig: { EndpointsConfig: { net: {} } },
  });
  assert.deepEqual(container, before);
  const bare = buildCreateBody({
    allocation: "a",
    runId: "r",
    container: { Config: { Image: "x", Labels: null } },
  });
  assert.deepEqual(bare.Labels, { "docket.allocation": "a", "docket.run": "r" });
  assert.equal("NetworkingConfig" in bare, false);
});

Deno.test("runContainer() attaches and waits before start, and reports events in order", async () => {
  const docker = new FakeDocker({ exitCode: 0, output: [frame(1, "hi\n"), frame(2, "warn\n")] });
  const req = request();
  const result = await runContainer(docker, req);
  assert.equal(result.status, "succeeded");
  assert.equal(result.exitCode, 0);
  assert.equal(result.output, "hi\nwarn\n");
  assert.equal(result.containerId, "c1");
  assert.deepEqual(docker.calls, ["pull", "create", "attach", "wait next-exit", "start"]);
  assert.deepEqual(req.events.map(formatRunEvent), [
    "Pulled busybox latest foo",
    "created: c1",
    "started: c1",
    "exited: c1 code 0 after 0s",
  ]);
  assert.equal(docker.created[0]?.HostConfig?.AutoRemove, false);
});

Deno.test("runContainer() deletes the container only when the user asked for AutoRemove", async () => {
  const docker = new FakeDocker({ exitCode: 3 });
  const result = await runContainer(
    docker,
    request({ container: { Config: { Image: "busybox" }, HostConfig: { AutoRemove: true } } }),
  );
  assert.equal(result.status, "failed");
  assert.equal(result.exitCode, 3);
  assert.equal(docker.calls.at(-1), "remove force=true v=true");
  assert.equal(docker.created[0]?.HostConfig?.AutoRemove, false);
});

Deno.test("runContainer() goes on with a local image when the pull fails under policy Always", async () => {
  const docker = new FakeDocker({
    exitCode: 0,
    pullError: new Error("Cannot pull image busybox: no such host"),
  });
  const req = request();
  const result = await runContainer(docker, req);
  assert.equal(result.status, "succeeded");
  assert.deepEqual(docker.calls.slice(0, 3), ["pull", "imageExists busybox", "create"]);
  assert.equal(formatRunEvent(req.events[0]!), "Error: Cannot pull image busybox: no such host");
  assert.equal(req.events[1]?.type, "created");
});

Deno.test("runContainer() fails with the pull error when the image is not local either", async () => {
  const docker = new FakeDocker({
    imagePresent: false,
    pullError: new Error("Cannot pull image x: unauthorized"),
  });
  const req = request({ container: { Config: { Image: "x" } } });
  const result = await runContainer(docker, req);
  assert.equal(result.status, "error");
  assert.equal(result.error, "Cannot pull image x: unauthorized");
  assert.deepEqual(req.events.map(formatRunEvent), ["Error: Cannot pull image x: unauthorized"]);
  assert.ok(!docker.calls.includes("create"));
});

Deno.test("runContainer() pulls only missing images under IfNotPresent and never under Never", async () => {
  const present = new FakeDocker({ exitCode: 0 });
  await runContainer(present, request({ pullPolicy: "IfNotPresent" }));
  assert.deepEqual(present.calls.slice(0, 2), ["imageExists busybox", "create"]);

  const missing = new FakeDocker({ exitCode: 0, imagePresent: false });
  await runContainer(missing, request({ pullPolicy: "IfNotPresent" }));
  assert.deepEqual(missing.calls.slice(0, 3), ["imageExists busybox", "pull", "create"]);

  const never = new FakeDocker({ imagePresent: false });
  const result = await runContainer(never, request({ pullPolicy: "Never" }));
  assert.equal(result.status, "error");
  assert.equal(
    result.error,
    "Cannot run image busybox: it is not present locally and the pull policy is Never",
  );
  assert.deepEqual(never.calls, ["imageExists busybox"]);
});

Deno.test("runContainer() removes the container when start fails and cancels attach and wait", async () => {
  const startError = new DockerError("start container c1", "exec: no such file", { status: 400 });
  const docker = new FakeDocker({ startError });
  const req = request({ pullPolicy: "Never" });
  const result = await runContainer(docker, req);
  assert.equal(result.status, "error");
  assert.equal(result.error, "Cannot start container c1: exec: no such file");
  assert.equal(docker.calls.at(-1), "remove force=true v=true");
  assert.deepEqual(req.events.map(({ type }) => type), ["created", "error"]);
});

Deno.test("runContainer() never rejects: odd failures end as status error", async () => {
  const docker = new FakeDocker({ createError: "socket hang up" });
  const req = request({
    pullPolicy: "Never",
    onEvent: () => {
      throw new Error("listener bug");
    },
  });
  const result = await runContainer(docker, req);
  assert.equal(result.status, "error");
  assert.equal(result.error, "socket hang up");

  const noImage = await runContainer(
    new FakeDocker(),
    request({ container: { Config: { Image: "" } } }),
  );
  assert.equal(noImage.status, "error");
  assert.equal(noImage.error, "Image is required");

  const badRef = await runContainer(
    new FakeDocker(),
    request({ container: { Config: { Image: "Busybox" } } }),
  );
  assert.match(
    badRef.error ?? "",
    /^Cannot parse image reference "Busybox": repository name "Busybox" must be/,
  );
});

Deno.test("runContainer() stops, removes and reports timeout when the deadline passes", async () => {
  const docker = new FakeDocker(); // runs until stopped
  const req = request({ pullPolicy: "Never", timeoutMs: 20, stopGraceSeconds: 2 });
  const result = await runContainer(docker, req);
  assert.equal(result.status, "timeout");
  assert.equal(result.error, "Cannot finish the run: it exceeded its timeout of 20ms");
  assert.equal(result.exitCode, 137);
  assert.deepEqual(docker.calls.slice(-2), ["stop t=2", "remove force=true v=true"]);
  assert.deepEqual(req.events.map(({ type }) => type), ["created", "started", "exited", "error"]);
});

Deno.test("runContainer() kills when the stop fails, on an external cancel", async () => {
  const docker = new FakeDocker({ stopError: new Error("stop failed") });
  const controller = new AbortController();
  const req = request({
    pullPolicy: "Never",
    signal: controller.signal,
    onEvent: (event) => {
      if (event.type === "started") controller.abort(new Error("replaced by a newer run"));
    },
  });
  const result = await runContainer(docker, req);
  assert.equal(result.status, "error");
  assert.equal(result.error, "replaced by a newer run");
  assert.deepEqual(docker.calls.slice(-3), ["stop t=10", "kill", "remove force=true v=true"]);
});

Deno.test("runContainer() with an already aborted signal creates nothing", async () => {
  const docker = new FakeDocker();
  const result = await runContainer(
    docker,
    request({ signal: AbortSignal.abort(new Error("shutting down")) }),
  );
  assert.equal(result.status, "error");
  assert.equal(result.error, "shutting down");
  assert.ok(!docker.calls.includes("create"));
});
