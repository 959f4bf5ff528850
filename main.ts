/**
 * The `docket` executable: wires the real world (Deno's streams, environment, files, fetch and
 * the server) into the CLI of `src/cli/program.ts`.
 *
 * ```sh
 * deno run -A main.ts server
 * deno run -A main.ts push docket.yml
 * ```
 *
 * @module
 */
import { fileWriter } from "./src/cli/output.ts";
import { runCli } from "./src/cli/program.ts";
import type { ServerOptions } from "./src/cli/server_options.ts";

/** Starts the real server; loaded only when `docket server` runs, so the client stays light. */
async function startServer(options: ServerOptions): Promise<void> {
  const { runServer } = await import("./src/server.ts");
  await runServer(options);
}

/**
 * Runs `docket` with `args` (without the program name) against the real environment and returns
 * the exit code.
 */
export async function main(args: readonly string[]): Promise<number> {
  return await runCli(args, {
    startServer,
    stdout: fileWriter(Deno.stdout),
    stderr: fileWriter(Deno.stderr),
    env: Deno.env,
    cwd: Deno.cwd(),
    readTextFile: Deno.readTextFile,
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
