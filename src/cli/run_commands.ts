/**
 * The commands about runs and controls: `runs`, `logs`, `run`, `suspend` and `resume`, added to
 * the `docket` program by {@linkcode addRunCommands}.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { parseDuration } from "../spec/duration.ts";
import type { ApiClient } from "./api_client.ts";
import { CliError } from "./cli_error.ts";
import { formatJson, type Writer } from "./output.ts";
import { formatRunTable, lastRunId, logsNote, runOutcome, waitForRun } from "./runs.ts";
import { parsePositiveInteger } from "./server_options.ts";

/** What the run commands need from the program. */
export interface RunCommandsDeps {
  /** Makes the client of the server at `--host` (undefined: `$DOCKET_HOST` or the default). */
  client: (host: string | undefined) => ApiClient;
  /** Standard output: results. */
  stdout: Writer;
  /** Standard error: request lines, notes and errors. */
  stderr: Writer;
  /** A monotonic clock in milliseconds, for `run --timeout`. */
  monotonic: () => number;
  /** Resolves after `ms` milliseconds. */
  sleep: (ms: number) => Promise<void>;
  /** The help text of `--host`. */
  hostHelp: string;
}

const RUNS_HELP = `
Each run record has Id, Allocation, Trigger (schedule, manual or late), ScheduledAt (null for a
manual run), StartedAt, FinishedAt, ContainerId, ExitCode, Status and Error. Status is one of
running, succeeded, failed, timeout, error, missed, skipped. docket logs shows a run's output.

Examples:
  docket runs foo | jq -r '.[] | select(.Status == "failed") | .Id'
  docket runs foo --limit 10 --table`;

const LOGS_HELP = `
Prints the output as is (the last 64 KiB of the container's stdout and stderr, interleaved) on
stdout, and nothing else, so that it pipes. A run's output is recorded when the run ends.

Examples:
  docket logs foo                              the newest run's output
  docket logs foo 20260310T102100Z-9f2c4a1b    one run's output (ids: docket runs foo)
  docket logs foo | grep -i error`;

const RUN_HELP = `
The run starts now, whatever the schedule (also when the allocation is suspended), and its
ConcurrencyPolicy applies: with Forbid, a run still going makes this fail.

Without --wait, prints the new run's id on stdout. With --wait, waits for the run to end, prints
its output on stdout and exits with the container's exit code; a run that ended without one (an
image pull error, a Timeout) prints Error: and what went wrong, and exits 1. When --timeout
passes first, the command exits 1 and the run goes on.

Examples:
  docket run foo
  docket run foo --wait > foo.log && echo "foo succeeded"
  docket run foo --wait --timeout 10m`;

const SUSPEND_HELP = `
A suspended allocation keeps its settings and runs, but no new run starts at its cron instants
(runs in flight go on, and docket run still starts one). docket resume schedules it again, from
the next instant on; so does pushing the allocation again without Suspended: true.

Example:
  docket suspend foo`;

const RESUME_HELP = `
Instants that passed while it was suspended are not made up for.

Example:
  docket resume foo`;

/** Adds `runs`, `logs`, `run`, `suspend` and `resume` to `program`. */
export function addRunCommands(program: Command, deps: RunCommandsDeps): void {
  const { client, stdout, stderr, hostHelp } = deps;

  program
    .command("runs")
    .description("List an allocation's runs, newest first (JSON, without output)")
    .argument("<name>", "the allocation's name")
    .option(
      "--limit <n>",
      "list at most this many runs (default: every run the server keeps)",
      (value) => parsePositiveInteger(value, "--limit"),
    )
    .option("--table", "print a table for people instead of JSON")
    .option("--host <url>", hostHelp)
    .addHelpText("after", RUNS_HELP)
    .action(async (name, flags) => {
      const runs = await client(flags.host).runs(name, flags.limit);
      stdout(flags.table ? formatRunTable(runs) : formatJson(runs));
    });

  program
    .command("logs")
    .description("Print the output of a run (default: the newest)")
    .argument("<name>", "the allocation's name")
    .argument("[run-id]", "the run's id (default: the newest run)")
    .option("--host <url>", hostHelp)
    .addHelpText("after", LOGS_HELP)
    .action(async (name, runId, flags) => {
      const api = client(flags.host);
      const run = await api.run(name, runId ?? await lastRunId(api, name));
      const note = logsNote(run);
      if (note !== undefined) stderr(note);
      stdout(run.Output);
    });

  program
    .command("run")
    .description("Start a run now (--wait: wait for it and print its output)")
    .argument("<name>", "the allocation's name")
    .option("--wait", "wait for the run to end, print its output, exit with its exit code")
    .option(
      "--timeout <duration>",
      "with --wait: give up waiting after this long, e.g. 90s or 5m (default: never)",
      parseTimeout,
    )
    .option("--host <url>", hostHelp)
    .addHelpText("after", RUN_HELP)
    .action(async (name, flags) => {
      if (flags.timeout !== undefined && !flags.wait) {
        throw new CliError("Cannot use --timeout without --wait");
      }
      const api = client(flags.host);
      const id = await api.trigger(name);
      stderr(`Started run ${id} of ${name}\n`);
      if (!flags.wait) {
        stdout(`${id}\n`);
        return;
      }
      const run = await waitForRun(api, { name, id }, {
        timeoutMs: flags.timeout,
        now: deps.monotonic,
        sleep: deps.sleep,
      });
      stdout(run.Output);
      const outcome = runOutcome(run);
      stderr(outcome.message);
      if (outcome.exitCode !== 0) {
        throw new CliError(outcome.message.trimEnd(), {
          exitCode: outcome.exitCode,
          reported: true,
        });
      }
    });

  program
    .command("suspend")
    .description("Stop scheduling an allocation (it keeps its settings and runs)")
    .argument("<name>", "the allocation's name")
    .option("--host <url>", hostHelp)
    .addHelpText("after", SUSPEND_HELP)
    .action(async (name, flags) => {
      await client(flags.host).suspend(name);
      stdout(`Suspended ${name}\n`);
    });

  program
    .command("resume")
    .description("Schedule a suspended allocation again")
    .argument("<name>", "the allocation's name")
    .option("--host <url>", hostHelp)
    .addHelpText("after", RESUME_HELP)
    .action(async (name, flags) => {
      await client(flags.host).resume(name);
      stdout(`Resumed ${name}\n`);
    });
}

function parseTimeout(value: string): number {
  let ms: number | undefined;
  try {
    ms = parseDuration(value);
  } catch {
    ms = undefined;
  }
  if (ms === undefined || !(ms > 0)) {
    throw new RangeError(`Cannot use --timeout "${value}": give a duration such as 90s or 5m`);
  }
  return ms;
}
