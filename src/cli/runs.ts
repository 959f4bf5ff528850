/**
 * What the run commands (`runs`, `logs`, `run`) do beyond a single request: find an allocation's
 * last run, wait for a run to end, turn its outcome into an exit code, and show run lists as a
 * table.
 *
 * @module
 */
import { formatDuration } from "../spec/duration.ts";
import type { RunRecord, RunSummary } from "../store/run_record.ts";
import type { ApiClient } from "./api_client.ts";
import { CliError } from "./cli_error.ts";

/** How long the server is asked to hold each wait request, in milliseconds. */
export const POLL_WAIT_MS = 30_000;

/**
 * The least time between two requests for a run that is still going, in milliseconds: a server
 * that answers before the wait is over (one that is not following the run) is not hammered.
 */
export const MIN_POLL_INTERVAL_MS = 1_000;

/**
 * The id of the newest run of `name`.
 *
 * @throws {CliError} `allocation "foo" has no runs yet`
 */
export async function lastRunId(client: ApiClient, name: string): Promise<string> {
  const [last] = await client.runs(name, 1);
  if (last === undefined) throw new CliError(`allocation "${name}" has no runs yet`);
  return last.Id;
}

/** Which run: an allocation's name and a run id. */
export interface RunRef {
  /** The allocation's name. */
  name: string;
  /** The run's id. */
  id: string;
}

/** Options for {@linkcode waitForRun}. */
export interface WaitOptions {
  /** Give up after this many milliseconds. @default {never} */
  timeoutMs?: number | undefined;
  /** A monotonic clock in milliseconds (`performance.now`). */
  now: () => number;
  /** Resolves after `ms` milliseconds. */
  sleep: (ms: number) => Promise<void>;
}

/**
 * Waits until run `id` of `name` is no longer `running` and returns its record, with output. Each
 * request long-polls the server for at most {@linkcode POLL_WAIT_MS} (less when the timeout is
 * nearer); at least one request is made, however short the timeout.
 *
 * @example
 * ```ts ignore
 * const run = await waitForRun(client, { name: "foo", id }, { now: () => performance.now(), sleep });
 * ```
 *
 * @throws {CliError} when the run is still going after `timeoutMs` (the run goes on)
 */
export async function waitForRun(
  client: ApiClient,
  run: RunRef,
  options: WaitOptions,
): Promise<RunRecord> {
  const { name, id } = run;
  const { now, sleep, timeoutMs } = options;
  const deadline = timeoutMs === undefined ? Infinity : now() + timeoutMs;
  for (;;) {
    const before = now();
    const waitMs = Math.min(POLL_WAIT_MS, Math.max(0, deadline - before));
    const record = await client.run(name, id, { waitMs });
    if (record.Status !== "running") return record;
    const after = now();
    if (after >= deadline) {
      throw new CliError(
        `Cannot wait for run ${id} of allocation "${name}": it is still running after ` +
          `${formatDuration(timeoutMs ?? 0)} (it goes on; see docket logs ${name} ${id} later)`,
      );
    }
    const pause = Math.min(before + MIN_POLL_INTERVAL_MS, deadline) - after;
    if (pause > 0) await sleep(pause);
  }
}

/** How a finished run ends the `docket run --wait` process. */
export interface RunOutcome {
  /** The process's exit code: 0, the container's exit code, or 1. */
  exitCode: number;
  /** The line for standard error, with its newline. */
  message: string;
}

/**
 * The exit code and closing line of a finished run: exit 0 when it succeeded, the container's
 * exit code when it failed, and for any other status (`timeout`, `error`) `Error: <the run's
 * Error>` with the container's exit code when it has a non-zero one, else 1.
 */
export function runOutcome(run: RunSummary): RunOutcome {
  const code = run.ExitCode;
  const exitCode = typeof code === "number" && Number.isInteger(code) && code >= 1 && code <= 255
    ? code
    : 1;
  const note = run.Error === null || run.Error === "" ? "" : `: ${run.Error}`;
  const what = `Run ${run.Id} of ${run.Allocation}`;
  switch (run.Status) {
    case "succeeded":
      return { exitCode: 0, message: `${what} succeeded${note}\n` };
    case "failed":
      return { exitCode, message: `${what} failed with exit code ${code ?? "unknown"}${note}\n` };
    default:
      return {
        exitCode,
        message: `Error: ${run.Error || `${what} ended with status ${run.Status}`}\n`,
      };
  }
}

/**
 * A note for standard error when a run's output does not tell the whole story (it is still going,
 * or it ended without a container exit), else undefined.
 */
export function logsNote(run: RunSummary): string | undefined {
  const what = `run ${run.Id} of ${run.Allocation}`;
  if (run.Status === "running") {
    return `Note: ${what} is still running; its output is recorded when it ends\n`;
  }
  if (run.Status === "succeeded" || run.Status === "failed") return undefined;
  const why = run.Error === null || run.Error === "" ? "" : `: ${run.Error}`;
  return `Note: ${what} ended with status ${run.Status}${why}\n`;
}

const COLUMNS = ["ID", "STATUS", "EXIT", "SCHEDULED", "STARTED", "TOOK"];

/**
 * Run summaries as a compact table for people, one run per line under a header, columns
 * separated by two spaces; `-` for what a run does not have.
 *
 * @example
 * ```ts ignore
 * formatRunTable(runs);
 * // ID                         STATUS     EXIT  SCHEDULED                 STARTED                   TOOK
 * // 20260310T102100Z-9f2c4a1b  succeeded  0     2026-03-10T10:21:00.000Z  2026-03-10T10:21:00.012Z  1.2s
 * ```
 */
export function formatRunTable(runs: readonly RunSummary[]): string {
  const rows = [
    COLUMNS,
    ...runs.map((run) => [
      run.Id,
      run.Status,
      run.ExitCode === null ? "-" : String(run.ExitCode),
      run.ScheduledAt ?? "-",
      run.StartedAt ?? "-",
      took(run),
    ]),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd() + "\n")
    .join("");
}

function took(run: RunSummary): string {
  if (run.StartedAt === null || run.FinishedAt === null) return "-";
  const ms = Date.parse(run.FinishedAt) - Date.parse(run.StartedAt);
  return Number.isFinite(ms) && ms >= 0 ? formatDuration(ms) : "-";
}
