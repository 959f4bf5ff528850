/**
 * Allocations for integration tests: busybox shell commands with the local image (no registry),
 * unique names, and a schedule that never comes during a test.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ServerProcess } from "./server_process.ts";

/** A schedule far in the future: the allocation only runs when triggered. */
export const FAR_FUTURE = "0 0 1 1 * 2099";

/**
 * An allocation running `sh -c cmd` in the local `busybox:latest` (`PullPolicy: Never`,
 * `AutoRemove: true`); `extra` adds or overrides top-level fields, and its `HostConfig` is merged.
 */
export function allocation(
  name: string,
  cron: string,
  cmd: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { HostConfig, ...rest } = extra as { HostConfig?: Record<string, unknown> };
  return {
    Name: name,
    Cron: cron,
    PullPolicy: "Never",
    Container: {
      Config: { Image: "busybox:latest", Cmd: ["sh", "-c", cmd] },
      HostConfig: { AutoRemove: true, ...HostConfig },
    },
    ...rest,
  };
}

/** A name no other test uses: `<prefix>-<8 hex digits>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Posts `spec` to a server process and checks it was created. */
export async function create(server: ServerProcess, spec: Record<string, unknown>): Promise<void> {
  const { status, body } = await server.json("POST", "/", spec);
  assert.equal(status, 201, JSON.stringify(body));
}
