/**
 * Allocations: the store and the scheduler kept in step. Creating or updating an allocation
 * commits it to the store and then (re)schedules it; deleting it cancels its future runs.
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

/** The store and the scheduler, kept in step. */
export class Allocations {
  #store: AllocationStore;
  #scheduler: Scheduler;
  #clock: Clock;

  /** Wraps a store and a scheduler. Call {@linkcode Allocations.load} to schedule what is stored. */
  constructor(deps: AllocationsDeps) {
    this.#store = deps.store;
    this.#scheduler = deps.scheduler;
    this.#clock = deps.clock;
  }

  /** Schedules every stored allocation; returns how many were scheduled. */
  load(): number {
    let count = 0;
    for (const allocation of this.#store.list()) {
      if (this.#schedule(allocation.spec)) count++;
    }
    return count;
  }

  /** Every allocation, in creation order. */
  list(): StoredAllocation[] {
    return this.#store.list();
  }

  /** The allocation called `name`, or undefined. */
  get(name: string): StoredAllocation | undefined {
    return this.#store.get(name);
  }

  /** Commits `spec`, then schedules it from now on. */
  put(spec: AllocationSpec, schedule?: CronSchedule): PutResult {
    const result = this.#store.put(spec, new Date(this.#clock.now()));
    this.#schedule(spec, schedule);
    return result;
  }

  /** Deletes the allocation called `name` and cancels its future runs. */
  delete(name: string): boolean {
    this.#scheduler.delete(name);
    return this.#store.delete(name);
  }

  /** The next instant `name` runs, or null. */
  next(name: string): Date | null {
    return this.#scheduler.nextRun(name);
  }

  #schedule(spec: AllocationSpec, schedule?: CronSchedule): boolean {
    let parsed = schedule;
    try {
      parsed ??= parseCron(spec.Cron);
    } catch {
      this.#scheduler.delete(spec.Name);
      return false;
    }
    return this.#scheduler.set(spec.Name, parsed) !== null;
  }
}
