/**
 * Restart recovery: collecting the exit code and output of a container a previous docket process started.
 *
 * @module
 */

import { type DockerClient, shortId } from "../docker/client.ts";
import { DockerError } from "../docker/errors.ts";
import { OutputTail } from "./output_tail.ts";
import { readOutput } from "./read_output.ts";

/** What an exited container left behind. */
export interface CollectedRun {
  /** Container id. */
  containerId: string;
  /** `State.Status`: `exited`, or `created` for a container that never started, or `dead`. */
  state: string;
  /** `State.ExitCode`. */
  exitCode: number;
  /** The last 64 KiB of its logs (stdout and stderr combined). */
  output: string;
  /** Why the logs could not be read (e.g. log driver `none`), if so. */
  outputError?: string;
  /** `State.Error`, e.g. a failed start. */
  error?: string;
  /** `State.StartedAt`, when it started. */
  startedAt?: Date;
  /** `State.FinishedAt`, or the collection time when the engine has none. */
  finishedAt: Date;
  /** Its labels (`docket.allocation`, `docket.run`, …). */
  labels: Record<string, string>;
  /** Whether it was removed. */
  removed: boolean;
}

/** Options of {@linkcode collectExited}. */
export interface CollectExitedOptions {
  /** Delete the container (`force=1&v=1`) after reading it: the user's `HostConfig.AutoRemove`. */
  autoRemove: boolean;
  /** Cancellation. */
  signal?: AbortSignal;
  /** Clock used when the engine reports no finish time. @default {() => new Date()} */
  now?: () => Date;
}

/** The Docker calls {@linkcode collectExited} makes. */
export type CollectDocker = Pick<
  DockerClient,
  "inspectContainer" | "containerLogs" | "removeContainer"
>;

function parseDockerTime(text: string | undefined): Date | undefined {
  if (text === undefined || text.startsWith("0001-01-01")) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Reads an exited container found through the `docker.run` label (inspect + logs), then deletes it when asked.
 *
 * @param docker The Docker client.
 * @param containerId The container.
 * @param options Whether to delete it, cancellation, clock.
 * @returns Exit code, output and times.
 * @throws {DockerError} when it does not exist (404), is still running (409), or the engine fails.
 */
export async function collectExited(
  docker: CollectDocker,
  containerId: string,
  options: CollectExitedOptions,
): Promise<CollectedRun> {
  const { signal } = options;
  const info = await docker.inspectContainer(containerId, { signal });
  const state = info.State;
  if (
    state.Running || state.Status === "running" || state.Status === "restarting" ||
    state.Status === "paused"
  ) {
    throw new DockerError(
      `collect container ${shortId(containerId)}`,
      `it is still ${state.Status}`,
      {
        status: 409,
      },
    );
  }
  const tail = new OutputTail();
  let outputError: string | undefined;
  try {
    const body = await docker.containerLogs(containerId, { signal });
    await readOutput(body, { tty: info.Config.Tty === true, tail });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    outputError = error instanceof Error ? error.message : String(error);
  }
  const removed = options.autoRemove
    ? await docker.removeContainer(containerId, { force: true, volumes: true, signal })
    : false;
  const collected: CollectedRun = {
    containerId: info.Id,
    state: state.Status,
    exitCode: state.ExitCode,
    output: tail.text(),
    finishedAt: parseDockerTime(state.FinishedAt) ?? (options.now ?? (() => new Date()))(),
    labels: { ...(info.Config.Labels ?? {}) },
    removed,
  };
  const startedAt = parseDockerTime(state.StartedAt);
  if (startedAt !== undefined) collected.startedAt = startedAt;
  if (outputError !== undefined) collected.outputError = outputError;
  if (state.Error !== undefined && state.Error !== "") collected.error = state.Error;
  return collected;
}
