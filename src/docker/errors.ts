/**
 * The error type of the Docker client.
 *
 * @module
 */

/**
 * What went wrong with a Docker Engine call.
 *
 * - `connection`: the engine could not be reached (socket missing, connection refused, TLS failure).
 * - `timeout`: the engine did not answer within the client's request timeout.
 * - `http`: the engine answered with an error status.
 * - `stream`: a streamed answer (pull progress) carried an error after a 200 status.
 * - `version`: the API version could not be agreed on.
 * - `config`: the client configuration (DOCKER_HOST, TLS files, registry credentials) is unusable.
 */
export type DockerErrorKind = "connection" | "timeout" | "http" | "stream" | "version" | "config";

/** Options of the {@linkcode DockerError} constructor. */
export interface DockerErrorOptions {
  /** The kind of failure. @default {"http"} */
  kind?: DockerErrorKind;
  /** The HTTP status the engine answered with, or 0 when there was no answer. @default {0} */
  status?: number;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * A failed Docker Engine call. The message reads `Cannot <operation>: <detail>`; the engine's own text is kept
 * in {@linkcode DockerError.daemonMessage}.
 *
 * @example Branch on a missing container
 * ```ts ignore
 * try {
 *   await docker.inspectContainer(id);
 * } catch (error) {
 *   if (error instanceof DockerError && error.status === 404) console.log("gone");
 * }
 * ```
 */
export class DockerError extends Error {
  /** The HTTP status the engine answered with; 0 for connection failures and timeouts. */
  readonly status: number;
  /** The engine's (or the transport's) message without the `Cannot <operation>:` prefix. */
  readonly daemonMessage: string;
  /** The operation that failed, e.g. `create container`. */
  readonly operation: string;
  /** The kind of failure. */
  readonly kind: DockerErrorKind;

  /**
   * Creates the error.
   *
   * @param operation What was being done, e.g. `start container 0123abcd`.
   * @param detail The engine's message or the transport failure.
   * @param options Kind, HTTP status and cause.
   */
  constructor(operation: string, detail: string, options: DockerErrorOptions = {}) {
    super(
      `Cannot ${operation}: ${detail}`,
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.name = "DockerError";
    this.operation = operation;
    this.daemonMessage = detail;
    this.status = options.status ?? 0;
    this.kind = options.kind ?? "http";
  }
}

/**
 * Extracts the engine's message from an error body, which is JSON `{"message": …}` most of the time and plain
 * text sometimes (e.g. "client version 1.11 is too old", or a 404 from attach).
 *
 * @param body The response body as text.
 * @param status The HTTP status, used when the body is empty.
 * @returns The message, never empty.
 */
export function daemonMessageFromBody(body: string, status: number): string {
  const text = body.trim();
  if (text === "") return `HTTP ${status} with an empty body`;
  if (text.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === "object") {
        const record = parsed as Record<string, unknown>;
        for (const key of ["message", "error", "Message"]) {
          const value = record[key];
          if (typeof value === "string" && value.trim() !== "") return value.trim();
        }
      }
    } catch {
      // Not JSON after all: fall through to the raw text.
    }
  }
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/**
 * Turns a transport error thrown by `fetch` into a readable detail, e.g.
 * `No such file or directory (os error 2)` instead of the nested `TypeError: fetch failed`.
 *
 * @param error What `fetch` threw.
 * @returns A one-line description.
 */
export function describeTransportError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) {
      parts.push(current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  const message = parts.at(-1) ?? "unknown error";
  return message
    .replace(/^error sending request for url \([^)]*\): /, "")
    .replace(/^client error \(Connect\): /, "")
    .trim();
}
