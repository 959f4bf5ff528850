/**
 * Integration-test support for the real Docker engine: a probe at module load, a `dockerTest()` wrapper that skips
 * (or, with `DOCKET_REQUIRE_DOCKER=1`, fails) when no engine answers, and label-based cleanup.
 *
 * @module
 */

import { DockerClient } from "../../src/docker/client.ts";
import { describeEndpoint, resolveEndpoint } from "../../src/docker/endpoint.ts";

/** The label every container created by a test carries, with a per-test value. */
export const TEST_LABEL = "docket.test";

/** What the probe found. */
export interface EngineProbe {
  /** Whether the engine answered `_ping`. */
  available: boolean;
  /** The engine address, for messages. */
  host: string;
  /** Why it is not available. */
  detail?: string;
}

const env = Deno.env.toObject();
const required = env.DOCKET_REQUIRE_DOCKER === "1";

async function probeEngine(): Promise<EngineProbe> {
  let host = env.DOCKER_HOST || "unix:///var/run/docker.sock";
  try {
    host = describeEndpoint(resolveEndpoint(env));
    const docker = DockerClient.fromEnv(env, { timeoutMs: 5000 });
    try {
      await docker.ping();
      return { available: true, host };
    } finally {
      docker.close();
    }
  } catch (error) {
    return {
      available: false,
      host,
      detail: error instanceof Error ? error.message : String(error),
    };
  }
}

/** The probe result, decided once when this module loads (Deno.test's `ignore` is fixed at registration). */
export const engine: EngineProbe = await probeEngine();

const notice =
  `docket: Docker engine not reachable at ${engine.host}; integration tests skipped. ` +
  "Run `sudo ./scripts/test-engine.sh`, then `deno task test`";

if (!engine.available && !required) {
  console.error(`${notice}${engine.detail ? ` (${engine.detail})` : ""}`);
}

/**
 * Whether a Docker engine answered at module load.
 *
 * @returns `true` when integration tests can run.
 */
export function engineAvailable(): boolean {
  return engine.available;
}

/** What a {@linkcode dockerTest} body gets. */
export interface DockerTestContext {
  /** A client for the engine (closed after the test). */
  docker: DockerClient;
  /** Labels to put on every container the test creates: `{ "docket.test": <unique id> }`. */
  labels: Record<string, string>;
  /** A fresh run id. */
  runId(): string;
}

/**
 * Registers a test that needs the real engine. Skipped with a notice when none answers, unless
 * `DOCKET_REQUIRE_DOCKER=1`, which makes it fail instead. Containers labelled with `labels` are removed afterwards.
 *
 * @param name The test name.
 * @param fn The test body.
 */
export function dockerTest(name: string, fn: (context: DockerTestContext) => Promise<void>): void {
  Deno.test({
    name,
    ignore: !engine.available && !required,
    async fn() {
      if (!engine.available) throw new Error(`${notice}: ${engine.detail ?? "no answer"}`);
      const docker = DockerClient.fromEnv(env);
      const labels = { [TEST_LABEL]: crypto.randomUUID() };
      try {
        await fn({ docker, labels, runId: () => crypto.randomUUID() });
      } finally {
        try {
          await removeLabelled(docker, `${TEST_LABEL}=${labels[TEST_LABEL]}`);
        } finally {
          docker.close();
        }
      }
    },
  });
}

/**
 * Removes (force) every container carrying a label.
 *
 * @param docker The client.
 * @param label `key=value` or `key`.
 * @returns How many were removed.
 */
export async function removeLabelled(docker: DockerClient, label: string): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
  const removed = await Promise.all(
    containers.map((container) =>
      docker.removeContainer(container.Id, { force: true, volumes: true })
    ),
  );
  return removed.filter(Boolean).length;
}

/**
 * The containers (running or not) carrying a label.
 *
 * @param docker The client.
 * @param label `key=value` or `key`.
 * @returns Their ids and states.
 */
export async function listLabelled(
  docker: DockerClient,
  label: string,
): Promise<{ id: string; state: string }[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
  return containers.map((container) => ({ id: container.Id, state: container.State ?? "" }));
}
