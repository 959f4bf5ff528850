/**
 * HTTP plumbing of the Docker client: the `fetch` function and `Deno.HttpClient` for an endpoint, URLs, and the
 * per-request header timeout.
 *
 * @module
 */

import { describeEndpoint, type DockerEndpoint, type TlsMaterial } from "./endpoint.ts";
import { daemonMessageFromBody, describeTransportError, DockerError } from "./errors.ts";

/** A `fetch`-compatible function; tests inject one to fake the engine without sockets. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Query parameters; `undefined` values are left out, booleans become `1`/`0`. */
export type Query = Record<string, string | number | boolean | undefined>;

/** Builds `?a=1&b=x` from a {@linkcode Query}; empty string when nothing is set. */
export function buildQuery(query: Query | undefined): string {
  if (query === undefined) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.set(key, typeof value === "boolean" ? (value ? "1" : "0") : String(value));
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

/**
 * The base URL requests go to: `http://localhost` for a socket (Deno resolves the URL's host
 * even when the connection goes to a Unix socket, so a made-up name such as `docker` costs a DNS
 * query per connection, and stalls for seconds where the resolver drops queries), and
 * `http(s)://host:port/prefix` for TCP.
 */
export function baseUrl(endpoint: DockerEndpoint): string {
  if (endpoint.kind === "unix") return "http://localhost";
  const scheme = endpoint.tls === undefined ? "http" : "https";
  return `${scheme}://${endpoint.hostname}:${endpoint.port}${endpoint.basePath}`;
}

/** A transport: the fetch to call and what to close. */
export interface Transport {
  /** Sends a request. */
  fetch: FetchLike;
  /** Releases the connection pool. */
  close(): void;
}

/**
 * Creates the real transport for an endpoint: a `Deno.HttpClient` over the Unix socket, or over TCP with the
 * endpoint's TLS material.
 *
 * @param endpoint Where the engine is.
 * @param tls PEM texts, required for a TLS endpoint.
 * @returns The transport.
 */
export function createTransport(endpoint: DockerEndpoint, tls?: TlsMaterial): Transport {
  let client: Deno.HttpClient;
  if (endpoint.kind === "unix") {
    client = Deno.createHttpClient({ proxy: { transport: "unix", path: endpoint.socketPath } });
  } else if (endpoint.tls !== undefined) {
    if (tls === undefined) {
      throw new DockerError(
        `connect to ${describeEndpoint(endpoint)}`,
        "TLS files were not loaded",
        {
          kind: "config",
        },
      );
    }
    client = tls.cert !== undefined && tls.key !== undefined
      ? Deno.createHttpClient({ caCerts: tls.caCerts, cert: tls.cert, key: tls.key })
      : Deno.createHttpClient({ caCerts: tls.caCerts });
  } else {
    client = Deno.createHttpClient({});
  }
  return {
    fetch: (url, init) => fetch(url, { ...init, client }),
    close: () => client.close(),
  };
}

/** One request as the client describes it. */
export interface SendOptions {
  /** For messages: `create container`, `start container 0123abcd`. */
  operation: string;
  /** HTTP method. */
  method: "GET" | "POST" | "DELETE" | "HEAD";
  /** Full URL. */
  url: string;
  /** JSON body. */
  body?: unknown;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** The caller's cancellation; it also bounds a streamed body after the headers. */
  signal?: AbortSignal | undefined;
  /** Timeout for the response headers (and for the whole body unless `stream`). */
  timeoutMs: number;
  /** Statuses that count as success besides 2xx (e.g. 304 for start/stop). */
  okStatuses?: number[];
  /** Where the engine is, for connection messages. */
  engine: string;
}

/**
 * Sends a request with a header timeout. Turns transport failures into {@linkcode DockerError}s (kind `connection`
 * or `timeout`) and error statuses into kind `http` errors carrying the daemon's message. Rethrows the caller's
 * abort reason when the caller aborted.
 *
 * @param fetchFn The transport's fetch.
 * @param options The request.
 * @param consume Reads the successful response. Runs under the timeout unless `stream` is true.
 * @param stream Whether the body outlives the timeout (attach, wait, pull, logs).
 * @returns What `consume` returned.
 */
export async function send<T>(
  fetchFn: FetchLike,
  options: SendOptions,
  consume: (response: Response, guard: <R>(promise: Promise<R>) => Promise<R>) => Promise<T>,
  stream = false,
): Promise<T> {
  const { signal } = options;
  if (signal?.aborted) throw signal.reason;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const combined = signal === undefined
    ? controller.signal
    : AbortSignal.any([signal, controller.signal]);
  const mapError = (error: unknown, reading: boolean): unknown => {
    if (error instanceof DockerError) return error;
    if (signal?.aborted) return signal.reason;
    if (timedOut) {
      return new DockerError(
        options.operation,
        `the Docker engine at ${options.engine} did not answer within ${options.timeoutMs} ms`,
        { kind: "timeout", cause: error },
      );
    }
    if (reading) {
      return new DockerError(
        options.operation,
        `the connection broke: ${describeTransportError(error)}`,
        {
          kind: "connection",
          cause: error,
        },
      );
    }
    return new DockerError(
      `connect to the Docker engine at ${options.engine}`,
      describeTransportError(error),
      { kind: "connection", cause: error },
    );
  };
  const guard = async <R>(promise: Promise<R>): Promise<R> => {
    try {
      return await promise;
    } catch (error) {
      throw mapError(error, true);
    }
  };
  const headers: Record<string, string> = { ...options.headers };
  const init: RequestInit = { method: options.method, headers, signal: combined };
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  let streaming = false;
  try {
    let response: Response;
    try {
      response = await fetchFn(options.url, init);
    } catch (error) {
      throw mapError(error, false);
    }
    if (!response.ok && !(options.okStatuses ?? []).includes(response.status)) {
      const text = await guard(response.text());
      throw new DockerError(options.operation, daemonMessageFromBody(text, response.status), {
        kind: "http",
        status: response.status,
      });
    }
    if (stream) {
      clearTimeout(timer);
      streaming = true;
    }
    return await consume(response, guard);
  } finally {
    if (!streaming) clearTimeout(timer);
  }
}
