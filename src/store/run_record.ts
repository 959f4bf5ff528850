/**
 * Run records: what happened at each instant of an allocation, kept after the container is gone
 * and across restarts.
 *
 * @module
 */

/** How a run ended, or that it is still going. */
export type RunStatus =
  | "running"
  | "succeeded"
  | "failed"
  | "timeout"
  | "error"
  | "missed"
  | "skipped";

/** Every status, in documentation order. */
export const RUN_STATUSES: readonly RunStatus[] = [
  "running",
  "succeeded",
  "failed",
  "timeout",
  "error",
  "missed",
  "skipped",
];

/** Why a run happened. */
export type RunTrigger = "schedule" | "manual" | "late";

/** One run of an allocation, as the API shows it. */
export interface RunRecord {
  /** The run's id, also the container's `docket.run` label. */
  Id: string;
  /** The allocation's name. */
  Allocation: string;
  /** `schedule` (a cron instant), `manual` (`POST /:name/run`) or `late` (a missed instant run within `StartingDeadline`). */
  Trigger: RunTrigger;
  /** The cron instant this run is for (ISO 8601), or null for a manual run. */
  ScheduledAt: string | null;
  /** When docket began the run (ISO 8601), or null when it never began (missed, skipped). */
  StartedAt: string | null;
  /** When the run ended (ISO 8601), or null while running. */
  FinishedAt: string | null;
  /** The container's id, once created. */
  ContainerId: string | null;
  /** The container's exit code, once exited. */
  ExitCode: number | null;
  /** How it ended. */
  Status: RunStatus;
  /** What went wrong, or why it was missed or skipped. */
  Error: string | null;
  /** The last 64 KiB of the container's stdout and stderr, interleaved. */
  Output: string;
}

/** A run record without its output, as run lists show it. */
export type RunSummary = Omit<RunRecord, "Output">;

/** What a new run record starts with. */
export type NewRun =
  & Pick<RunRecord, "Id" | "Allocation" | "Trigger" | "ScheduledAt" | "Status">
  & Partial<Pick<RunRecord, "StartedAt" | "FinishedAt" | "Error">>;

/** What may change in a run record after it is begun. */
export type RunPatch = Partial<
  Pick<
    RunRecord,
    "StartedAt" | "FinishedAt" | "ContainerId" | "ExitCode" | "Status" | "Error" | "Output"
  >
>;

/** Strips the output from a record. */
export function summarizeRun(run: RunRecord): RunSummary {
  const { Output: _output, ...summary } = run;
  return summary;
}

/** Random bytes for run ids, drawn from the system's generator in blocks (ids come in bursts). */
const pool = new Uint32Array(1024);
let poolIndex = pool.length;
let lastSecond = NaN;
let lastStamp = "";

/**
 * A new run id: sortable by time, unique, and valid as a Docker label value and a URL segment,
 * e.g. `20260310T102100Z-9f2c4a1b`.
 */
export function newRunId(now: Date): string {
  const second = Math.floor(now.getTime() / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastStamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
  }
  if (poolIndex === pool.length) {
    crypto.getRandomValues(pool);
    poolIndex = 0;
  }
  const random = (pool[poolIndex++] as number).toString(16).padStart(8, "0");
  return `${lastStamp}-${random}`;
}
