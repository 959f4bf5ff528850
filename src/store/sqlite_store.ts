/**
 * The durable allocation store: one SQLite file through `node:sqlite`, in WAL mode.
 *
 * Changes to allocations are committed with `synchronous=FULL` before the call returns, so an
 * accepted allocation survives a `kill -9` and a power loss. Logs and run records are committed
 * with `synchronous=NORMAL` (they survive a killed process; a power loss may lose the last few).
 *
 * @module
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { AllocationSpec } from "../spec/allocation.ts";
import { migrate } from "./migrations.ts";
import {
  type NewRun,
  type RunPatch,
  type RunRecord,
  type RunStatus,
  type RunSummary,
  type RunTrigger,
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

interface AllocationRow {
  id: number;
  name: string;
  spec: string;
  createdAt: string;
  updatedAt: string;
}

interface RunRow {
  id: string;
  allocation: string;
  trigger: string;
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  containerId: string | null;
  exitCode: number | null;
  status: string;
  error: string | null;
  output: string;
}

const ALLOCATION_SELECT =
  "SELECT id, name, spec, created_at AS createdAt, updated_at AS updatedAt " +
  "FROM allocations";

const RUN_FIELDS =
  "id, allocation, trigger, scheduled_at AS scheduledAt, started_at AS startedAt, " +
  "finished_at AS finishedAt, container_id AS containerId, exit_code AS exitCode, status, error";

const RUN_COLUMNS: Record<keyof RunPatch, string> = {
  StartedAt: "started_at",
  FinishedAt: "finished_at",
  ContainerId: "container_id",
  ExitCode: "exit_code",
  Status: "status",
  Error: "error",
  Output: "output",
};

/** An {@linkcode AllocationStore} in a SQLite file. */
export class SqliteStore implements AllocationStore {
  #db: DatabaseSync;
  #maxLogs: number;
  #maxRuns: number;
  #depth = 0;
  #statements = new Map<string, StatementSync>();
  readonly instanceId: string;

