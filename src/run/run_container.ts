/**
 * One run of an allocation's container: pull, create, attach, wait, start, collect, remove
 * (docker-engine-api.md §3.5).
 *
 * @module
 */

import type { DockerClient } from "../docker/client.ts";
import type { OutputChunk } from "../docker/demux.ts";
import { parseImageRef } from "../docker/image_ref.ts";
import type { ContainerCreateBody, WaitResult } from "../docker/types.ts";
import { clearLongTimeout, setLongTimeout } from "./long_timer.ts";
import { OutputTail } from "./output_tail.ts";
import { readOutput } from "./read_output.ts";
import type { RunEvent } from "./run_events.ts";
import type { ContainerSpec, PullPolicy } from "../spec/allocation.ts";
import { isJsonObject } from "../spec/canonical_keys.ts";
import { formatDuration } from "../spec/duration.ts";

/** The label carrying the allocation name. */
export const ALLOCATION_LABEL = "docket.allocation";
/** The label carrying the run id; the reconciler lists containers by it. */
export const RUN_LABEL = "docket.run";

/** What to run. */
export interface RunRequest {
  /** The allocation name (labels and log texts). */
  allocation: string;
  /** The run id (the `docket.run` label). */
  runId: string;
  /** The container to create. Never mutated. */
  container: ContainerSpec;
  /** When to pull the image. @default {"Always"} (the original pulled on every run) */
  pullPolicy?: PullPolicy;
  /** Run deadline in milliseconds: stop (SIGTERM, grace, SIGKILL), remove, status `timeout`. */
  timeoutMs?: number;
  /** Grace period of the stop on timeout or cancel, in seconds. @default {10} */
  stopGraceSeconds?: number;
  /** External cancel: the container is stopped like on a timeout; status `error` with the reason's message. */
  signal?: AbortSignal;
  /** Receives the events in order. Exceptions thrown by it are ignored. */
  onEvent?: (event: RunEvent) => void;
  /** Receives output as it arrives. Exceptions thrown by it are ignored. */
  onOutput?: (chunk: OutputChunk) => void;
  /** Clock for timestamps. @default {() => new Date()} */
  now?: () => Date;
}

/** How a run ended. */
export interface RunResult {
  /** `succeeded` = exit 0, `failed` = non-zero exit, `timeout`, `error` = docket or engine failure, or cancel. */
  status: "succeeded" | "failed" | "timeout" | "error";
  /** The container, once created. */
  containerId?: string;
  /** The exit code, when the container exited. */
  exitCode?: number;
  /** The last 64 KiB of stdout and stderr combined. */
  output: string;
  /** What went wrong (status `timeout` or `error`, or a failed removal). */
  error?: string;
  /** When the container started. */
  startedAt?: Date;
  /** When the run ended. */
  finishedAt: Date;
}

/** The Docker calls a run makes; a {@linkcode DockerClient} provides them. */
export type RunDocker = Pick<
  DockerClient,
  | "imageExists"
  | "pullImage"
  | "createContainer"
  | "attachContainer"
  | "waitContainer"
  | "startContainer"
  | "stopContainer"
  | "killContainer"
  | "removeContainer"
>;

/** How long to wait for the exit status and the end of the output after the container was stopped or exited. */
const SETTLE_MS = 10_000;

/**
 * The create body for a run: the user's Config, HostConfig and NetworkingConfig, with `HostConfig.AutoRemove`
 * forced to false and the `docket.allocation`/`docket.run` labels merged into `Labels`. The request is not mutated.
 *
 * @param request The run request.
 * @returns The body for `POST /containers/create`.
 */
export function buildCreateBody(
  request: Pick<RunRequest, "allocation" | "runId" | "container">,
): ContainerCreateBody {
  const { Config, HostConfig, NetworkingConfig } = request.container;
  const userLabels = isJsonObject(Config.Labels) ? Config.Labels as Record<string, string> : {};
  const body: ContainerCreateBody = {
    ...Config,
    Image: Config.Image,
    Labels: { ...userLabels, [ALLOCATION_LABEL]: request.allocation, [RUN_LABEL]: request.runId },
    HostConfig: { ...(HostConfig ?? {}), AutoRemove: false },
  };
  if (NetworkingConfig !== undefined) body.NetworkingConfig = NetworkingConfig;
  return body;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string" && error !== "") return error;
  return "the run was cancelled";
}

