/**
 * A small Docker Engine API client on `fetch`: images and the container lifecycle, on top of
 * {@linkcode DockerConnection}'s transport, timeouts and version negotiation.
 *
 * @module
 */

import {
  type CallOptions,
  type DockerClientOptions,
  DockerConnection,
  shortId,
} from "./connection.ts";
import {
  type Env,
  readTlsMaterial,
  resolveEndpoint,
  type ResolveEndpointOptions,
} from "./endpoint.ts";
import { DockerError } from "./errors.ts";
import { type ImageRef, parseImageRef } from "./image_ref.ts";
import { type PullProgress, type PullSummary, readPullStream } from "./pull.ts";
import { createRegistryAuthProvider, denoRegistryAuthDeps } from "./registry_auth.ts";
import type {
  ContainerCreateBody,
  ContainerCreateResponse,
  ContainerInspect,
  ContainerSummary,
  WaitCondition,
  WaitHandle,
  WaitResult,
} from "./types.ts";

export {
  type CallOptions,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type DockerClientOptions,
  shortId,
} from "./connection.ts";

/** Options of {@linkcode DockerClient.pullImage}. */
export interface PullImageOptions extends CallOptions {
  /** The `X-Registry-Auth` header value; `null` sends none; `undefined` asks the client's registry-auth provider. */
  auth?: string | null;
  /** Receives every progress message. */
  onProgress?: (progress: PullProgress) => void;
}

/** Options of {@linkcode DockerClient.fromEnv}. */
export interface FromEnvOptions extends ResolveEndpointOptions {
  /** Header timeout of every request, in milliseconds. @default {30000} */
  timeoutMs?: number;
}

/**
 * Talks to one Docker engine. Create it with {@linkcode DockerClient.fromEnv} or from an endpoint; close it with
 * {@linkcode DockerClient.close} (or `using`).
 *
 * @example
 * ```ts ignore
 * using docker = DockerClient.fromEnv(Deno.env.toObject());
 * console.log(await docker.version());
 * ```
 */
export class DockerClient extends DockerConnection {
  /**
   * A client configured like the docker CLI: `DOCKER_HOST`, TLS variables, `DOCKER_API_VERSION`, and registry
   * credentials from `DOCKER_CONFIG`/`~/.docker/config.json` (re-read on every pull).
   *
   * @param env The environment, e.g. `Deno.env.toObject()`.
   * @param options Timeout and TLS leniency.
   * @returns The client.
   */
  static fromEnv(env: Env, options: FromEnvOptions = {}): DockerClient {
    const endpoint = resolveEndpoint(env, options);
    const clientOptions: DockerClientOptions = {
      registryAuth: createRegistryAuthProvider(denoRegistryAuthDeps(env)),
    };
    if (options.timeoutMs !== undefined) clientOptions.timeoutMs = options.timeoutMs;
    if (endpoint.kind === "tcp" && endpoint.tls !== undefined) {
      clientOptions.tls = readTlsMaterial(endpoint.tls, (path) => Deno.readTextFileSync(path));
    }
    return new DockerClient(endpoint, clientOptions);
  }

  /**
   * Whether an image is present locally (`GET /images/{ref}/json`: 200 yes, 404 no).
   *
   * @param reference The reference as written, e.g. `busybox:1.36`.
   * @param options Cancellation.
   * @returns `true` when present.
   */
  imageExists(reference: string, options: CallOptions = {}): Promise<boolean> {
    return this.request(
      {
        operation: `inspect image ${reference}`,
        method: "GET",
        path: `/images/${encodeURI(reference)}/json`,
        okStatuses: [404],
        signal: options.signal,
      },
      async (response, guard) => {
        await guard(response.arrayBuffer());
        return response.status !== 404;
      },
    );
  }

