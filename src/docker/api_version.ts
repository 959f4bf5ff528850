/**
 * Engine API version handling: parsing, comparing, and the lazy one-time negotiation.
 *
 * @module
 */

import { DockerError } from "./errors.ts";

/** The newest API version whose meaning (for the fields docket sends and reads) has been checked. */
export const MAX_API_VERSION = "1.47";

/** The oldest API version docket can work with (`wait?condition=` and headers flushed at once arrived in 1.30). */
export const MIN_API_VERSION = "1.30";

const VERSION_PATTERN = /^v?(\d+)\.(\d+)$/;

/**
 * Compares two `major.minor` API versions numerically (`1.9` < `1.30`).
 *
 * @param a A version like `1.41`.
 * @param b Another version.
 * @returns Negative when `a < b`, 0 when equal, positive when `a > b`.
 */
export function compareApiVersions(a: string, b: string): number {
  const [aMajor, aMinor] = splitVersion(a);
  const [bMajor, bMinor] = splitVersion(b);
  return aMajor !== bMajor ? aMajor - bMajor : aMinor - bMinor;
}

function splitVersion(version: string): [number, number] {
  const match = VERSION_PATTERN.exec(version.trim());
  if (match === null) return [0, 0];
  return [Number(match[1]), Number(match[2])];
}

/**
 * Validates a `DOCKER_API_VERSION` value (an optional leading `v`, then `major.minor`).
 *
 * @param text The variable's value, e.g. `v1.41`.
 * @returns The version without the `v`, e.g. `1.41`.
 * @throws {DockerError} kind `config` when malformed or older than {@linkcode MIN_API_VERSION}.
 */
export function parsePinnedApiVersion(text: string): string {
  const match = VERSION_PATTERN.exec(text.trim());
  if (match === null) {
    throw new DockerError(`use DOCKER_API_VERSION ${text}`, "expected a version like 1.41", {
      kind: "config",
    });
  }
  const version = `${Number(match[1])}.${Number(match[2])}`;
  if (compareApiVersions(version, MIN_API_VERSION) < 0) {
    throw new DockerError(
      `use DOCKER_API_VERSION ${text}`,
      `docket needs API ${MIN_API_VERSION} or newer`,
      { kind: "config" },
    );
  }
  return version;
}

/** What the daemon told us about its API versions. */
export interface DaemonVersions {
  /** The daemon's (maximum) API version, e.g. `1.41`. */
  apiVersion: string;
  /** The daemon's minimum API version, when known. */
  minApiVersion?: string;
}

/**
 * Picks the version to speak: `min(daemon, MAX_API_VERSION)`, raised to the daemon's minimum when that is higher.
 *
 * @param daemon The daemon's versions.
 * @returns The version to use in `/vX.Y/` paths.
 * @throws {DockerError} kind `version` when the result is older than {@linkcode MIN_API_VERSION}.
 */
export function chooseApiVersion(daemon: DaemonVersions): string {
  let version = compareApiVersions(daemon.apiVersion, MAX_API_VERSION) < 0
    ? normalise(daemon.apiVersion)
    : MAX_API_VERSION;
  if (
    daemon.minApiVersion !== undefined && VERSION_PATTERN.test(daemon.minApiVersion) &&
    compareApiVersions(version, daemon.minApiVersion) < 0
  ) {
    version = normalise(daemon.minApiVersion);
  }
  if (compareApiVersions(version, MIN_API_VERSION) < 0) {
    throw new DockerError(
      "use the Docker engine",
      `its API version ${daemon.apiVersion} is older than ${MIN_API_VERSION}, the oldest docket supports`,
      { kind: "version" },
    );
  }
  return version;
}

function normalise(version: string): string {
  const [major, minor] = splitVersion(version);
  return `${major}.${minor}`;
}

/** How the negotiator asks the daemon; the Docker client passes its unversioned `_ping` and `version` calls. */
export interface VersionProbe {
  /** `GET /_ping`: the `Api-Version` header, when present. */
  ping(signal?: AbortSignal): Promise<{ apiVersion?: string }>;
  /** `GET /version`: `ApiVersion` and `MinAPIVersion`. */
  version(signal?: AbortSignal): Promise<{ ApiVersion?: string; MinAPIVersion?: string }>;
}

/**
 * Negotiates the API version once, lazily, and caches it. Concurrent first calls share one negotiation; a failed
 * negotiation is not cached, so the next call tries again. A pinned version skips negotiation.
 */
export class ApiVersionNegotiator {
  readonly #probe: VersionProbe;
  readonly #pinned: string | undefined;
  #pending: Promise<string> | undefined;
  #version: string | undefined;

  /**
   * Creates the negotiator.
   *
   * @param probe How to ask the daemon.
   * @param options `pinned`: a version from `DOCKER_API_VERSION` that disables negotiation.
   */
  constructor(probe: VersionProbe, options: { pinned?: string | undefined } = {}) {
    this.#probe = probe;
    this.#pinned = options.pinned;
  }

  /** The version in use, if known yet. */
  get current(): string | undefined {
    return this.#pinned ?? this.#version;
  }

  /** Whether the version was pinned rather than negotiated. */
  get pinned(): boolean {
    return this.#pinned !== undefined;
  }

  /**
   * The version to use, negotiating on first use.
   *
   * @param signal Aborts this caller's wait (the shared negotiation itself keeps its own request timeout).
   * @returns The version, e.g. `1.41`.
   */
  get(signal?: AbortSignal): Promise<string> {
    if (this.#pinned !== undefined) return Promise.resolve(this.#pinned);
    if (this.#version !== undefined) return Promise.resolve(this.#version);
    if (this.#pending === undefined) {
      const pending = this.#negotiate().then(
        (version) => {
          this.#version = version;
          this.#pending = undefined;
          return version;
        },
        (error: unknown) => {
          this.#pending = undefined;
          throw error;
        },
      );
      this.#pending = pending;
    }
    return signal === undefined ? this.#pending : raceAbort(this.#pending, signal);
  }

  /** Forgets the negotiated version (e.g. after the daemon said "client version is too new/old"). */
  reset(): void {
    this.#version = undefined;
  }

  async #negotiate(): Promise<string> {
    const ping = await this.#probe.ping();
    let daemonVersion = ping.apiVersion;
    let minVersion: string | undefined;
    const fromVersionEndpoint = async () => {
      const info = await this.#probe.version();
      minVersion = info.MinAPIVersion;
      return info.ApiVersion;
    };
    if (daemonVersion === undefined || !VERSION_PATTERN.test(daemonVersion)) {
      daemonVersion = await fromVersionEndpoint();
      if (daemonVersion === undefined || !VERSION_PATTERN.test(daemonVersion)) {
        throw new DockerError(
          "negotiate the Docker API version",
          "the engine reported no API version in /_ping or /version",
          { kind: "version" },
        );
      }
    } else if (compareApiVersions(daemonVersion, MAX_API_VERSION) > 0) {
      // Capped below the daemon's own version: its minimum may be above our cap.
      await fromVersionEndpoint();
    }
    const versions: DaemonVersions = { apiVersion: daemonVersion };
    if (minVersion !== undefined) versions.minApiVersion = minVersion;
    return chooseApiVersion(versions);
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
