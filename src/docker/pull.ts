/**
 * The NDJSON progress stream of `POST /images/create`, which can carry an error after a 200 status.
 *
 * @module
 */

import { DockerError } from "./errors.ts";

/** One progress message of a pull (`jsonstream.Message`). */
export interface PullProgress {
  /** e.g. `Pulling fs layer`, `Status: Downloaded newer image for …`. */
  status?: string;
  /** Layer id or tag the status is about. */
  id?: string;
  /** Human-readable progress bar. */
  progress?: string;
  /** Byte counts. */
  progressDetail?: { current?: number; total?: number };
  /** Set on failure, together with the deprecated `error`. */
  errorDetail?: { code?: number; message?: string };
  /** Deprecated error text. */
  error?: string;
}

/** The outcome of a successful pull. */
export interface PullSummary {
  /** The last `status` line, e.g. `Status: Image is up to date for busybox:latest`. */
  lastStatus?: string;
  /** The `Digest: …` reported, if any. */
  digest?: string;
  /** How many progress messages arrived. */
  messages: number;
}

/** Options of {@linkcode readPullStream}. */
export interface ReadPullStreamOptions {
  /** The operation for error messages. @default {"pull image"} */
  operation?: string;
  /** Called with every progress message. Exceptions thrown by it are ignored. */
  onProgress?: (progress: PullProgress) => void;
}

/**
 * Reads a pull's progress body to EOF. Lines may be split across chunks. Any message with `error` or `errorDetail`
 * fails the pull, even though the HTTP status was 200.
 *
 * @param body The response body.
 * @param options Operation name and progress callback.
 * @returns What the stream reported.
 * @throws {DockerError} kind `stream` with the stream's own error message.
 */
export async function readPullStream(
  body: ReadableStream<Uint8Array>,
  options: ReadPullStreamOptions = {},
): Promise<PullSummary> {
  const operation = options.operation ?? "pull image";
  const summary: PullSummary = { messages: 0 };
  let failure: string | undefined;
  const handle = (line: string) => {
    const text = line.trim();
    if (text === "") return;
    let message: PullProgress;
    try {
      message = JSON.parse(text) as PullProgress;
    } catch {
      // Non-JSON noise in the stream is not an error by itself, but report it if nothing else is reported.
      summary.lastStatus = text;
      return;
    }
    if (message === null || typeof message !== "object") return;
    summary.messages++;
    const error = message.errorDetail?.message ?? message.error;
    if (error !== undefined || message.errorDetail !== undefined) {
      failure ??= typeof error === "string" && error !== ""
        ? error
        : "the pull stream reported an error";
    }
    if (typeof message.status === "string") {
      summary.lastStatus = message.status;
      if (message.status.startsWith("Digest: ")) summary.digest = message.status.slice(8).trim();
    }
    try {
      options.onProgress?.(message);
    } catch {
      // A broken progress listener must not break the pull.
    }
  };

  const decoder = new TextDecoder();
  let buffered = "";
  const reader = body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        handle(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf("\n");
      }
    }
    buffered += decoder.decode();
    handle(buffered);
  } finally {
    reader.releaseLock();
  }
  if (failure !== undefined) {
    throw new DockerError(operation, failure, { kind: "stream", status: 200 });
  }
  return summary;
}