  /**
   * Pulls an image: `POST /images/create?fromImage=<name>&tag=<tag|digest>` (always with a tag: an empty tag would
   * pull every tag), reading the progress stream to its end.
   *
   * @param reference The reference as written, or already parsed.
   * @param options Credentials, progress callback, cancellation.
   * @returns What the stream reported.
   * @throws {DockerError} with the engine's or the stream's message.
   */
  async pullImage(
    reference: string | ImageRef,
    options: PullImageOptions = {},
  ): Promise<PullSummary> {
    const ref = typeof reference === "string" ? parseImageRef(reference) : reference;
    const operation = `pull image ${ref.original}`;
    let auth = options.auth;
    if (auth === undefined) auth = (await this.registryAuth?.(ref.domain)) ?? null;
    const headers: Record<string, string> = auth === null || auth === ""
      ? {}
      : { "X-Registry-Auth": auth };
    const body = await this.request(
      {
        operation,
        method: "POST",
        path: "/images/create",
        query: { fromImage: ref.fromImage, tag: ref.pullTag },
        headers,
        signal: options.signal,
        stream: true,
      },
      (response) => Promise.resolve(response.body),
    );
    if (body === null) return { messages: 0 };
    const readOptions: { operation: string; onProgress?: (progress: PullProgress) => void } = {
      operation,
    };
    if (options.onProgress !== undefined) readOptions.onProgress = options.onProgress;
    try {
      return await readPullStream(body, readOptions);
    } catch (error) {
      if (error instanceof DockerError) throw error;
      if (options.signal?.aborted) throw options.signal.reason;
      throw new DockerError(operation, `the connection broke: ${String(error)}`, {
        kind: "connection",
        cause: error,
      });
    }
  }

  /**
   * `POST /containers/create[?name=]`. The body is sent as given.
   *
   * @param body Config fields plus `HostConfig` and `NetworkingConfig`.
   * @param options Container name, cancellation.
   * @returns The id and the daemon's warnings.
   */
  createContainer(
    body: ContainerCreateBody,
    options: CallOptions & { name?: string } = {},
  ): Promise<ContainerCreateResponse> {
    return this.requestJson({
      operation: "create container",
      method: "POST",
      path: "/containers/create",
      query: { name: options.name },
      body,
      signal: options.signal,
    });
  }

  /**
   * Attaches to stdout and stderr before start: `POST /containers/{id}/attach?stream=1&stdout=1&stderr=1` without
   * `Upgrade` headers, so the daemon answers a plain 200 with a close-delimited body.
   *
   * @param id Container id.
   * @param options Cancellation (also closes the stream).
   * @returns The body, once the headers arrived: multiplexed, or raw with a TTY.
   */
  attachContainer(id: string, options: CallOptions = {}): Promise<ReadableStream<Uint8Array>> {
    return this.request(
      {
        operation: `attach to container ${shortId(id)}`,
        method: "POST",
        path: `/containers/${encodeURIComponent(id)}/attach`,
        query: { stream: true, stdout: true, stderr: true },
        signal: options.signal,
        stream: true,
      },
      (response) => Promise.resolve(response.body ?? emptyStream()),
    );
  }

  /**
   * Registers an exit waiter: `POST /containers/{id}/wait?condition=`. Resolves once the headers arrived, which
   * proves the waiter is in place (API 1.30+).
   *
   * @param id Container id.
   * @param condition `next-exit` before start, `not-running` after.
   * @param options Cancellation (also rejects the result).
   * @returns A handle whose `result` settles when the condition is met.
   */
  waitContainer(
    id: string,
    condition: WaitCondition,
    options: CallOptions = {},
  ): Promise<WaitHandle> {
    return this.request(
      {
        operation: `wait for container ${shortId(id)}`,
        method: "POST",
        path: `/containers/${encodeURIComponent(id)}/wait`,
        query: { condition },
        signal: options.signal,
        stream: true,
      },
      (response, guard) => {
        const result = guard(response.json() as Promise<WaitResult>);
        result.catch(() => {}); // Callers that never look at the result must not cause an unhandled rejection.
        return Promise.resolve({ result });
      },
    );
  }

  /**
   * `POST /containers/{id}/start` with no body; 204 started, 304 already running.
   *
   * @param id Container id.
   * @param options Cancellation.
   */
  startContainer(id: string, options: CallOptions = {}): Promise<void> {
    return this.requestEmpty({
      operation: `start container ${shortId(id)}`,
      method: "POST",
      path: `/containers/${encodeURIComponent(id)}/start`,
      okStatuses: [304],
      signal: options.signal,
    });
  }

