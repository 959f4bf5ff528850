/**
 * Where the Docker engine is and how to talk to it, from the standard Docker environment variables.
 *
 * @module
 */

import { parsePinnedApiVersion } from "./api_version.ts";
import { DockerError } from "./errors.ts";

/** The default engine address on Linux. */
export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

/** TLS settings of a `tcp://` endpoint: the files to read. */
export interface DockerTlsFiles {
  /** Whether the server certificate is verified (`DOCKER_TLS_VERIFY` non-empty). */
  verify: boolean;
  /** The directory the files come from (`DOCKER_CERT_PATH`, else the Docker config directory). */
  certDir: string;
  /** `ca.pem`: required, added to the system roots. */
  caFile: string;
  /** `cert.pem`: the client certificate, used when present. */
  certFile: string;
  /** `key.pem`: the client key, used when present. */
  keyFile: string;
}

/** An engine reached over a Unix socket. */
export interface UnixEndpoint {
  /** Transport kind. */
  kind: "unix";
  /** The address as the user wrote it (or the default), for messages. */
  host: string;
  /** Absolute path of the socket. */
  socketPath: string;
  /** The API version pinned with `DOCKER_API_VERSION`, without the leading `v`. */
  apiVersion?: string;
}

/** An engine reached over TCP, optionally with TLS. */
export interface TcpEndpoint {
  /** Transport kind. */
  kind: "tcp";
  /** The address as the user wrote it, for messages. */
  host: string;
  /** Host name or IP literal (IPv6 in brackets). */
  hostname: string;
  /** TCP port: the given one, else 2376 with TLS and 2375 without. */
  port: number;
  /** A path prefix for every request (from `tcp://host:port/prefix`), `""` when none. */
  basePath: string;
  /** TLS files, when TLS is on. */
  tls?: DockerTlsFiles;
  /** The API version pinned with `DOCKER_API_VERSION`, without the leading `v`. */
  apiVersion?: string;
}

/** How to connect to the engine: the result of {@linkcode resolveEndpoint}. */
export type DockerEndpoint = UnixEndpoint | TcpEndpoint;

/** Options of {@linkcode resolveEndpoint}. */
export interface ResolveEndpointOptions {
  /**
   * Accept TLS without certificate verification (`DOCKER_TLS` or `DOCKER_CERT_PATH` without
   * `DOCKER_TLS_VERIFY`). Deno cannot skip verification per client, so this is only correct when the process runs
   * with `--unsafely-ignore-certificate-errors`. @default {false}
   */
  allowUnverifiedTls?: boolean;
}

/** Environment variables as a plain map (e.g. `Deno.env.toObject()`). */
export type Env = Record<string, string | undefined>;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/**
 * The Docker configuration directory: `$DOCKER_CONFIG`, else `$HOME/.docker`.
 *
 * @param env The environment.
 * @returns The directory, or `undefined` when neither variable is set.
 */
export function dockerConfigDir(env: Env): string | undefined {
  const configured = nonEmpty(env.DOCKER_CONFIG);
  if (configured !== undefined) return configured;
  const home = nonEmpty(env.HOME);
  return home === undefined ? undefined : `${home.replace(/\/+$/, "")}/.docker`;
}

/**
 * Works out how to reach the engine from `DOCKER_HOST`, `DOCKER_TLS_VERIFY`, `DOCKER_TLS`, `DOCKER_CERT_PATH`,
 * `DOCKER_CONFIG`, `HOME` and `DOCKER_API_VERSION`. Pure: reads no file.
 *
 * @example Default socket
 * ```ts
 * import { resolveEndpoint } from "./endpoint.ts";
 * const endpoint = resolveEndpoint({});
 * console.assert(endpoint.kind === "unix" && endpoint.socketPath === "/var/run/docker.sock");
 * ```
 *
 * @param env The environment, e.g. `Deno.env.toObject()`.
 * @param options See {@linkcode ResolveEndpointOptions}.
 * @returns The endpoint description.
 * @throws {DockerError} kind `config` for unsupported or malformed addresses and impossible TLS settings.
 */
