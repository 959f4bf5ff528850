/**
 * The connection to one Docker engine: transport, header timeouts, API version negotiation, and the unversioned
 * `_ping` and `version` calls. {@linkcode DockerClient} builds the Engine API calls on it.
 *
 * @module
 */

import { ApiVersionNegotiator } from "./api_version.ts";
import { describeEndpoint, type DockerEndpoint, type TlsMaterial } from "./endpoint.ts";
import { DockerError } from "./errors.ts";
import type { RegistryAuthProvider } from "./registry_auth.ts";
import {
  baseUrl,
  buildQuery,
  createTransport,
  type FetchLike,
  type Query,
  send,
} from "./transport.ts";
import type { PingInfo, VersionInfo } from "./types.ts";

/** The default timeout for response headers (and whole non-streamed answers). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Options of the {@linkcode DockerConnection} (and `DockerClient`) constructor. */
export interface DockerClientOptions {
  /** A fetch to use instead of a `Deno.HttpClient` (tests). No HTTP client is created then. */
  fetch?: FetchLike;
  /** Header timeout of every request, in milliseconds. @default {30000} */
  timeoutMs?: number;
  /** PEM texts for a TLS endpoint (see `readTlsMaterial`). */
  tls?: TlsMaterial;
  /** Finds the `X-Registry-Auth` header for a registry domain when a pull passes none. */
  registryAuth?: RegistryAuthProvider;
}

/** Options every call accepts. */
export interface CallOptions {
  /** Cancels the call (and bounds a streamed body). */
  signal?: AbortSignal | undefined;
}

/** One request as {@linkcode DockerConnection} subclasses describe it. */
export interface RequestSpec {
  /** For messages, e.g. `start container 0123abcd`. */
  operation: string;
  /** HTTP method. */
  method: "GET" | "POST" | "DELETE" | "HEAD";
  /** Path after the version prefix, e.g. `/containers/create`. */
  path: string;
  /** Query parameters. */
  query?: Query;
  /** JSON body. */
  body?: unknown;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** Caller's cancellation. */
  signal?: AbortSignal | undefined;
  /** Header timeout; the connection's default when omitted. */
  timeoutMs?: number;
  /** Whether to prefix `/vX.Y`. @default {true} */
  versioned?: boolean;
  /** Statuses accepted besides 2xx. */
  okStatuses?: number[];
  /** Whether the body outlives the header timeout. @default {false} */
  stream?: boolean;
}

/** Reads a successful response; `guard` maps body-read failures to `DockerError`s. */
export type Consume<T> = (
  response: Response,
  guard: <R>(promise: Promise<R>) => Promise<R>,
) => Promise<T>;

/**
 * Transport, timeouts and version negotiation shared by all Engine API calls. Use {@linkcode DockerClient}.
 */
export class DockerConnection {
  /** Where the engine is. */
  readonly endpoint: DockerEndpoint;
  /** Finds registry credentials for pulls. */
  protected readonly registryAuth: RegistryAuthProvider | undefined;
  readonly #fetch: FetchLike;
  readonly #close: () => void;
  readonly #timeoutMs: number;
  readonly #base: string;
  readonly #engine: string;
  readonly #versions: ApiVersionNegotiator;
  #closed = false;

