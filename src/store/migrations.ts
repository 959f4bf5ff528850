/**
 * The SQLite schema, as numbered migrations. `PRAGMA user_version` records how many have been
 * applied; each runs in its own transaction, so a crash mid-migration leaves the previous version.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** The migrations, in order: migration `i` takes the schema from version `i` to `i + 1`. */
export const MIGRATIONS: readonly string[] = [
  // 1: allocations, their logs, run records, and the store's identity.
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE allocations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    spec TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    allocation_id INTEGER NOT NULL REFERENCES allocations(id) ON DELETE CASCADE,
    entry TEXT NOT NULL
  );
  CREATE INDEX logs_by_allocation ON logs(allocation_id, seq);
  CREATE TABLE runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    allocation_id INTEGER NOT NULL REFERENCES allocations(id) ON DELETE CASCADE,
    allocation TEXT NOT NULL,
    trigger TEXT NOT NULL,
    scheduled_at TEXT,
    started_at TEXT,
    finished_at TEXT,
    container_id TEXT,
    exit_code INTEGER,
    status TEXT NOT NULL,
    error TEXT,
    output TEXT NOT NULL DEFAULT ''
  );
  CREATE UNIQUE INDEX runs_once_per_instant ON runs(allocation_id, scheduled_at)
    WHERE scheduled_at IS NOT NULL;
  CREATE INDEX runs_by_allocation ON runs(allocation_id, seq);
  CREATE INDEX runs_running ON runs(status) WHERE status = 'running';
  `,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings `db` up to {@linkcode SCHEMA_VERSION}. Returns the version it found.
 *
 * @throws {Error} when the file was written by a newer docket
 */
export function migrate(db: DatabaseSync, path: string): number {
  const found = Number(
    (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version,
  );
  if (found > SCHEMA_VERSION) {
    throw new Error(
      `Cannot open store ${path}: its schema version ${found} is newer than this docket's ${SCHEMA_VERSION}; upgrade docket`,
    );
  }
  for (let version = found; version < SCHEMA_VERSION; version++) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(MIGRATIONS[version] as string);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw new Error(`Cannot migrate store ${path} to schema version ${version + 1}: ${error}`, {
        cause: error,
      });
    }
  }
  return found;
}
