/**
 * The allocation store: the one place allocations and their logs live.
 *
 * Every method returns copies: no caller ever holds the store's own objects (the original
 * docket handed out its internal slice and raced on it). Methods are synchronous: both stores
 * are embedded, and a caller that gets a result knows the change is committed.
 *
 * @module
 */
import type { AllocationSpec } from "../spec/allocation.ts";
import type { NewRun, RunPatch, RunRecord, RunSummary } from "./run_record.ts";

/** An allocation as stored. */
export interface StoredAllocation {
  /** Identity of this incarnation: a new one on each creation, kept across updates. */
  id: number;
  /** The validated specification. */
  spec: AllocationSpec;
  /** Log entries, oldest first, at most the store's `maxLogs`. */
  logs: string[];
  /** When the allocation was created (ISO 8601). */
  createdAt: string;
  /** When the allocation was last created or updated (ISO 8601). */
  updatedAt: string;
}

/** The result of {@linkcode AllocationStore.put}. */
export interface PutResult {
  /** True when the name was new, false when an existing allocation was updated. */
  created: boolean;
  /** The allocation as now stored. */
  allocation: StoredAllocation;
}

/** Where allocations live. */
export interface AllocationStore {
  /** Every allocation, in creation order. */
  list(): StoredAllocation[];
  /** The allocation called `name`, or undefined. */
  get(name: string): StoredAllocation | undefined;
  /** Creates or updates (keeping logs and position) the allocation named `spec.Name`. */
  put(spec: AllocationSpec, now: Date): PutResult;
  /** Deletes the allocation called `name` with its logs; returns whether it existed. */
  delete(name: string): boolean;
  /**
   * Appends a log entry to the allocation `name`, if it is still the incarnation `id`
   * (a run of a deleted allocation never writes into a new one of the same name).
   * Keeps the newest `maxLogs` entries. Returns whether the entry was kept.
   */
  appendLog(name: string, id: number, entry: string): boolean;
  /**
   * Records a new run of the allocation `run.Allocation` (incarnation `allocationId`).
   * Returns false, recording nothing, when the allocation is gone or when a run for the same
   * instant (`ScheduledAt`) is already recorded: an instant never runs twice. Keeps the newest `maxRuns`
   * finished records per allocation.
   */
  beginRun(allocationId: number, run: NewRun): boolean;
  /** Updates a run record; unknown ids are ignored. */
  updateRun(id: string, patch: RunPatch): void;
  /** The runs of `name`, newest first, without output. */
  listRuns(name: string, limit?: number): RunSummary[];
  /** One run of `name`, with output. */
  getRun(name: string, id: string): RunRecord | undefined;
  /** The newest run of `name`, without output. */
  lastRun(name: string): RunSummary | undefined;
  /** Every run still marked `running`, across allocations (for reconciling after a restart). */
  runningRuns(): RunRecord[];
  /** The newest instant of `name` that has a record (scheduled, missed or skipped), or null. */
  lastScheduledAt(name: string): string | null;
  /** Runs `fn` as one transaction: all of its writes are committed together, or none. */
  transaction<T>(fn: () => T): T;
  /** A stable id of this store, for telling our containers from another docket's on a shared engine. */
  readonly instanceId: string;
  /** Releases the store's resources. */
  close(): void;
}

/** Options shared by the stores. */
export interface StoreOptions {
  /** How many log entries to keep per allocation. @default {100} */
  maxLogs?: number;
  /** How many finished run records to keep per allocation. @default {100} */
  maxRuns?: number;
}

/** The default number of log entries kept per allocation. */
export const DEFAULT_MAX_LOGS = 100;

/** The default number of run records kept per allocation. */
export const DEFAULT_MAX_RUNS = 100;
