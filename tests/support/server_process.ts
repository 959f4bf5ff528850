/**
 * `docket server` as a real child process, for tests that kill it (`kill -9`) and start it again.
 *
 * @module
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A running `docket server` process. */
export interface ServerProcess extends AsyncDisposable {
  /** The API's base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Sends a request to the API and returns the JSON answer. */
  // deno-lint-ignore no-explicit-any
  json(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Kills the process with SIGKILL (no shutdown) and waits for it to be gone. */
  kill9(): Promise<void>;
  /** Stops the process with SIGTERM and waits for it to exit. */
  stop(): Promise<void>;
  /** Resolves with the process's exit status once it has exited (and its stderr is read). */
  exited: Promise<Deno.CommandStatus>;
}

/** Options of {@linkcode startServerProcess}. */
export interface ServerProcessOptions {
  /** Extra environment variables for the process (added to the test's own environment). */
  env?: Record<string, string>;
}

/** Starts `docket server --store <store> --port 0` and waits until it listens. */
export async function startServerProcess(
  store: string,
  args: string[] = [],
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "server", "--store", store, "--port", "0", ...args],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { ...options.env, NO_COLOR: "1" },
  }).spawn();
  let text = "";
  const listening = Promise.withResolvers<string>();
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      text += decoder.decode(chunk, { stream: true });
      const match = /listening on (http:\/\/[^/\s]+)\//.exec(text);
      if (match) listening.resolve(match[1] as string);
    }
    listening.reject(new Error(`docket server exited before listening:\n${text}`));
  })();
  const timer = setTimeout(
    () => listening.reject(new Error(`docket server did not listen within 30s:\n${text}`)),
    30_000,
  );
  let url: string;
  try {
    url = await listening.promise;
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    await reading;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  let exited = false;
  const wait = async () => {
    if (exited) return;
    await child.status;
    await reading;
    exited = true;
  };
  const server: ServerProcess = {
    url,
    stderr: () => text,
    exited: reading.then(() => child.status),
    async json(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? null : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async kill9() {
      if (!exited) child.kill("SIGKILL");
      await wait();
    },
    async stop() {
      if (!exited) child.kill("SIGTERM");
      await wait();
    },
    async [Symbol.asyncDispose]() {
      await server.kill9();
    },
  };
  return server;
}

/** Polls `check` every 100 ms until it returns a value, or fails after `ms`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Cannot see ${what} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
