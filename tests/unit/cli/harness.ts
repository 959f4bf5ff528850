/**
 * Runs the `docket` CLI in-process with captured output, against an in-process docket API.
 *
 * @module
 */
import { type CliDeps, runCli } from "../../../src/cli/program.ts";
import type { ServerOptions } from "../../../src/cli/server_options.ts";
import { type TestApi, testApi, type TestApiOptions } from "../../support/api.ts";

/** The instant the test API's clock and the CLI's clock start at. */
export const NOW = "2026-03-10T10:20:30.500Z";

/** The repository's root directory (where `docket.yml` lives). */
export const REPO_ROOT: string = new URL("../../../", import.meta.url).pathname;

/** What one run of the CLI printed and returned. */
export interface CliRun {
  /** The exit code. */
  code: number;
  /** Everything written to standard output. */
  stdout: string;
  /** Everything written to standard error. */
  stderr: string;
}

/** Options for {@linkcode docket}. */
export interface DocketOptions {
  /** Environment variables. */
  env?: Record<string, string>;
  /** The working directory for `push`. @default {"/work"} */
  cwd?: string;
  /** Files `push` can read, by absolute path; others are missing (unless `realFiles`). */
  files?: Record<string, string>;
  /** Read files from disk instead of `files`. */
  realFiles?: boolean;
  /** The CLI's clock. @default {NOW} */
  now?: string;
  /** Records `docket server` starts. */
  startServer?: (options: ServerOptions) => Promise<void>;
}

/** Runs `docket ...args` in-process and captures what it prints. */
export async function docket(args: string[], options: DocketOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const env = new Map(Object.entries(options.env ?? {}));
  const files = options.files ?? {};
  const deps: CliDeps = {
    startServer: options.startServer ??
      (() => Promise.reject(new Error("Cannot start a server in this test"))),
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env,
    cwd: options.cwd ?? "/work",
    now: () => new Date(options.now ?? NOW),
    readTextFile: options.realFiles ? Deno.readTextFile : (path) => {
      const text = files[path];
      return text === undefined
        ? Promise.reject(new Deno.errors.NotFound(`No such file or directory: ${path}`))
        : Promise.resolve(text);
    },
    timeoutMs: 5_000,
  };
  const code = await runCli(args, deps);
  return { code, stdout, stderr };
}

/** A docket API listening on a free loopback port. */
export interface LiveApi {
  /** The API's parts (store, clock, allocations). */
  api: TestApi;
  /** Its URL, such as `http://127.0.0.1:41234`. */
  host: string;
}

/**
 * Runs `fn` with a docket API on a free loopback port (its clock at {@linkcode NOW}, other options
 * as given), then waits for runs in flight and shuts the server down.
 */
export async function withApi(
  fn: (live: LiveApi) => Promise<void>,
  options: Omit<TestApiOptions, "start"> = {},
): Promise<void> {
  const api = testApi({ ...options, start: NOW });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, api.handler);
  try {
    await fn({ api, host: `http://127.0.0.1:${server.addr.port}` });
  } finally {
    await api.launcher.drain(1000);
    await server.shutdown();
  }
}

/** A loopback port nobody listens on (it was free a moment ago). */
export function unusedPort(): number {
  const listener = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const { port } = listener.addr;
  listener.close();
  return port;
}
