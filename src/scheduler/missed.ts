/**
 * Recording instants that passed without a run (docket was down or behind): one `missed` run
 * record per instant, and one log entry saying so.
 *
 * @module
 */
import { logEntry } from "../store/log_entry.ts";
import { type NewRun, newRunId } from "../store/run_record.ts";
import type { AllocationStore } from "../store/store.ts";
import type { LiveAllocation } from "./allocations.ts";

/** What {@linkcode recordMissed} records. */
export interface MissedInstants {
  /** The instants, oldest first. */
  instants: Date[];
  /** Why they were missed. */
  reason: string;
  /** How many further, older instants are only counted in the log entry. */
  unrecorded: number;
  /** The present. */
  now: Date;
}

/**
 * Records `missed.instants` of `live` as `missed` runs (instants already recorded are left
 * alone) and appends one `Missed: …` log entry, in one transaction.
 */
export function recordMissed(
  store: AllocationStore,
  live: LiveAllocation,
  missed: MissedInstants,
): void {
  const { instants, reason, unrecorded, now } = missed;
  const name = live.spec.Name;
  store.transaction(() => {
    const recorded: Date[] = [];
    for (const instant of instants) {
      const run: NewRun = {
        Id: newRunId(instant),
        Allocation: name,
        Trigger: "schedule",
        ScheduledAt: instant.toISOString(),
        Status: "missed",
        FinishedAt: now.toISOString(),
        Error: reason,
      };
      if (store.beginRun(live.id, run)) recorded.push(instant);
    }
    const count = recorded.length + unrecorded;
    if (count === 0) return;
    const first = recorded[0]?.toISOString();
    const last = recorded.at(-1)?.toISOString();
    let what = count === 1 && first ? first : `${count} instants`;
    if (count > 1 && unrecorded > 0) what += ` (the newest ${recorded.length} recorded as runs)`;
    if (count > 1 && last) what += ` up to ${last}`;
    store.appendLog(name, live.id, logEntry(now, `Missed: ${what} (${reason})`));
  });
}
