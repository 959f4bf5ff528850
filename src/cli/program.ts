/**
 * The `docket` command line: commander wiring for `server`, `push`, `list`, `get`, `delete`,
 * `next`, and the run commands of `run_commands.ts` (`runs`, `logs`, `run`, `suspend`, `resume`),
 * with every dependency (server start, fetch, output, environment, clocks, files) injected so that
 * the whole CLI runs in-process in tests.
 *
 * @module
 */
import { Command, CommanderError } from "@commander-js/extra-typings";
import { ApiClient, DEFAULT_HOST } from "./api_client.ts";
import { CliError } from "./cli_error.ts";
import { DEFAULT_COUNT, nextFireTimes, parseInstant } from "./next.ts";
import { formatJson, type Writer } from "./output.ts";
import { DEFAULT_FILE, pushFile } from "./push.ts";
import { addRunCommands } from "./run_commands.ts";
import { parseDuration } from "../spec/duration.ts";
import {
  type Env,
  nonEmpty,
  parseHostname,
  parseNonNegativeInteger,
  parsePort,
  parsePositiveInteger,
  parseStore,
  resolveServerOptions,
  SERVER_DEFAULTS,
  type ServerOptions,
} from "./server_options.ts";

/** Everything the CLI needs from the outside world. */
export interface CliDeps {
  /** Starts the server and resolves when it has stopped (`runServer` of `src/server.ts`). */
  startServer(options: ServerOptions): Promise<void>;
  /** Standard output: results. */
  stdout: Writer;
  /** Standard error: request lines, notes and errors. */
  stderr: Writer;
  /** The environment (`Deno.env`): `DOCKET_HOST`, `PORT`, `HOST`. */
  env: Env;
  /** The fetch the client commands use. @default {globalThis.fetch} */
  fetch?: typeof fetch;
  /** The directory `docket push` resolves relative files against. @default {Deno.cwd()} */
  cwd?: string;
  /** Reads a text file. @default {Deno.readTextFile} */
  readTextFile?: (path: string) => Promise<string>;
  /** The clock. @default {() => new Date()} */
  now?: () => Date;
  /** How long one API request may take, in milliseconds (long polls: plus their wait). @default {30000} */
  timeoutMs?: number;
  /** A monotonic clock in milliseconds, for `run --timeout`. @default {() => performance.now()} */
  monotonic?: () => number;
  /** Resolves after `ms` milliseconds. @default {a setTimeout} */
  sleep?: (ms: number) => Promise<void>;
}

const HELP_WIDTH = 100;

const ROOT_HELP = `
Examples:
  docket server                          start the server on 127.0.0.1:3000
  docket push                            create or update the allocations in ./docket.yml
  docket list | jq '.[].Name'            list allocations (JSON on stdout)
  docket get foo                         show one allocation, with its logs
  docket delete foo                      delete it
  docket runs foo --table                its runs, newest first (JSON without --table)
  docket logs foo                        the output of its newest run
  docket run foo --wait                  run it now, print its output, exit with its exit code
  docket suspend foo                     stop scheduling it (docket resume foo to undo)
  docket next "0 9 * * mon-fri"          when a cron expression fires (no server needed)

Environment:
  DOCKET_HOST   docket's URL, for all but server and next (default: ${DEFAULT_HOST})
  PORT, HOST    the server's port and interface, when --port and --hostname are not given
  DOCKET_STORE  the server's store, when --store is not given (default: ./docket.db)
  DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION, DOCKER_CONFIG
                how the server reaches the Docker engine and registries, as for the docker CLI

Request lines (GET …) and errors go to stderr; results go to stdout. Exit status is 0 on success
and 1 on any error, except run --wait: the container's exit code.`;

const SERVER_HELP = `
Security: the API has no authentication and can start any container, and a container can be
root on the host. Keep the default 127.0.0.1 unless the network in front of it is trusted (the
original docket listened on every interface).

Examples:
  docket server
  docket server --port 8080
  PORT=8080 HOST=0.0.0.0 docket server   # every interface: see the note above`;

