/**
 * How an allocation reads in the API: the original docket's keys (`Name`, `Cron`, `Container`,
 * `Logs`) and new ones in the same PascalCase style.
 *
 * @module
 */
import type { ConcurrencyPolicy, ContainerSpec, PullPolicy } from "../spec/allocation.ts";
import type { RunSummary } from "../store/run_record.ts";
import type { StoredAllocation } from "../store/store.ts";

/** An allocation as the API shows it. */
export interface AllocationView {
  /** The allocation's name. */
  Name: string;
  /** Its cron expression, as written. */
  Cron: string;
  /** Docker's create-container options, as given. */
  Container: ContainerSpec;
  /** The IANA zone `Cron` is read in, or null for the server's. */
  TimeZone: string | null;
  /** What happens to overlapping runs. */
  ConcurrencyPolicy: ConcurrencyPolicy;
  /** The longest a run may take, or null for no limit. */
  Timeout: string | null;
  /** When the image is pulled. */
  PullPolicy: PullPolicy;
  /** Whether scheduling is suspended. */
  Suspended: boolean;
  /** How late a missed instant may still run after a restart, or null for never. */
  StartingDeadline: string | null;
  /** Log entries, oldest first: `<RFC 3339 time>, [<event>]`. */
  Logs: string[];
  /** The next instant it runs (ISO 8601, UTC), or null when it does not run again. */
  Next: string | null;
  /** The newest run record (without output), or null. */
  LastRun: RunSummary | null;
}

/** The API's view of a stored allocation. */
export function allocationView(
  allocation: StoredAllocation,
  next: Date | null,
  lastRun: RunSummary | undefined,
): AllocationView {
  const spec = allocation.spec;
  return {
    Name: spec.Name,
    Cron: spec.Cron,
    Container: spec.Container,
    TimeZone: spec.TimeZone ?? null,
    ConcurrencyPolicy: spec.ConcurrencyPolicy ?? "Allow",
    Timeout: spec.Timeout ?? null,
    PullPolicy: spec.PullPolicy ?? "Always",
    Suspended: spec.Suspended ?? false,
    StartingDeadline: spec.StartingDeadline ?? null,
    Logs: allocation.logs,
    Next: next ? next.toISOString() : null,
    LastRun: lastRun ?? null,
  };
}
