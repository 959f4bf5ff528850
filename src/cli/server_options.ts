/**
 * The options of `docket server`, and how they are read from flags and the environment.
 *
 * @module
 */

/** How the server is started: what `docket server` hands to the server's start function. */
export interface ServerOptions {
  /** The interface to listen on. @default {"127.0.0.1"} */
  hostname: string;
  /** The TCP port to listen on (0 picks a free one). @default {3000} */
  port: number;
  /** Where allocations live: a SQLite file's path, or `"memory"`. @default {"docket.db"} */
  store: string;
  /** How many log entries to keep per allocation. @default {100} */
  maxLogs: number;
  /** How many run records to keep per allocation. @default {100} */
  maxRuns: number;
  /** How long a shutdown waits for runs in flight, in milliseconds. @default {30000} */
  shutdownTimeoutMs: number;
  /** How many runs may use the engine at once (0: no limit). @default {100} */
  maxConcurrentRuns: number;
}

/** The defaults of {@linkcode ServerOptions}, used when neither a flag nor the environment says. */
export const SERVER_DEFAULTS: Readonly<ServerOptions> = {
  hostname: "127.0.0.1",
  port: 3000,
  store: "docket.db",
  maxLogs: 100,
  maxRuns: 100,
  shutdownTimeoutMs: 30_000,
  maxConcurrentRuns: 100,
};

/** The flags of `docket server`, as given (all optional). */
export interface ServerFlags {
  /** `--hostname`. */
  hostname?: string | undefined;
  /** `--port`. */
  port?: number | undefined;
  /** `--store`. */
  store?: string | undefined;
  /** `--max-logs`. */
  maxLogs?: number | undefined;
  /** `--max-runs`. */
  maxRuns?: number | undefined;
  /** `--shutdown-timeout`, in milliseconds. */
  shutdownTimeoutMs?: number | undefined;
  /** `--max-concurrent-runs`. */
  maxConcurrentRuns?: number | undefined;
}

/** Read access to environment variables (`Deno.env` fits). */
export interface Env {
  /** The value of the variable `name`, or undefined when it is not set. */
  get(name: string): string | undefined;
}

/**
 * Works out the server's options: a flag wins, then the environment (`PORT`, `HOST`,
 * `DOCKET_STORE`), then the
 * defaults. An empty environment variable counts as unset.
 *
 * @example
 * ```ts
 * resolveServerOptions({ port: 8080 }, new Map([["HOST", "0.0.0.0"]]));
 * // → { hostname: "0.0.0.0", port: 8080, store: "docket.db", maxLogs: 100, … }
 * ```
 *
 * @throws {RangeError} when `PORT` or `HOST` holds an unusable value
 */
export function resolveServerOptions(flags: ServerFlags, env: Env): ServerOptions {
  const envPort = nonEmpty(env.get("PORT"));
  const envHost = nonEmpty(env.get("HOST"));
  return {
    hostname: flags.hostname ??
      (envHost === undefined ? SERVER_DEFAULTS.hostname : parseHostname(envHost, "HOST")),
    port: flags.port ?? (envPort === undefined ? SERVER_DEFAULTS.port : parsePort(envPort, "PORT")),
    store: flags.store ?? nonEmpty(env.get("DOCKET_STORE")) ?? SERVER_DEFAULTS.store,
    maxLogs: flags.maxLogs ?? SERVER_DEFAULTS.maxLogs,
    maxRuns: flags.maxRuns ?? SERVER_DEFAULTS.maxRuns,
    shutdownTimeoutMs: flags.shutdownTimeoutMs ?? SERVER_DEFAULTS.shutdownTimeoutMs,
    maxConcurrentRuns: flags.maxConcurrentRuns ?? SERVER_DEFAULTS.maxConcurrentRuns,
  };
}

/**
 * Reads a TCP port number: a whole number from 0 to 65535.
 *
 * @param text the value as written
 * @param source where it came from, for the message (`--port`, `PORT`)
 * @throws {RangeError} `Cannot use PORT "x": a port is a whole number from 0 to 65535`
 */
export function parsePort(text: string, source: string): number {
  const value = /^\s*\d{1,5}\s*$/.test(text) ? Number(text) : NaN;
  if (!(value >= 0 && value <= 65535)) {
    throw new RangeError(
      `Cannot use ${source} "${text}": a port is a whole number from 0 to 65535`,
    );
  }
  return value;
}

/**
 * Reads a host name or IP address to listen on.
 *
 * @throws {RangeError} when it is empty or holds spaces or a scheme
 */
export function parseHostname(text: string, source: string): string {
  const value = text.trim();
  if (value === "" || /[\s/]/.test(value)) {
    throw new RangeError(
      `Cannot use ${source} "${text}": give a host name or IP address, such as 127.0.0.1 or 0.0.0.0`,
    );
  }
  return value;
}

/**
 * Reads `--store`: `memory`, or the path of a SQLite file (created when missing).
 *
 * @throws {RangeError} when it is empty
 */
export function parseStore(text: string): string {
  if (text.trim() === "") {
    throw new RangeError(
      `Cannot use store "${text}": give a file path such as docket.db, or memory`,
    );
  }
  return text;
}

/**
 * Reads a positive whole number (such as `--max-logs`).
 *
 * @throws {RangeError} `Cannot use --max-logs "0": give a whole number of at least 1`
 */
export function parsePositiveInteger(text: string, source: string): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(value) && value >= 1)) {
    throw new RangeError(`Cannot use ${source} "${text}": give a whole number of at least 1`);
  }
  return value;
}

/**
 * Reads a whole number of at least 0 (such as `--max-concurrent-runs`, where 0 means no limit).
 *
 * @throws {RangeError} `Cannot use --max-concurrent-runs "-1": give a whole number of at least 0`
 */
export function parseNonNegativeInteger(text: string, source: string): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Cannot use ${source} "${text}": give a whole number of at least 0`);
  }
  return value;
}

/** `value`, or undefined when it is unset or blank (an empty variable counts as unset). */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
