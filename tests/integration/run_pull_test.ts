import assert from "node:assert/strict";
import { DockerClient } from "../../src/docker/client.ts";
import { runContainer, type RunRequest } from "../../src/run/run_container.ts";
import type { PullPolicy } from "../../src/spec/allocation.ts";
import { formatRunEvent, type RunEvent } from "../../src/run/run_events.ts";
import { dockerTest } from "../support/engine.ts";
import { startRegistry } from "../support/registry.ts";

function request(
  image: string,
  labels: Record<string, string>,
  runId: string,
  pullPolicy: PullPolicy,
): RunRequest & { events: string[] } {
  const events: string[] = [];
  return {
    allocation: "pulled-job",
    runId,
    pullPolicy,
    container: {
      Config: { Image: image, Cmd: ["echo", "from-registry"], Labels: labels },
      HostConfig: { AutoRemove: true },
    },
    onEvent: (event: RunEvent) => events.push(formatRunEvent(event)),
    events,
  };
}

dockerTest(
  "runContainer() pulls from a local registry per policy (Never, IfNotPresent, Always)",
  async ({ docker, labels, runId }) => {
    await using registry = await startRegistry({ tag: "1.0" });
    assert.equal(await docker.imageExists(registry.image), false);

    const never = request(registry.image, labels, runId(), "Never");
    const refused = await runContainer(docker, never);
    assert.equal(refused.status, "error");
    assert.match(refused.error ?? "", /it is not present locally and the pull policy is Never$/);

    const first = request(registry.image, labels, runId(), "IfNotPresent");
    const pulled = await runContainer(docker, first);
    assert.equal(pulled.status, "succeeded");
    assert.equal(pulled.output, "from-registry\n");
    assert.equal(first.events[0], `Pulled ${registry.repository} 1.0 pulled-job`);
    assert.equal(await docker.imageExists(registry.image), true);

    const again = request(registry.image, labels, runId(), "IfNotPresent");
    await runContainer(docker, again);
    assert.match(again.events[0] ?? "", /^created: /);

    const always = request(registry.image, labels, runId(), "Always");
    const repulled = await runContainer(docker, always);
    assert.equal(repulled.status, "succeeded");
    assert.equal(always.events[0], `Pulled ${registry.repository} 1.0 pulled-job`);

    // Registry gone: Always still runs the local image and records the pull error.
    await registry.stop();
    const offline = request(registry.image, labels, runId(), "Always");
    const survived = await runContainer(docker, offline);
    assert.equal(survived.status, "succeeded");
    assert.match(
      offline.events[0] ?? "",
      new RegExp(`^Error: Cannot pull image ${registry.image}: .*connection refused`),
    );
    assert.match(offline.events[1] ?? "", /^created: /);
  },
);

dockerTest("runContainer() pulls by digest", async ({ docker, labels, runId }) => {
  await using registry = await startRegistry();
  const image = `${registry.repository}@${registry.digest}`;
  const run = request(image, labels, runId(), "Always");
  const result = await runContainer(docker, run);
  assert.equal(result.status, "succeeded");
  assert.equal(run.events[0], `Pulled ${registry.repository} ${registry.digest} pulled-job`);
});

dockerTest(
  "runContainer() pulls from an htpasswd registry with DOCKER_CONFIG credentials and fails clearly without",
  async ({ labels, runId }) => {
    await using registry = await startRegistry({ auth: { username: "alice", password: "s3cret" } });
    const emptyConfig = await Deno.makeTempDir({ prefix: "docket-empty-config-" });
    const env = Deno.env.toObject();
    using anonymous = DockerClient.fromEnv({ ...env, DOCKER_CONFIG: emptyConfig });
    using authorised = DockerClient.fromEnv({ ...env, DOCKER_CONFIG: registry.dockerConfigDir });
    try {
      const denied = await runContainer(
        anonymous,
        request(registry.image, labels, runId(), "IfNotPresent"),
      );
      assert.equal(denied.status, "error");
      assert.match(
        denied.error ?? "",
        new RegExp(`^Cannot pull image ${registry.image}: .*no basic auth credentials`),
      );

      const allowed = request(registry.image, labels, runId(), "IfNotPresent");
      const result = await runContainer(authorised, allowed);
      assert.equal(result.status, "succeeded", result.error);
      assert.equal(result.output, "from-registry\n");
      assert.equal(allowed.events[0], `Pulled ${registry.repository} latest pulled-job`);
    } finally {
      await Deno.remove(emptyConfig, { recursive: true });
    }
  },
);
