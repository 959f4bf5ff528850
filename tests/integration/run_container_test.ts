import assert from "node:assert/strict";
import { RUN_LABEL, runContainer, type RunRequest } from "../../src/run/run_container.ts";
import { formatRunEvent, type RunEvent } from "../../src/run/run_events.ts";
import { dockerTest, listLabelled } from "../support/engine.ts";

/** A busybox run request, labelled for cleanup, with the local image (no registry needed). */
function busybox(
  labels: Record<string, string>,
  runId: string,
  script: string,
  overrides: { Tty?: boolean; AutoRemove?: boolean } = {},
): RunRequest & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  const Config: RunRequest["container"]["Config"] = {
    Image: "busybox",
    Cmd: ["sh", "-c", script],
    Labels: labels,
  };
  if (overrides.Tty !== undefined) Config.Tty = overrides.Tty;
  const container: RunRequest["container"] = { Config };
  if (overrides.AutoRemove !== undefined) {
    container.HostConfig = { AutoRemove: overrides.AutoRemove };
  }
  return {
    allocation: "it",
    runId,
    container,
    pullPolicy: "IfNotPresent",
    onEvent: (event) => events.push(event),
    events,
  };
}

dockerTest(
  "runContainer() captures echo output and exit code 0",
  async ({ docker, labels, runId }) => {
    const request = busybox(labels, runId(), "echo hello", { AutoRemove: true });
    const result = await runContainer(docker, request);
    assert.equal(result.status, "succeeded");
    assert.equal(result.exitCode, 0);
    assert.equal(result.output, "hello\n");
    assert.equal(result.error, undefined);
    assert.ok(result.startedAt !== undefined && result.startedAt <= result.finishedAt);
    const id = result.containerId ?? "";
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      request.events.map(formatRunEvent).map((text) => text.replace(/after .*$/, "after …")),
      [
        `created: ${id}`,
        `started: ${id}`,
        `exited: ${id} code 0 after …`,
      ],
    );
  },
);

dockerTest(
  "runContainer() reports a non-zero exit as failed and captures stderr",
  async ({ docker, labels, runId }) => {
    const result = await runContainer(
      docker,
      busybox(labels, runId(), "echo out; sleep 0.1; echo err >&2; exit 3", { AutoRemove: true }),
    );
    assert.equal(result.status, "failed");
    assert.equal(result.exitCode, 3);
    assert.equal(result.output, "out\nerr\n");
  },
);

dockerTest(
  "runContainer() with AutoRemove:true leaves no container",
  async ({ docker, labels, runId }) => {
    const id = runId();
    const result = await runContainer(
      docker,
      busybox(labels, id, "echo bye", { AutoRemove: true }),
    );
    assert.equal(result.status, "succeeded");
    assert.deepEqual(await listLabelled(docker, `${RUN_LABEL}=${id}`), []);
  },
);

dockerTest(
  "runContainer() without AutoRemove leaves the exited container, labelled",
  async ({ docker, labels, runId }) => {
    const id = runId();
    const result = await runContainer(docker, busybox(labels, id, "exit 4"));
    assert.equal(result.exitCode, 4);
    const left = await listLabelled(docker, `${RUN_LABEL}=${id}`);
    assert.deepEqual(left, [{ id: result.containerId, state: "exited" }]);
    const info = await docker.inspectContainer(result.containerId ?? "");
    assert.equal(info.Config.Labels?.["docket.allocation"], "it");
    assert.equal(info.HostConfig?.AutoRemove, false);
  },
);

dockerTest(
  "runContainer() fails clearly for a missing image",
  async ({ docker, labels, runId }) => {
    const never = await runContainer(docker, {
      ...busybox(labels, runId(), "true"),
      container: { Config: { Image: "docket-test-missing:nope", Labels: labels } },
      pullPolicy: "Never",
    });
    assert.equal(never.status, "error");
    assert.equal(
      never.error,
      "Cannot run image docket-test-missing:nope: it is not present locally and the pull policy is Never",
    );
    const always = await runContainer(docker, {
      ...busybox(labels, runId(), "true"),
      container: { Config: { Image: "docket-test-missing:nope", Labels: labels } },
      pullPolicy: "Always",
    });
    assert.equal(always.status, "error");
    assert.match(always.error ?? "", /^Cannot pull image docket-test-missing:nope: ./);
    assert.equal(always.containerId, undefined);
  },
);

dockerTest(
  "runContainer() removes the container when start fails",
  async ({ docker, labels, runId }) => {
    const id = runId();
    const request = busybox(labels, id, "");
    request.container.Config.Cmd = ["/nonexistent"];
    const result = await runContainer(docker, request);
    assert.equal(result.status, "error");
    assert.match(result.error ?? "", /^Cannot start container [0-9a-f]{12}: .*\/nonexistent/);
    assert.deepEqual(request.events.map(({ type }) => type), ["created", "error"]);
    assert.deepEqual(await listLabelled(docker, `${RUN_LABEL}=${id}`), []);
  },
);

dockerTest(
  "runContainer() runs 10 containers in parallel with the right output each",
  async ({ docker, labels, runId }) => {
    const results = await Promise.all(
      Array.from(
        { length: 10 },
        (_, i) =>
          runContainer(
            docker,
            busybox(labels, runId(), `echo run-${i}; echo err-${i} >&2; exit ${i % 3}`, {
              AutoRemove: true,
            }),
          ),
      ),
    );
    results.forEach((result, i) => {
      assert.equal(result.exitCode, i % 3, `run ${i}`);
      assert.equal(result.status, i % 3 === 0 ? "succeeded" : "failed");
      assert.deepEqual(result.output.split("\n").sort(), ["", `err-${i}`, `run-${i}`]);
    });
  },
);

dockerTest(
  "runContainer() returns raw output for a TTY container",
  async ({ docker, labels, runId }) => {
    const result = await runContainer(
      docker,
      busybox(labels, runId(), "echo out; echo err >&2", { Tty: true, AutoRemove: true }),
    );
    assert.equal(result.status, "succeeded");
    assert.equal(result.output, "out\r\nerr\r\n");
  },
);

dockerTest(
  "runContainer() keeps the last 64 KiB of a large output",
  async ({ docker, labels, runId }) => {
    const result = await runContainer(
      docker,
      busybox(labels, runId(), "head -c 100000 /dev/zero | tr '\\0' a; echo END", {
        AutoRemove: true,
      }),
    );
    assert.equal(result.status, "succeeded");
    assert.equal(result.output.length, 65536);
    assert.match(result.output, /^a+END\n$/);
  },
);

dockerTest(
  "runContainer() stops a run past its deadline, removes it and reports timeout",
  async ({ docker, labels, runId }) => {
    const id = runId();
    const request = busybox(labels, id, "");
    request.container.Config.Cmd = ["sleep", "60"];
    const result = await runContainer(docker, { ...request, timeoutMs: 1000, stopGraceSeconds: 1 });
    assert.equal(result.status, "timeout");
    assert.equal(result.error, "Cannot finish the run: it exceeded its timeout of 1s");
    assert.equal(result.exitCode, 137); // sleep as PID 1 ignores SIGTERM: killed after the grace period
    assert.deepEqual(request.events.map(({ type }) => type), [
      "created",
      "started",
      "exited",
      "error",
    ]);
    assert.deepEqual(await listLabelled(docker, `${RUN_LABEL}=${id}`), []);
  },
);