/** Thrown inside the pipeline when the deadline passed or the caller cancelled. */
class RunStopped extends Error {
  constructor(readonly status: "timeout" | "error", message: string) {
    super(message);
    this.name = "RunStopped";
  }
}

function settle<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise.then((value) => ({ value }), () => undefined), timeout]).finally(
    () => clearTimeout(timer),
  );
}

/**
 * Runs a container once and reports how it went. Never rejects: every failure ends as status `error`.
 *
 * Sequence: pull per policy; create with `AutoRemove:false` and the labels; attach and `wait?condition=next-exit`
 * (both registered before start); start; read the output and the exit code; delete the container (`force=1&v=1`)
 * when the user asked for `AutoRemove`, or after a timeout or cancel.
 *
 * @example
 * ```ts ignore
 * const result = await runContainer(docker, {
 *   allocation: "foo",
 *   runId: crypto.randomUUID(),
 *   container: { Config: { Image: "busybox", Cmd: ["echo", "hi"] }, HostConfig: { AutoRemove: true } },
 * });
 * console.log(result.status, result.exitCode, result.output);
 * ```
 *
 * @param docker The Docker client.
 * @param request What to run.
 * @returns The result.
 */
export async function runContainer(docker: RunDocker, request: RunRequest): Promise<RunResult> {
  const now = request.now ?? (() => new Date());
  const emit = (event: RunEvent) => {
    try {
      request.onEvent?.(event);
    } catch {
      // The listener's problem, not the run's.
    }
  };
  const tail = new OutputTail();
  const autoRemove = request.container?.HostConfig?.AutoRemove === true;
  const grace = request.stopGraceSeconds ?? 10;
  const stopper = new AbortController();
  let exited = false;
  const requestStop = (status: "timeout" | "error", message: string) => {
    if (!exited && !stopper.signal.aborted) stopper.abort(new RunStopped(status, message));
  };
  const onCancel = () => requestStop("error", messageOf(request.signal?.reason));
  request.signal?.addEventListener("abort", onCancel, { once: true });
  const timeoutMessage = `Cannot finish the run: it exceeded its timeout of ${
    formatDuration(request.timeoutMs ?? 0)
  }`;
  const deadline = request.timeoutMs === undefined
    ? undefined
    : setLongTimeout(() => requestStop("timeout", timeoutMessage), request.timeoutMs);
  if (request.signal?.aborted) onCancel();
  const checkStopped = () => {
    if (stopper.signal.aborted) throw stopper.signal.reason;
  };

  let containerId: string | undefined;
  let started = false;
  let startedAt: Date | undefined;
  let exitCode: number | undefined;
  const result = (status: RunResult["status"], error?: string): RunResult => {
    const finished: RunResult = { status, output: tail.text(), finishedAt: now() };
    if (containerId !== undefined) finished.containerId = containerId;
    if (exitCode !== undefined) finished.exitCode = exitCode;
    if (startedAt !== undefined) finished.startedAt = startedAt;
    if (error !== undefined) {
      finished.error = error;
      emit({ type: "error", at: finished.finishedAt, message: error });
    }
    return finished;
  };
  const remove = async (): Promise<string | undefined> => {
    if (containerId === undefined) return undefined;
    try {
      await docker.removeContainer(containerId, { force: true, volumes: true });
      return undefined;
    } catch (error) {
      return messageOf(error);
    }
  };

  try {
    const image = request.container.Config.Image;
    if (typeof image !== "string" || image.trim() === "") throw new Error("Image is required");
    const ref = parseImageRef(image);
    await ensureImage(docker, request, ref, { signal: stopper.signal, emit, now });
    checkStopped();

    const created = await docker.createContainer(buildCreateBody(request));
    containerId = created.Id;
    emit({ type: "created", at: now(), containerId, warnings: created.Warnings ?? [] });
    checkStopped();

    const streams = new AbortController();
    const [attached, waiting] = await Promise.allSettled([
      docker.attachContainer(containerId, { signal: streams.signal }),
      docker.waitContainer(containerId, "next-exit", { signal: streams.signal }),
    ]);
    if (attached.status === "rejected" || waiting.status === "rejected") {
      streams.abort();
      if (attached.status === "fulfilled") await attached.value.cancel().catch(() => {});
      throw attached.status === "rejected"
        ? attached.reason
        : (waiting as PromiseRejectedResult).reason;
    }
    const reading = readOutput(attached.value, {
      tty: request.container.Config.Tty === true,
      tail,
      onOutput: request.onOutput,
    }).catch(() => {});
    const waitResult = waiting.value.result;
    try {
      checkStopped();
      await docker.startContainer(containerId);
    } catch (error) {
      // A failed start leaves attach and wait pending forever: cancel them.
      streams.abort();
      await reading;
      throw error;
    }
    started = true;
    startedAt = now();
    emit({ type: "started", at: startedAt, containerId });

    const stopped = new Promise<{ kind: "stopped" }>((resolve) => {
      if (stopper.signal.aborted) resolve({ kind: "stopped" });
      stopper.signal.addEventListener("abort", () => resolve({ kind: "stopped" }), { once: true });
    });
    const outcome = await Promise.race([
      waitResult.then(
        (value) => ({ kind: "exited" as const, value }),
        (error: unknown) => ({ kind: "broken" as const, error }),
      ),
      stopped,
    ]);
    exited = true; // From here on, a deadline or cancel changes nothing.
    let exitStatus: WaitResult | undefined;
    if (outcome.kind === "exited") {
      exitStatus = outcome.value;
    } else if (outcome.kind === "broken") {
      streams.abort();
      await reading;
      throw outcome.error;
    } else {
      await stopContainer(docker, containerId, grace);
      exitStatus = (await settle(waitResult, SETTLE_MS))?.value;
    }
    // The attach body ends when the container exits; don't let a stuck stream hold the run.
    if (await settle(reading, SETTLE_MS) === undefined) {
      streams.abort();
      await reading;
    }
    if (exitStatus !== undefined) {
      exitCode = exitStatus.StatusCode;
      const at = now();
      emit({
        type: "exited",
        at,
        containerId,
        exitCode,
        durationMs: at.getTime() - startedAt.getTime(),
        output: tail.text(),
      });
    }
    if (stopper.signal.aborted) {
      const reason = stopper.signal.reason as RunStopped;
      const removal = await remove();
      return result(
        reason.status,
        removal === undefined ? reason.message : `${reason.message}; ${removal}`,
      );
    }
    const removal = autoRemove ? await remove() : undefined;
    const status = exitCode === 0 ? "succeeded" : "failed";
    return result(status, removal);
  } catch (error) {
    const stoppedBy = error instanceof RunStopped ? error : undefined;
    // Clean up what this run created: a container that never started would stay "created" forever.
    if (containerId !== undefined && (!started || stoppedBy !== undefined || autoRemove)) {
      const removal = await remove();
      if (removal !== undefined) {
        return result(stoppedBy?.status ?? "error", `${messageOf(error)}; ${removal}`);
      }
    }
    return result(stoppedBy?.status ?? "error", messageOf(error));
  } finally {
    clearLongTimeout(deadline);
    request.signal?.removeEventListener("abort", onCancel);
  }
}