  /**
   * Opens a connection (lazily). Nothing is sent until the first call.
   *
   * @param endpoint Where the engine is (see `resolveEndpoint`).
   * @param options Injected fetch, timeout, TLS material, registry auth.
   */
  constructor(endpoint: DockerEndpoint, options: DockerClientOptions = {}) {
    this.endpoint = endpoint;
    if (options.fetch !== undefined) {
      this.#fetch = options.fetch;
      this.#close = () => {};
    } else {
      const transport = createTransport(endpoint, options.tls);
      this.#fetch = transport.fetch;
      this.#close = transport.close;
    }
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#base = baseUrl(endpoint);
    this.#engine = describeEndpoint(endpoint);
    this.registryAuth = options.registryAuth;
    this.#versions = new ApiVersionNegotiator(
      { ping: (signal) => this.ping({ signal }), version: (signal) => this.version({ signal }) },
      { pinned: endpoint.apiVersion },
    );
  }

  /** The default header timeout of a request, in milliseconds. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Closes the connection pool. Pending requests fail. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#close();
  }

  /** Same as {@linkcode DockerConnection.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * The API version in use, negotiating it on first use.
   *
   * @param options Cancellation.
   * @returns e.g. `1.41`.
   */
  apiVersion(options: CallOptions = {}): Promise<string> {
    return this.#versions.get(options.signal);
  }

  /**
   * Sends one request (see {@linkcode RequestSpec}); renegotiates the version once if the daemon rejects it.
   *
   * @param spec The request.
   * @param consume Reads the successful response.
   * @returns What `consume` returned.
   */
  protected async request<T>(
    spec: RequestSpec,
    consume: Consume<T>,
  ): Promise<T> {
    if (this.#closed) {
      throw new DockerError(spec.operation, "the Docker client is closed", { kind: "config" });
    }
    for (let attempt = 0;; attempt++) {
      const version = spec.versioned === false ? undefined : await this.#versions.get(spec.signal);
      const prefix = version === undefined ? "" : `/v${version}`;
      const options = {
        operation: spec.operation,
        method: spec.method,
        url: `${this.#base}${prefix}${spec.path}${buildQuery(spec.query)}`,
        body: spec.body,
        headers: spec.headers ?? {},
        signal: spec.signal,
        timeoutMs: spec.timeoutMs ?? this.#timeoutMs,
        okStatuses: spec.okStatuses ?? [],
        engine: this.#engine,
      };
      try {
        return await send(this.#fetch, options, consume, spec.stream ?? false);
      } catch (error) {
        // The daemon was upgraded or downgraded under us: negotiate again, once.
        if (
          attempt === 0 && version !== undefined && !this.#versions.pinned &&
          error instanceof DockerError && error.status === 400 &&
          /client version .* is too (old|new)/i.test(error.daemonMessage)
        ) {
          this.#versions.reset();
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * Sends a request and parses the JSON answer.
   *
   * @param spec The request.
   * @returns The parsed body.
   */
  protected requestJson<T>(spec: RequestSpec): Promise<T> {
    return this.request(spec, (response, guard) => guard(response.json() as Promise<T>));
  }

  /**
   * Sends a request and discards the answer's body.
   *
   * @param spec The request.
   */
  protected requestEmpty(spec: RequestSpec): Promise<void> {
    return this.request(spec, async (response, guard) => {
      await guard(response.arrayBuffer());
    });
  }

  /**
   * `GET /_ping` (unversioned).
   *
   * @param options Cancellation.
   * @returns The version headers.
   */
  ping(options: CallOptions = {}): Promise<PingInfo> {
    return this.request(
      {
        operation: "ping the Docker engine",
        method: "GET",
        path: "/_ping",
        versioned: false,
        signal: options.signal,
      },
      async (response, guard) => {
        await guard(response.arrayBuffer());
        const info: PingInfo = {};
        const apiVersion = response.headers.get("api-version");
        const osType = response.headers.get("ostype");
        const server = response.headers.get("server");
        if (apiVersion !== null) info.apiVersion = apiVersion;
        if (osType !== null) info.osType = osType;
        if (server !== null) info.server = server;
        return info;
      },
    );
  }

  /**
   * `GET /version` (unversioned).
   *
   * @param options Cancellation.
   * @returns Engine and API versions.
   */
  version(options: CallOptions = {}): Promise<VersionInfo> {
    return this.requestJson({
      operation: "read the Docker engine version",
      method: "GET",
      path: "/version",
      versioned: false,
      signal: options.signal,
    });
  }
}

/**
 * The first 12 characters of a container id, as the docker CLI prints it.
 *
 * @param id A container id.
 * @returns The short id.
 */
export function shortId(id: string): string {
  return /^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id;
}