const PUSH_HELP = `
The file is a YAML list of allocations. Keys match in any letter case; Cron must be quoted
(a bare * starts a YAML alias). The whole file is checked before anything is sent: one invalid
item means nothing is pushed. Each item is then created or updated, in order.

  - Name: foo
    Cron: "*/5 * * * *"
    Container:
      Config:
        Image: busybox:latest
        Cmd: [echo, hello]
      HostConfig:
        AutoRemove: true

Examples:
  docket push
  docket push jobs.yml --host http://docket.internal:3000`;

const NEXT_HELP = `
Cron dialect (the original docket's, gorhill/cronexpr):
  5 fields   minute hour day-of-month month day-of-week
  6 fields   minute hour day-of-month month day-of-week year     (the 6th field is the YEAR)
  7 fields   second minute hour day-of-month month day-of-week year
  macros     @yearly @annually @monthly @weekly @daily @hourly

Times print as ISO 8601 instants in UTC, one per line; nothing when the expression never fires.
Quote the expression (the shell expands a bare *); several words are joined with spaces.

Examples:
  docket next "* * * * * *"                     every minute, at :00
  docket next "*/10 * * * * * *" --count 3      every 10 seconds
  docket next "0 9 * * mon-fri" --tz Europe/Berlin
  docket next @daily --from 2026-01-01T00:00:00Z`;

const HOST_HELP = `docket's URL (default: $DOCKET_HOST, else ${DEFAULT_HOST})`;

/**
 * Builds the `docket` program. Commander's output goes to `deps.stdout`/`deps.stderr`, and it
 * throws instead of exiting (`exitOverride`); {@linkcode runCli} turns that into an exit code.
 *
 * @example
 * ```ts ignore
 * const program = createProgram({ startServer, stdout, stderr, env: Deno.env });
 * await program.parseAsync(["list"], { from: "user" });
 * ```
 */