async function ensureImage(
  docker: RunDocker,
  request: RunRequest,
  ref: ReturnType<typeof parseImageRef>,
  context: { signal: AbortSignal; emit: (event: RunEvent) => void; now: () => Date },
): Promise<void> {
  const policy = request.pullPolicy ?? "Always";
  const { signal } = context;
  const pull = async () => {
    await docker.pullImage(ref, { signal });
    context.emit({
      type: "pulled",
      at: context.now(),
      repository: ref.repository,
      tag: ref.displayTag,
      allocation: request.allocation,
    });
  };
  if (policy === "Always") {
    try {
      await pull();
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      // An engine without registry access must still run images it has.
      if (!await docker.imageExists(ref.original, { signal })) throw error;
      context.emit({ type: "pull_failed", at: context.now(), message: messageOf(error) });
    }
    return;
  }
  const present = await docker.imageExists(ref.original, { signal });
  if (present) return;
  if (policy === "Never") {
    throw new Error(
      `Cannot run image ${ref.original}: it is not present locally and the pull policy is Never`,
    );
  }
  await pull();
}

async function stopContainer(docker: RunDocker, containerId: string, grace: number): Promise<void> {
  try {
    await docker.stopContainer(containerId, { t: grace });
  } catch {
    try {
      await docker.killContainer(containerId);
    } catch {
      // Not running any more, or the engine is gone: the removal below (force=1) is the last resort.
    }
  }
}
