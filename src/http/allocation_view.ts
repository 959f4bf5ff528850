/**
 * How an allocation reads in the API: the original docket's keys (`Name`, `Cron`, `Container`,
 * `Logs`) and new ones in the same PascalCase style (`Next`).
 *
 * @module
 */
import type { ContainerSpec } from "../spec/allocation.ts";
import type { StoredAllocation } from "../store/store.ts";

/** An allocation as the API shows it. */
export interface AllocationView {
  /** The allocation's name. */
  Name: string;
  /** Its cron expression, as written. */
  Cron: string;
  /** Docker's create-container options, as given. */
  Container: ContainerSpec;
  /** Log entries, oldest first: `<RFC 3339 time>, [<event>]`. */
  Logs: string[];
  /** The next instant it runs (ISO 8601, UTC), or null when it never runs again. */
  Next: string | null;
}

/** The API's view of a stored allocation. */
export function allocationView(allocation: StoredAllocation, next: Date | null): AllocationView {
  return {
    Name: allocation.spec.Name,
    Cron: allocation.spec.Cron,
    Container: allocation.spec.Container,
    Logs: allocation.logs,
    Next: next ? next.toISOString() : null,
  };
}