  /**
   * Opens (creating and migrating as needed) the store at `path`; `":memory:"` makes a private
   * in-memory database.
   *
   * @throws {Error} "Cannot open store …" when the file cannot be opened or is not a docket store
   */
  constructor(path: string, options: StoreOptions = {}) {
    this.#maxLogs = options.maxLogs ?? DEFAULT_MAX_LOGS;
    this.#maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
    try {
      this.#db = new DatabaseSync(path);
    } catch (error) {
      throw new Error(`Cannot open store ${path}: ${describe(error)}`, { cause: error });
    }
    try {
      this.#db.exec("PRAGMA journal_mode = WAL");
      this.#db.exec("PRAGMA synchronous = NORMAL");
      this.#db.exec("PRAGMA foreign_keys = ON");
      this.#db.exec("PRAGMA busy_timeout = 5000");
      migrate(this.#db, path);
      this.instanceId = this.#instanceId();
    } catch (error) {
      this.#db.close();
      if (error instanceof Error && error.message.startsWith("Cannot ")) throw error;
      throw new Error(`Cannot open store ${path}: ${describe(error)}`, { cause: error });
    }
  }

  list(): StoredAllocation[] {
    const rows = this.#all<AllocationRow>(`${ALLOCATION_SELECT} ORDER BY id`);
    return rows.map((row) => this.#allocation(row));
  }

  get(name: string): StoredAllocation | undefined {
    const row = this.#get<AllocationRow>(`${ALLOCATION_SELECT} WHERE name = ?`, name);
    return row && this.#allocation(row);
  }

  put(spec: AllocationSpec, now: Date): PutResult {
    return this.#durably(() => {
      const stamp = now.toISOString();
      const json = JSON.stringify(spec);
      const existing = this.#get<{ id: number }>(
        "SELECT id FROM allocations WHERE name = ?",
        spec.Name,
      );
      if (existing) {
        this.#run(
          "UPDATE allocations SET spec = ?, updated_at = ? WHERE id = ?",
          json,
          stamp,
          existing.id,
        );
      } else {
        this.#run(
          "INSERT INTO allocations (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?)",
          spec.Name,
          json,
          stamp,
          stamp,
        );
      }
      return { created: !existing, allocation: this.get(spec.Name) as StoredAllocation };
    });
  }

  delete(name: string): boolean {
    return this.#durably(() =>
      this.#run("DELETE FROM allocations WHERE name = ?", name).changes > 0
    );
  }

  appendLog(name: string, id: number, entry: string): boolean {
    return this.transaction(() => {
      if (!this.#isCurrent(name, id)) return false;
      this.#run("INSERT INTO logs (allocation_id, entry) VALUES (?, ?)", id, entry);
      this.#run(
        `DELETE FROM logs WHERE allocation_id = ? AND seq <= (
           SELECT seq FROM logs WHERE allocation_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
        id,
        id,
        this.#maxLogs,
      );
      return true;
    });
  }

  beginRun(allocationId: number, run: NewRun): boolean {
    return this.transaction(() => {
      if (!this.#isCurrent(run.Allocation, allocationId)) return false;
      const inserted = this.#run(
        `INSERT INTO runs (id, allocation_id, allocation, trigger, scheduled_at, started_at,
           finished_at, status, error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        run.Id,
        allocationId,
        run.Allocation,
        run.Trigger,
        run.ScheduledAt,
        run.StartedAt ?? null,
        run.FinishedAt ?? null,
        run.Status,
        run.Error ?? null,
      );
      if (inserted.changes === 0) return false;
      // Drop the oldest finished records beyond maxRuns; running ones stay.
      this.#run(
        `DELETE FROM runs WHERE seq IN (
           SELECT seq FROM runs WHERE allocation_id = ? AND status != 'running' ORDER BY seq
           LIMIT max(0, (SELECT count(*) FROM runs WHERE allocation_id = ?) - ?))`,
        allocationId,
        allocationId,
        this.#maxRuns,
      );
      return true;
    });
  }

  updateRun(id: string, patch: RunPatch): void {
    const keys = Object.keys(patch) as (keyof RunPatch)[];
    if (keys.length === 0) return;
    const sets = keys.map((key) => `${RUN_COLUMNS[key]} = ?`).join(", ");
    const values = keys.map((key) => (patch[key] ?? null) as SQLInputValue);
    this.#run(`UPDATE runs SET ${sets} WHERE id = ?`, ...values, id);
  }

  listRuns(name: string, limit = -1): RunSummary[] {
    const rows = this.#all<RunRow>(
      `SELECT ${RUN_FIELDS}, '' AS output FROM runs WHERE allocation = ? ORDER BY seq DESC LIMIT ?`,
      name,
      limit,
    );
    return rows.map((row) => summarizeRun(toRun(row)));
  }

  getRun(name: string, id: string): RunRecord | undefined {
    const row = this.#get<RunRow>(
      `SELECT ${RUN_FIELDS}, output FROM runs WHERE id = ? AND allocation = ?`,
      id,
      name,
    );
    return row && toRun(row);
  }

  lastRun(name: string): RunSummary | undefined {
    return this.listRuns(name, 1)[0];
  }

  runningRuns(): RunRecord[] {
    return this.#all<RunRow>(
      `SELECT ${RUN_FIELDS}, output FROM runs WHERE status = 'running' ORDER BY seq`,
    ).map(toRun);
  }

  lastScheduledAt(name: string): string | null {
    const row = this.#get<{ at: string | null }>(
      "SELECT max(scheduled_at) AS at FROM runs WHERE allocation = ?",
      name,
    );
    return row?.at ?? null;
  }

  transaction<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    this.#db.exec("BEGIN IMMEDIATE");
    this.#depth++;
    try {
      const result = fn();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    } finally {
      this.#depth--;
    }
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  /** Runs `fn` in a transaction committed with `synchronous=FULL`. */
  #durably<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    this.#db.exec("PRAGMA synchronous = FULL");
    try {
      return this.transaction(fn);
    } finally {
      this.#db.exec("PRAGMA synchronous = NORMAL");
    }
  }

  #isCurrent(name: string, id: number): boolean {
    return this.#get("SELECT 1 AS ok FROM allocations WHERE id = ? AND name = ?", id, name) !==
      undefined;
  }

  #allocation(row: AllocationRow): StoredAllocation {
    const logs = this.#all<{ entry: string }>(
      "SELECT entry FROM logs WHERE allocation_id = ? ORDER BY seq",
      row.id,
    ).map((log) => log.entry);
    return {
      id: row.id,
      spec: JSON.parse(row.spec),
      logs,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  #instanceId(): string {
    const row = this.#get<{ value: string }>("SELECT value FROM meta WHERE key = 'instance_id'");
    if (row) return row.value;
    const id = crypto.randomUUID();
    this.#run("INSERT INTO meta (key, value) VALUES ('instance_id', ?)", id);
    return id;
  }

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #run(sql: string, ...params: SQLInputValue[]) {
    return this.#statement(sql).run(...params);
  }

  #get<T>(sql: string, ...params: SQLInputValue[]): T | undefined {
    return this.#statement(sql).get(...params) as T | undefined;
  }

  #all<T>(sql: string, ...params: SQLInputValue[]): T[] {
    return this.#statement(sql).all(...params) as T[];
  }
}

function toRun(row: RunRow): RunRecord {
  return {
    Id: row.id,
    Allocation: row.allocation,
    Trigger: row.trigger as RunTrigger,
    ScheduledAt: row.scheduledAt,
    StartedAt: row.startedAt,
    FinishedAt: row.finishedAt,
    ContainerId: row.containerId,
    ExitCode: row.exitCode === null ? null : Number(row.exitCode),
    Status: row.status as RunStatus,
    Error: row.error,
    Output: row.output,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