export function resolveEndpoint(env: Env, options: ResolveEndpointOptions = {}): DockerEndpoint {
  const host = nonEmpty(env.DOCKER_HOST?.trim()) ?? DEFAULT_DOCKER_HOST;
  const pinned = nonEmpty(env.DOCKER_API_VERSION?.trim());
  const apiVersion = pinned === undefined ? undefined : parsePinnedApiVersion(pinned);
  const withVersion = <T extends object>(endpoint: T): T & { apiVersion?: string } =>
    apiVersion === undefined ? endpoint : { ...endpoint, apiVersion };

  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(host);
  const scheme = schemeMatch?.[1]?.toLowerCase() ?? "tcp";
  if (scheme === "unix") {
    const socketPath = host.slice(schemeMatch?.[0].length ?? 0);
    if (socketPath === "") {
      return withVersion({ kind: "unix", host, socketPath: "/var/run/docker.sock" });
    }
    return withVersion({ kind: "unix", host, socketPath });
  }
  if (scheme === "ssh") {
    throw new DockerError(
      `use DOCKER_HOST ${host}`,
      "ssh is not supported; forward the socket instead, e.g. `ssh -NL /tmp/docker.sock:/var/run/docker.sock " +
        "user@host` and DOCKER_HOST=unix:///tmp/docker.sock",
      { kind: "config" },
    );
  }
  if (scheme === "npipe") {
    throw new DockerError(
      `use DOCKER_HOST ${host}`,
      "named pipes are not supported; use tcp:// or unix://",
      {
        kind: "config",
      },
    );
  }
  if (scheme !== "tcp") {
    throw new DockerError(
      `use DOCKER_HOST ${host}`,
      `unsupported scheme ${scheme}://; use unix:///path/to/docker.sock or tcp://host[:port]`,
      { kind: "config" },
    );
  }
  const address = schemeMatch === null ? `tcp://${host}` : host;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new DockerError(`use DOCKER_HOST ${host}`, "expected tcp://host[:port] or unix:///path", {
      kind: "config",
    });
  }
  if (url.hostname === "") {
    throw new DockerError(`use DOCKER_HOST ${host}`, "the host name is missing", {
      kind: "config",
    });
  }
  const tls = resolveTls(env, host, options);
  const port = url.port === "" ? (tls === undefined ? 2375 : 2376) : Number(url.port);
  const basePath = url.pathname.replace(/\/+$/, "");
  const endpoint: TcpEndpoint = { kind: "tcp", host, hostname: url.hostname, port, basePath };
  if (tls !== undefined) endpoint.tls = tls;
  return withVersion(endpoint);
}

function resolveTls(
  env: Env,
  host: string,
  options: ResolveEndpointOptions,
): DockerTlsFiles | undefined {
  const verify = nonEmpty(env.DOCKER_TLS_VERIFY) !== undefined;
  const certPath = nonEmpty(env.DOCKER_CERT_PATH);
  const tlsOn = verify || nonEmpty(env.DOCKER_TLS) !== undefined || certPath !== undefined;
  if (!tlsOn) return undefined;
  const certDir = (certPath ?? dockerConfigDir(env))?.replace(/\/+$/, "");
  if (certDir === undefined) {
    throw new DockerError(
      `use TLS for DOCKER_HOST ${host}`,
      "set DOCKER_CERT_PATH (or HOME) to the directory holding ca.pem, cert.pem and key.pem",
      { kind: "config" },
    );
  }
  if (!verify && options.allowUnverifiedTls !== true) {
    throw new DockerError(
      `use TLS without verification for DOCKER_HOST ${host}`,
      "Deno cannot skip certificate checks per client; set DOCKER_TLS_VERIFY=1 with ca.pem in " +
        `${certDir}, or run with --unsafely-ignore-certificate-errors`,
      { kind: "config" },
    );
  }
  return {
    verify,
    certDir,
    caFile: `${certDir}/ca.pem`,
    certFile: `${certDir}/cert.pem`,
    keyFile: `${certDir}/key.pem`,
  };
}

/** PEM texts for `Deno.createHttpClient`. */
export interface TlsMaterial {
  /** Extra CA certificates (added to the system roots); empty when verification is off. */
  caCerts: string[];
  /** Client certificate chain. */
  cert?: string;
  /** Client private key. */
  key?: string;
}

/**
 * Reads the TLS files named by an endpoint. `ca.pem` is required when verifying; the client
 * certificate and key are optional but must come as a pair.
 *
 * @param tls The files from {@linkcode resolveEndpoint}.
 * @param readTextFile Reads a file, throwing `Deno.errors.NotFound` when it is missing (e.g. `Deno.readTextFileSync`).
 * @returns The PEM texts.
 * @throws {DockerError} kind `config` when a required file is missing or unreadable.
 */
export function readTlsMaterial(
  tls: DockerTlsFiles,
  readTextFile: (path: string) => string,
): TlsMaterial {
  const read = (path: string, required: boolean): string | undefined => {
    try {
      return readTextFile(path);
    } catch (error) {
      if (!required && error instanceof Deno.errors.NotFound) return undefined;
      const detail = error instanceof Deno.errors.NotFound
        ? `${path} does not exist`
        : `${path}: ${error instanceof Error ? error.message : String(error)}`;
      throw new DockerError("read the Docker TLS files", detail, { kind: "config", cause: error });
    }
  };
  const ca = read(tls.caFile, tls.verify);
  const cert = read(tls.certFile, false);
  const key = read(tls.keyFile, false);
  if ((cert === undefined) !== (key === undefined)) {
    const missing = cert === undefined ? tls.certFile : tls.keyFile;
    throw new DockerError(
      "read the Docker TLS files",
      `${missing} is missing (cert.pem and key.pem go together)`,
      {
        kind: "config",
      },
    );
  }
  const material: TlsMaterial = { caCerts: ca === undefined ? [] : [ca] };
  if (cert !== undefined) material.cert = cert;
  if (key !== undefined) material.key = key;
  return material;
}

/**
 * The engine address for messages, e.g. `unix:///var/run/docker.sock` or `tcp://10.0.0.2:2376`.
 *
 * @param endpoint The endpoint.
 * @returns A printable address.
 */
export function describeEndpoint(endpoint: DockerEndpoint): string {
  if (endpoint.kind === "unix") return `unix://${endpoint.socketPath}`;
  return `tcp://${endpoint.hostname}:${endpoint.port}${endpoint.basePath}`;
}
