/**
 * The in-memory allocation store (`--store memory`): the original docket's behaviour, without its
 * races. Everything is lost when the process ends.
 *
 * @module
 */
import type { AllocationSpec } from "../spec/allocation.ts";
import {
  type NewRun,
  type RunPatch,
  type RunRecord,
  type RunSummary,
  summarizeRun,
} from "./run_record.ts";
import {
  type AllocationStore,
  DEFAULT_MAX_LOGS,
  DEFAULT_MAX_RUNS,
  type PutResult,
  type StoredAllocation,
  type StoreOptions,
} from "./store.ts";

interface Entry {
  allocation: StoredAllocation;
  runs: RunRecord[];
}

/** An {@linkcode AllocationStore} kept in memory. */
export class MemoryStore implements AllocationStore {
  #entries = new Map<string, Entry>();
  #runs = new Map<string, RunRecord>();
  #nextId = 1;
  #maxLogs: number;
  #maxRuns: number;
  readonly instanceId: string = crypto.randomUUID();

  /** Makes an empty store. */
  constructor(options: StoreOptions = {}) {
    this.#maxLogs = options.maxLogs ?? DEFAULT_MAX_LOGS;
    this.#maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
  }

  list(): StoredAllocation[] {
    return [...this.#entries.values()].map((entry) => structuredClone(entry.allocation));
  }

  get(name: string): StoredAllocation | undefined {
    const entry = this.#entries.get(name);
    return entry && structuredClone(entry.allocation);
  }

  put(spec: AllocationSpec, now: Date): PutResult {
    const existing = this.#entries.get(spec.Name);
    const stamp = now.toISOString();
    if (existing) {
      existing.allocation = {
        ...existing.allocation,
        spec: structuredClone(spec),
        updatedAt: stamp,
      };
      return { created: false, allocation: structuredClone(existing.allocation) };
    }
    const allocation: StoredAllocation = {
      id: this.#nextId++,
      spec: structuredClone(spec),
      logs: [],
      createdAt: stamp,
      updatedAt: stamp,
    };
    this.#entries.set(spec.Name, { allocation, runs: [] });
    return { created: true, allocation: structuredClone(allocation) };
  }

  delete(name: string): boolean {
    const entry = this.#entries.get(name);
    if (!entry) return false;
    for (const run of entry.runs) this.#runs.delete(run.Id);
    return this.#entries.delete(name);
  }

  appendLog(name: string, id: number, entry: string): boolean {
    const found = this.#current(name, id);
    if (!found) return false;
    const logs = found.allocation.logs;
    logs.push(entry);
    if (logs.length > this.#maxLogs) logs.splice(0, logs.length - this.#maxLogs);
    return true;
  }

  beginRun(allocationId: number, run: NewRun): boolean {
    const entry = this.#current(run.Allocation, allocationId);
    if (!entry || this.#runs.has(run.Id)) return false;
    if (run.ScheduledAt !== null && entry.runs.some((r) => r.ScheduledAt === run.ScheduledAt)) {
      return false;
    }
    const record: RunRecord = {
      StartedAt: null,
      FinishedAt: null,
      Error: null,
      ...run,
      ContainerId: null,
      ExitCode: null,
      Output: "",
    };
    entry.runs.push(record);
    this.#runs.set(record.Id, record);
    this.#prune(entry);
    return true;
  }

  updateRun(id: string, patch: RunPatch): void {
    const record = this.#runs.get(id);
    if (record) Object.assign(record, structuredClone(patch));
  }

  listRuns(name: string, limit = Infinity): RunSummary[] {
    const runs = this.#entries.get(name)?.runs ?? [];
    return runs.slice().reverse().slice(0, limit).map((run) => summarizeRun(structuredClone(run)));
  }

  getRun(name: string, id: string): RunRecord | undefined {
    const record = this.#runs.get(id);
    return record && record.Allocation === name ? structuredClone(record) : undefined;
  }

  lastRun(name: string): RunSummary | undefined {
    const runs = this.#entries.get(name)?.runs;
    const last = runs?.[runs.length - 1];
    return last && summarizeRun(structuredClone(last));
  }

  runningRuns(): RunRecord[] {
    return [...this.#runs.values()].filter((r) => r.Status === "running").map((r) =>
      structuredClone(r)
    );
  }

  lastScheduledAt(name: string): string | null {
    let newest: string | null = null;
    for (const run of this.#entries.get(name)?.runs ?? []) {
      if (run.ScheduledAt !== null && (newest === null || run.ScheduledAt > newest)) {
        newest = run.ScheduledAt;
      }
    }
    return newest;
  }

  transaction<T>(fn: () => T): T {
    return fn();
  }

  close(): void {}

  #current(name: string, id: number): Entry | undefined {
    const entry = this.#entries.get(name);
    return entry && entry.allocation.id === id ? entry : undefined;
  }

  /** Drops the oldest finished records beyond `maxRuns`. */
  #prune(entry: Entry): void {
    let excess = entry.runs.length - this.#maxRuns;
    if (excess <= 0) return;
    entry.runs = entry.runs.filter((run) => {
      if (excess > 0 && run.Status !== "running") {
        excess--;
        this.#runs.delete(run.Id);
        return false;
      }
      return true;
    });
  }
}
