import assert from "node:assert/strict";
import { compareApiVersions, MAX_API_VERSION } from "../../../src/docker/api_version.ts";
import { demultiplex } from "../../../src/docker/demux.ts";
import { DockerError } from "../../../src/docker/errors.ts";
import { collectExited } from "../../../src/run/collect_exited.ts";
import { RUN_LABEL, runContainer } from "../../../src/run/run_container.ts";
import { dockerTest, listLabelled } from "../../support/engine.ts";

dockerTest("DockerClient negotiates min(engine, 1.47) with the real engine", async ({ docker }) => {
  const version = await docker.version();
  const expected = compareApiVersions(version.ApiVersion ?? "0.0", MAX_API_VERSION) < 0
    ? version.ApiVersion
    : MAX_API_VERSION;
  assert.equal(await docker.apiVersion(), expected);
  const ping = await docker.ping();
  assert.equal(ping.apiVersion, version.ApiVersion);
});

dockerTest("DockerClient reports the engine's 404 and 409 messages", async ({ docker, labels }) => {
  await assert.rejects(docker.inspectContainer("docket-no-such-container"), (error: unknown) => {
    assert.ok(error instanceof DockerError);
    assert.equal(error.status, 404);
    assert.match(
      error.message,
      /^Cannot inspect container docket-no-such-container: No such container: /,
    );
    return true;
  });
  const { Id } = await docker.createContainer({ Image: "busybox", Cmd: ["true"], Labels: labels });
  await assert.rejects(docker.killContainer(Id), (error: unknown) => {
    assert.ok(error instanceof DockerError);
    assert.equal(error.status, 409);
    assert.match(error.daemonMessage, /is not running/);
    return true;
  });
  assert.equal(await docker.removeContainer(Id), true);
  assert.equal(await docker.removeContainer(Id), false);
});

dockerTest(
  "DockerClient attach streams 2 MB of stdout and stderr exactly",
  async ({ docker, labels }) => {
    const { Id } = await docker.createContainer({
      Image: "busybox",
      Cmd: ["sh", "-c", "head -c 2000001 /dev/zero; head -c 12345 /dev/zero >&2"],
      Labels: labels,
    });
    const attach = await docker.attachContainer(Id);
    const waiting = await docker.waitContainer(Id, "next-exit");
    await docker.startContainer(Id);
    const bytes = { stdout: 0, stderr: 0 };
    for await (const chunk of demultiplex(attach, { tty: false })) {
      bytes[chunk.stream] += chunk.data.length;
    }
    assert.deepEqual(bytes, { stdout: 2_000_001, stderr: 12_345 });
    assert.equal((await waiting.result).StatusCode, 0);
  },
);

dockerTest(
  "collectExited() reads the exit code and logs of a left-over container, then removes it",
  async ({ docker, labels, runId }) => {
    const id = runId();
    const run = await runContainer(docker, {
      allocation: "recovered",
      runId: id,
      pullPolicy: "Never",
      container: {
        Config: {
          Image: "busybox",
          Cmd: ["sh", "-c", "echo before-crash; exit 5"],
          Labels: labels,
        },
      },
    });
    assert.equal(run.exitCode, 5);
    const collected = await collectExited(docker, run.containerId ?? "", { autoRemove: true });
    assert.equal(collected.exitCode, 5);
    assert.equal(collected.state, "exited");
    assert.equal(collected.output, "before-crash\n");
    assert.equal(collected.labels[RUN_LABEL], id);
    assert.equal(collected.removed, true);
    // The engine's own times (for a short run, Docker may record FinishedAt slightly before StartedAt).
    assert.ok(collected.startedAt !== undefined);
    assert.ok(Math.abs(collected.finishedAt.getTime() - collected.startedAt.getTime()) < 10_000);
    assert.deepEqual(await listLabelled(docker, `${RUN_LABEL}=${id}`), []);
  },
);

dockerTest(
  "collectExited() refuses a running container and reads TTY logs raw",
  async ({ docker, labels }) => {
    const running = await docker.createContainer({
      Image: "busybox",
      Cmd: ["sleep", "30"],
      Labels: labels,
    });
    await docker.startContainer(running.Id);
    await assert.rejects(
      collectExited(docker, running.Id, { autoRemove: true }),
      /^DockerError: Cannot collect container [0-9a-f]{12}: it is still running$/,
    );

    const tty = await docker.createContainer({
      Image: "busybox",
      Cmd: ["sh", "-c", "echo out; echo err >&2"],
      Tty: true,
      Labels: labels,
    });
    const waiting = await docker.waitContainer(tty.Id, "next-exit");
    await docker.startContainer(tty.Id);
    await waiting.result;
    const collected = await collectExited(docker, tty.Id, { autoRemove: false });
    assert.equal(collected.output, "out\r\nerr\r\n");
    assert.equal(collected.removed, false);
  },
);
