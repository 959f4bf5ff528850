/**
 * Allocations: the store and the scheduler kept in step. Creating or updating an allocation
 * commits it to the store and then (re)schedules it; deleting it cancels its future runs;
 * a suspended allocation is kept but not scheduled.
 *
 * @module
 */
import type { AllocationSpec } from "../spec/allocation.ts";
import { type CronSchedule, parseCron } from "../spec/cron.ts";
import type { AllocationStore, PutResult, StoredAllocation } from "../store/store.ts";
import type { Clock } from "./clock.ts";
import type { Scheduler } from "./scheduler.ts";

/** What {@linkcode Allocations} needs. */
export interface AllocationsDeps {
  /** Where allocations live. */
  store: AllocationStore;
  /** Fires them. */
  scheduler: Scheduler;
  /** The clock. */
  clock: Clock;
}

/** The part of an allocation a run needs, held in memory for cheap access at firing time. */
export interface LiveAllocation {
  /** The store's incarnation id. */
  id: number;
  /** The specification. */
  spec: AllocationSpec;
  /** The parsed schedule. */
  schedule: CronSchedule;
}

/** The store and the scheduler, kept in step. */
export class Allocations {
  #store: AllocationStore;
  #scheduler: Scheduler;
  #clock: Clock;
  #live = new Map<string, LiveAllocation>();

  /** Wraps a store and a scheduler. Call {@linkcode Allocations.load} to schedule what is stored. */
  constructor(deps: AllocationsDeps) {
    this.#store = deps.store;
    this.#scheduler = deps.scheduler;
    this.#clock = deps.clock;
  }

  /** The store behind these allocations. */
  get store(): AllocationStore {
    return this.#store;
  }

  /**
   * Schedules every stored allocation from instants strictly after `after` (default: now);
   * returns the names it could not read.
   */
  load(after?: Date): string[] {
    const broken: string[] = [];
    for (const allocation of this.#store.list()) {
      try {
        this.#track(allocation.id, allocation.spec, undefined, after);
      } catch {
        broken.push(allocation.spec.Name);
      }
    }
    return broken;
  }

  /** Every allocation, in creation order. */
  list(): StoredAllocation[] {
    return this.#store.list();
  }

  /** The allocation called `name`, or undefined. */
  get(name: string): StoredAllocation | undefined {
    return this.#store.get(name);
  }

  /** The in-memory view of `name` used at firing time, or undefined. */
  live(name: string): LiveAllocation | undefined {
    return this.#live.get(name);
  }

  /** Commits `spec`, then schedules it from now on (unless it is suspended). */
  put(spec: AllocationSpec, schedule?: CronSchedule): PutResult {
    const result = this.#store.put(spec, new Date(this.#clock.now()));
    this.#track(result.allocation.id, spec, schedule);
    return result;
  }

  /** Sets `Suspended` on `name`; returns the updated allocation, or undefined when unknown. */
  suspend(name: string, suspended: boolean): StoredAllocation | undefined {
    const current = this.#store.get(name);
    if (!current) return undefined;
    const spec = { ...current.spec };
    if (suspended) spec.Suspended = true;
    else delete spec.Suspended;
    return this.put(spec, this.#live.get(name)?.schedule).allocation;
  }

  /** Deletes the allocation called `name` and cancels its future runs. */
  delete(name: string): boolean {
    this.#scheduler.delete(name);
    this.#live.delete(name);
    return this.#store.delete(name);
  }

  /** The next instant `name` runs, or null. */
  next(name: string): Date | null {
    return this.#scheduler.nextRun(name);
  }

  #track(id: number, spec: AllocationSpec, schedule?: CronSchedule, after?: Date): void {
    const parsed = schedule ??
      parseCron(spec.Cron, spec.TimeZone === undefined ? {} : { timeZone: spec.TimeZone });
    this.#live.set(spec.Name, { id, spec, schedule: parsed });
    if (spec.Suspended) this.#scheduler.delete(spec.Name);
    else this.#scheduler.set(spec.Name, parsed, after);
  }
}