  /**
   * `POST /containers/{id}/stop?t=`: SIGTERM, then SIGKILL after `t` seconds. Blocks until stopped; 304 when it
   * was not running.
   *
   * @param id Container id.
   * @param options Grace period `t` in seconds (the container's default when omitted), cancellation.
   */
  stopContainer(id: string, options: CallOptions & { t?: number } = {}): Promise<void> {
    return this.requestEmpty({
      operation: `stop container ${shortId(id)}`,
      method: "POST",
      path: `/containers/${encodeURIComponent(id)}/stop`,
      query: { t: options.t },
      okStatuses: [304],
      timeoutMs: this.timeoutMs + (options.t ?? 10) * 1000,
      signal: options.signal,
    });
  }

  /**
   * `POST /containers/{id}/kill[?signal=]`. A container that is not running gives a 409 `DockerError`.
   *
   * @param id Container id.
   * @param options `killSignal` (default SIGKILL), cancellation.
   */
  killContainer(id: string, options: CallOptions & { killSignal?: string } = {}): Promise<void> {
    return this.requestEmpty({
      operation: `kill container ${shortId(id)}`,
      method: "POST",
      path: `/containers/${encodeURIComponent(id)}/kill`,
      query: { signal: options.killSignal },
      signal: options.signal,
    });
  }

  /**
   * `DELETE /containers/{id}?force=&v=`.
   *
   * @param id Container id.
   * @param options `force` kills a running container first; `volumes` removes its anonymous volumes.
   * @returns `true` when removed, `false` when it did not exist (404).
   */
  removeContainer(
    id: string,
    options: CallOptions & { force?: boolean; volumes?: boolean } = {},
  ): Promise<boolean> {
    return this.request(
      {
        operation: `remove container ${shortId(id)}`,
        method: "DELETE",
        path: `/containers/${encodeURIComponent(id)}`,
        query: { force: options.force, v: options.volumes },
        okStatuses: [404],
        signal: options.signal,
      },
      async (response, guard) => {
        await guard(response.arrayBuffer());
        return response.status !== 404;
      },
    );
  }

  /**
   * `GET /containers/{id}/json`.
   *
   * @param id Container id.
   * @param options Cancellation.
   * @returns State, Config and HostConfig.
   */
  inspectContainer(id: string, options: CallOptions = {}): Promise<ContainerInspect> {
    return this.requestJson({
      operation: `inspect container ${shortId(id)}`,
      method: "GET",
      path: `/containers/${encodeURIComponent(id)}/json`,
      signal: options.signal,
    });
  }

  /**
   * `GET /containers/json?all=&filters=`.
   *
   * @param options `all` includes stopped containers; `filters` is a map like `{label: ["docket.run"]}`.
   * @returns The matching containers.
   */
  listContainers(
    options: CallOptions & { all?: boolean; filters?: Record<string, string[]> } = {},
  ): Promise<ContainerSummary[]> {
    return this.requestJson({
      operation: "list containers",
      method: "GET",
      path: "/containers/json",
      query: {
        all: options.all,
        filters: options.filters === undefined ? undefined : JSON.stringify(options.filters),
      },
      signal: options.signal,
    });
  }

  /**
   * `GET /containers/{id}/logs?stdout=1&stderr=1` without `follow`: the output so far, for reconciling exited
   * containers. Multiplexed unless the container has a TTY.
   *
   * @param id Container id.
   * @param options Cancellation.
   * @returns The body once the headers arrived.
   */
  containerLogs(id: string, options: CallOptions = {}): Promise<ReadableStream<Uint8Array>> {
    return this.request(
      {
        operation: `read the logs of container ${shortId(id)}`,
        method: "GET",
        path: `/containers/${encodeURIComponent(id)}/logs`,
        query: { stdout: true, stderr: true },
        signal: options.signal,
        stream: true,
      },
      (response) => Promise.resolve(response.body ?? emptyStream()),
    );
  }
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}