export function createProgram(deps: CliDeps): Command {
  const { stdout, stderr, env } = deps;
  const now = deps.now ?? (() => new Date());

  const client = (host: string | undefined) =>
    new ApiClient(host ?? nonEmpty(env.get("DOCKET_HOST")) ?? DEFAULT_HOST, {
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
      ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      onRequest: (method, url) => stderr(`${method} ${url}\n`),
    });

  const program = new Command("docket")
    .description(
      "A lightweight scheduler for short-lived Docker containers.\n\n" +
        "Start the server with\n\n    docket server\n\n" +
        "then create or update allocations (a name, a cron expression, a container) with\n\n" +
        "    docket push docket.yml",
    )
    .usage("<command> [options]")
    .configureOutput({
      writeOut: stdout,
      writeErr: stderr,
      outputError: (text, write) => write(text.replace(/^error: /, "Error: ")),
      getOutHelpWidth: () => HELP_WIDTH,
      getErrHelpWidth: () => HELP_WIDTH,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", ROOT_HELP);

  program
    .command("server")
    .description("Run the docket server")
    .option(
      "--port <port>",
      "TCP port to listen on, 0 for any free one (default: $PORT, else 3000)",
      (value) => parsePort(value, "--port"),
    )
    .option(
      "--hostname <host>",
      "interface to listen on (default: $HOST, else 127.0.0.1)",
      (value) => parseHostname(value, "--hostname"),
    )
    .option(
      "--store <path>",
      `SQLite file holding allocations and runs, or "memory" to keep nothing across restarts ` +
        `(default: $DOCKET_STORE, else ./${SERVER_DEFAULTS.store})`,
      parseStore,
    )
    .option(
      "--max-logs <n>",
      `log entries kept per allocation (default: ${SERVER_DEFAULTS.maxLogs})`,
      (value) => parsePositiveInteger(value, "--max-logs"),
    )
    .option(
      "--max-runs <n>",
      `run records kept per allocation (default: ${SERVER_DEFAULTS.maxRuns})`,
      (value) => parsePositiveInteger(value, "--max-runs"),
    )
    .option(
      "--max-concurrent-runs <n>",
      "runs using the engine at once; later ones wait their turn, 0 for no limit " +
        `(default: ${SERVER_DEFAULTS.maxConcurrentRuns})`,
      (value) => parseNonNegativeInteger(value, "--max-concurrent-runs"),
    )
    .option(
      "--shutdown-timeout <duration>",
      "how long SIGINT/SIGTERM waits for runs in flight, e.g. 30s or 2m (default: 30s)",
      (value) => parseShutdownTimeout(value),
    )
    .addHelpText("after", SERVER_HELP)
    .action(async (flags) => {
      const { shutdownTimeout, ...rest } = flags;
      await deps.startServer(
        resolveServerOptions({ ...rest, shutdownTimeoutMs: shutdownTimeout }, env),
      );
    });

  program
    .command("push")
    .description("Push one or more allocations from a YAML file")
    .argument("[file]", `YAML list of allocations (default: ./${DEFAULT_FILE})`)
    .option("--host <url>", HOST_HELP)
    .addHelpText("after", PUSH_HELP)
    .action(async (file, flags) => {
      await pushFile(file, {
        client: client(flags.host),
        output: { stdout, stderr },
        now: now(),
        cwd: deps.cwd ?? Deno.cwd(),
        readTextFile: deps.readTextFile ?? Deno.readTextFile,
      });
    });

  program
    .command("list")
    .description("Get a list of all allocations")
    .option("--host <url>", HOST_HELP)
    .addHelpText("after", "\nExample:\n  docket list | jq -r '.[].Name'")
    .action(async (flags) => {
      stdout(formatJson(await client(flags.host).list()));
    });

  program
    .command("get")
    .description("Get a single allocation by name")
    .argument("<name>", "the allocation's name")
    .option("--host <url>", HOST_HELP)
    .addHelpText("after", "\nExample:\n  docket get foo | jq '.Logs'")
    .action(async (name, flags) => {
      stdout(formatJson(await client(flags.host).get(name)));
    });

  program
    .command("delete")
    .description("Delete an allocation by name")
    .argument("<name>", "the allocation's name")
    .option("--host <url>", HOST_HELP)
    .addHelpText("after", "\nExample:\n  docket delete foo")
    .action(async (name, flags) => {
      await client(flags.host).delete(name);
      stdout(`Deleted ${name}\n`);
    });

  addRunCommands(program, {
    client,
    stdout,
    stderr,
    monotonic: deps.monotonic ?? (() => performance.now()),
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    hostHelp: HOST_HELP,
  });

  program
    .command("next")
    .description("Print the next fire times of a cron expression (local, no server)")
    .argument("<expression...>", "the cron expression, quoted")
    .option(
      "--count <n>",
      `how many fire times to print (default: ${DEFAULT_COUNT})`,
      (value) => parsePositiveInteger(value, "--count"),
    )
    .option("--from <instant>", "start after this ISO 8601 instant (default: now)", parseInstant)
    .option("--tz <zone>", "IANA time zone to read the expression in (default: local)")
    .addHelpText("after", NEXT_HELP)
    .action((words, flags) => {
      const times = nextFireTimes(words.join(" "), {
        count: flags.count ?? DEFAULT_COUNT,
        from: flags.from ?? now(),
        timeZone: flags.tz,
      });
      if (times.length > 0) stdout(`${times.join("\n")}\n`);
    });

  return program;
}

/**
 * Runs the CLI on `args` (without the program name) and returns the exit code: 0 on success
 * (and for `--help`), 1 on any error, printed as `Error: <message>` on standard error. No
 * arguments at all print the help.
 *
 * @example
 * ```ts ignore
 * Deno.exit(await runCli(Deno.args, deps));
 * ```
 */
export async function runCli(args: readonly string[], deps: CliDeps): Promise<number> {
  const program = createProgram(deps);
  try {
    await program.parseAsync(args.length === 0 ? ["--help"] : [...args], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      if (!error.reported) deps.stderr(`Error: ${error.message}\n`);
      return error.exitCode;
    }
    deps.stderr(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function parseShutdownTimeout(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    throw new RangeError(
      `Cannot use --shutdown-timeout "${value}": give a duration such as 30s or 2m`,
    );
  }
}
