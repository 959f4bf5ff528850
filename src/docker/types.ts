/**
 * The subset of Docker Engine API shapes the client sends and reads.
 *
 * @module
 */

/** What `GET /_ping` tells. */
export interface PingInfo {
  /** The `Api-Version` header: the daemon's newest API version. */
  apiVersion?: string;
  /** The `Ostype` header, e.g. `linux`. */
  osType?: string;
  /** The `Server` header, e.g. `Docker/20.10.24+dfsg1 (linux)`. */
  server?: string;
}

/** `GET /version` (the fields docket reads; the rest is kept). */
export interface VersionInfo {
  /** Engine version, e.g. `20.10.24+dfsg1`. */
  Version?: string;
  /** Newest API version. */
  ApiVersion?: string;
  /** Oldest API version the daemon accepts. */
  MinAPIVersion?: string;
  /** Operating system. */
  Os?: string;
  /** Architecture. */
  Arch?: string;
  /** Other fields. */
  [key: string]: unknown;
}

/** The body of `POST /containers/create`: the Config fields plus `HostConfig` and `NetworkingConfig`. */
export interface ContainerCreateBody {
  /** The image reference. */
  Image: string;
  /** Labels; docket adds its own. */
  Labels?: Record<string, string>;
  /** Whether the container has a TTY (then the output is not multiplexed). */
  Tty?: boolean;
  /** Host settings. */
  HostConfig?: Record<string, unknown>;
  /** Network endpoints. */
  NetworkingConfig?: Record<string, unknown>;
  /** Any other Config field, passed through unchanged. */
  [key: string]: unknown;
}

/** `201` answer of `POST /containers/create`. */
export interface ContainerCreateResponse {
  /** The container id. */
  Id: string;
  /** Warnings, possibly empty. */
  Warnings: string[];
}

/** Conditions of `POST /containers/{id}/wait`. */
export type WaitCondition = "not-running" | "next-exit" | "removed";

/** The body of a finished wait. */
export interface WaitResult {
  /** The exit code. */
  StatusCode: number;
  /** Set when removal failed (API 1.34+). */
  Error?: { Message?: string } | null;
}

/** A registered wait: the daemon has answered with headers, so the waiter is in place. */
export interface WaitHandle {
  /** Resolves with the exit status once the condition is met; rejects if the request is aborted or breaks. */
  result: Promise<WaitResult>;
}

/** `State` of an inspected container. */
export interface ContainerState {
  /** `created`, `running`, `paused`, `restarting`, `removing`, `exited`, `dead`. */
  Status: string;
  /** Whether it runs. */
  Running: boolean;
  /** The last exit code. */
  ExitCode: number;
  /** The runtime's error, e.g. from a failed start. */
  Error?: string;
  /** RFC 3339 start time (`0001-01-01T00:00:00Z` when never started). */
  StartedAt?: string;
  /** RFC 3339 end time (`0001-01-01T00:00:00Z` while running). */
  FinishedAt?: string;
  /** Whether the kernel's OOM killer stopped it. */
  OOMKilled?: boolean;
}

/** `GET /containers/{id}/json` (the fields docket reads; the rest is kept). */
export interface ContainerInspect {
  /** Container id. */
  Id: string;
  /** Name with a leading `/`. */
  Name?: string;
  /** RFC 3339 creation time. */
  Created?: string;
  /** Run state. */
  State: ContainerState;
  /** Config as created. */
  Config: {
    Image?: string;
    Tty?: boolean;
    Labels?: Record<string, string> | null;
    [key: string]: unknown;
  };
  /** HostConfig as created. */
  HostConfig?: { AutoRemove?: boolean; [key: string]: unknown };
  /** Other fields. */
  [key: string]: unknown;
}

/** One entry of `GET /containers/json`. */
export interface ContainerSummary {
  /** Container id. */
  Id: string;
  /** Names with leading `/`. */
  Names?: string[];
  /** Image as given at creation. */
  Image?: string;
  /** Labels. */
  Labels?: Record<string, string> | null;
  /** `created`, `running`, `exited`, … */
  State?: string;
  /** Human-readable status, e.g. `Exited (0) 2 seconds ago`. */
  Status?: string;
  /** Creation time, Unix seconds. */
  Created?: number;
  /** Other fields. */
  [key: string]: unknown;
}
