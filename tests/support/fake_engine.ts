/**
 * An in-process fake Docker engine on a Unix socket, for failure injection only (500s, broken pull streams, slow
 * answers, refused connections). Behaviour tests use the real engine (`tests/support/engine.ts`).
 *
 * @module
 */

import { DockerClient, type DockerClientOptions } from "../../src/docker/client.ts";
import type { UnixEndpoint } from "../../src/docker/endpoint.ts";

/** A request the fake engine received. */
export interface SeenRequest {
  /** HTTP method. */
  method: string;
  /** Path including the version prefix, e.g. `/v1.41/containers/create`. */
  path: string;
  /** Query parameters. */
  query: Record<string, string>;
  /** Request headers (lower-case names). */
  headers: Record<string, string>;
}

/** Answers a request, or returns `undefined` to fall back to the defaults (`/_ping`, `/version`, else 404). */
export type FakeHandler = (
  request: Request,
  url: URL,
) => Response | undefined | Promise<Response | undefined>;

/** A running fake engine; dispose it with `await using`. */
export interface FakeEngine extends AsyncDisposable {
  /** The socket path. */
  socketPath: string;
  /** An endpoint for it. */
  endpoint: UnixEndpoint;
  /** Everything received so far. */
  requests: SeenRequest[];
  /** A client for it; closed when the engine is disposed. */
  client(options?: DockerClientOptions): DockerClient;
  /** A promise that resolves only when the engine is disposed: await it in a handler to never answer. */
  stall(): Promise<void>;
}

/** Options of {@linkcode startFakeEngine}. */
export interface FakeEngineOptions {
  /** The `Api-Version` the ping reports. @default {"1.41"} */
  apiVersion?: string;
  /** Listen on this socket path instead of a fresh one (to bring up an engine where a client already points). */
  socketPath?: string;
}

/**
 * A JSON response.
 *
 * @param status HTTP status.
 * @param body JSON-serialisable body.
 * @returns The response.
 */
export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

/**
 * A response body that sends `first` (if any) and then stays open until the client goes away.
 *
 * @param options `first`: bytes to send at once; `onCancel`: called when the client disconnects.
 * @returns The body.
 */
export function openBody(
  options: { first?: Uint8Array; onCancel?: () => void } = {},
): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      if (options.first !== undefined) controller.enqueue(options.first);
    },
    cancel() {
      options.onCancel?.();
    },
  });
}

/**
 * A socket path in a fresh temporary directory that nobody listens on.
 *
 * @returns The path and a cleanup function.
 */
export async function unusedSocketPath(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "docket-fake-engine-" });
  return { path: `${dir}/docker.sock`, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

/**
 * Starts a fake engine on a Unix socket.
 *
 * @param handler Answers requests; `undefined` falls back to the defaults.
 * @param options API version, socket path.
 * @returns The running engine.
 */
export async function startFakeEngine(
  handler: FakeHandler = () => undefined,
  options: FakeEngineOptions = {},
): Promise<FakeEngine> {
  const ownDir = options.socketPath === undefined
    ? await Deno.makeTempDir({ prefix: "docket-fake-engine-" })
    : undefined;
  const socketPath = options.socketPath ?? `${ownDir}/docker.sock`;
  const requests: SeenRequest[] = [];
  const clients: DockerClient[] = [];
  const apiVersion = options.apiVersion ?? "1.41";
  const { promise: disposed, resolve: release } = Promise.withResolvers<void>();
  let stopped = false;
  const server = Deno.serve({ path: socketPath, onListen: () => {} }, async (request) => {
    const url = new URL(request.url);
    requests.push({
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(request.headers),
    });
    const answer = await handler(request, url);
    if (answer !== undefined) return answer;
    if (url.pathname === "/_ping") {
      return new Response("OK", {
        headers: { "Api-Version": apiVersion, "Content-Type": "text/plain" },
      });
    }
    if (url.pathname === "/version") {
      return json(200, { ApiVersion: apiVersion, MinAPIVersion: "1.12" });
    }
    return json(404, { message: `page not found: ${url.pathname}` });
  });
  const endpoint: UnixEndpoint = { kind: "unix", host: `unix://${socketPath}`, socketPath };
  return {
    socketPath,
    endpoint,
    requests,
    client: (clientOptions = {}) => {
      const client = new DockerClient(endpoint, clientOptions);
      clients.push(client);
      return client;
    },
    stall: () => disposed,
    async [Symbol.asyncDispose]() {
      if (stopped) return;
      stopped = true;
      release();
      for (const client of clients) client.close();
      await server.shutdown();
      if (ownDir !== undefined) await Deno.remove(ownDir, { recursive: true });
      else await Deno.remove(socketPath).catch(() => {});
    },
  };
}
