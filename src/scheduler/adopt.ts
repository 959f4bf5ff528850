/**
 * Following a container that a previous docket process started and that is still running after a
 * restart: wait for it to stop (enforcing what is left of its `Timeout`, or stopping it when
 * cancelled), then collect its exit code and output like any other run.
 *
 * @module
 */
import type { DockerClient } from "../docker/client.ts";
import { type CollectDocker, collectExited } from "../run/collect_exited.ts";
import { clearLongTimeout, setLongTimeout } from "../run/long_timer.ts";
import type { RunResult } from "../run/run_container.ts";

/** The Docker calls adoption makes. */
export type AdoptDocker =
  & CollectDocker
  & Pick<DockerClient, "waitContainer" | "stopContainer" | "killContainer">;

/** Options for {@linkcode followContainer}. */
export interface FollowOptions {
  /** Delete the container once collected (the user's `AutoRemove`). */
  autoRemove: boolean;
  /** Milliseconds left before the run's `Timeout`, if it has one. */
  remainingMs?: number;
  /** Stop grace period in seconds. */
  stopGraceSeconds: number;
  /** Cancels the run: the container is stopped and the run ends as `error` with the reason. */
  signal: AbortSignal;
  /** The clock. */
  now: () => Date;
}

/**
 * Waits for a running container to stop, then collects it. Never rejects: failures end as
 * status `error`.
 */
export async function followContainer(
  docker: AdoptDocker,
  containerId: string,
  options: FollowOptions,
): Promise<RunResult> {
  let stopped: { status: "timeout" | "error"; message: string } | undefined;
  const stop = async (status: "timeout" | "error", message: string) => {
    if (stopped) return;
    stopped = { status, message };
    try {
      await docker.stopContainer(containerId, { t: options.stopGraceSeconds });
    } catch {
      await docker.killContainer(containerId).catch(() => {});
    }
  };
  const onAbort = () =>
    void stop("error", (options.signal.reason as Error | undefined)?.message ?? "cancelled");
  options.signal.addEventListener("abort", onAbort, { once: true });
  const timer = options.remainingMs === undefined ? undefined : setLongTimeout(
    () => void stop("timeout", "Cannot finish the run: it exceeded its timeout"),
    Math.max(0, options.remainingMs),
  );
  try {
    const handle = await docker.waitContainer(containerId, "not-running");
    await handle.result;
    const collected = await collectExited(docker, containerId, {
      autoRemove: options.autoRemove || stopped?.status === "timeout",
      now: options.now,
    });
    const result: RunResult = {
      status: stopped?.status ?? (collected.exitCode === 0 ? "succeeded" : "failed"),
      containerId,
      exitCode: collected.exitCode,
      output: collected.output,
      finishedAt: collected.finishedAt,
    };
    if (collected.startedAt) result.startedAt = collected.startedAt;
    const error = stopped?.message ?? collected.error ?? collected.outputError;
    if (error !== undefined) result.error = error;
    return result;
  } catch (error) {
    return {
      status: "error",
      containerId,
      output: "",
      error: `Cannot follow container ${containerId.slice(0, 12)} after a restart: ${
        error instanceof Error ? error.message : String(error)
      }`,
      finishedAt: options.now(),
    };
  } finally {
    clearLongTimeout(timer);
    options.signal.removeEventListener("abort", onAbort);
  }
}
