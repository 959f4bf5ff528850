/**
 * The server's parts wired as `src/server.ts` wires them (store, Scheduler, Allocations, Launcher,
 * the real system clock), with hooks for timing, plus a helper that creates allocations through
 * the normal `validateSpec` + `Allocations.put` path.
 *
 * @module
 */
import type { DockerClient } from "../src/docker/client.ts";
import { BEHIND_REASON } from "../src/server.ts";
import { Allocations } from "../src/scheduler/allocations.ts";
import { systemClock } from "../src/scheduler/clock.ts";
import { Launcher, type RunFunction } from "../src/scheduler/launcher.ts";
import { Scheduler } from "../src/scheduler/scheduler.ts";
import { summarizeFieldErrors, validateSpec } from "../src/spec/allocation.ts";
import { MemoryStore } from "../src/store/memory_store.ts";
import { SqliteStore } from "../src/store/sqlite_store.ts";
import type { AllocationStore } from "../src/store/store.ts";

/** Which store a rig uses: in memory, or a SQLite file in a temporary directory. */
export type StoreKind = "memory" | "sqlite";

/** Options of {@linkcode openRig}. */
export interface RigOptions {
  /** The Docker client the launcher uses. */
  docker: DockerClient;
  /** The run function handed to the launcher. @default {runContainer} */
  run?: RunFunction;
  /** Called by the scheduler's due handler before it hands the instant to the launcher. */
  onDue?: (name: string, instant: Date) => void;
}

/** The wired parts; dispose to stop the scheduler, close the store and remove its file. */
export interface Rig extends AsyncDisposable {
  /** The store. */
  store: AllocationStore;
  /** The scheduler (stopped until started). */
  scheduler: Scheduler;
  /** Store and scheduler in step. */
  allocations: Allocations;
  /** Turns due instants into runs. */
  launcher: Launcher;
  /** Server log lines the launcher wrote (one per finished run). */
  logs: string[];
}

/** Wires a rig on the real clock. */
export async function openRig(kind: StoreKind, options: RigOptions): Promise<Rig> {
  const dir = kind === "sqlite" ? await Deno.makeTempDir({ prefix: "docket-bench-" }) : undefined;
  const store: AllocationStore = dir === undefined
    ? new MemoryStore()
    : new SqliteStore(`${dir}/docket.db`);
  const clock = systemClock;
  const logs: string[] = [];
  const onDue = options.onDue;
  const scheduler = new Scheduler({
    clock,
    onDue: (name, instant) => {
      onDue?.(name, instant);
      launcher.due(name, instant);
    },
    onMissed: (name, instants) => launcher.missed(name, instants, BEHIND_REASON),
  });
  const allocations = new Allocations({ store, scheduler, clock });
  const launcher: Launcher = new Launcher({
    allocations,
    docker: options.docker,
    clock,
    log: (line) => logs.push(line),
    ...(options.run ? { run: options.run } : {}),
  });
  return {
    store,
    scheduler,
    allocations,
    launcher,
    logs,
    async [Symbol.asyncDispose]() {
      scheduler.stop();
      await launcher.drain(10_000);
      store.close();
      if (dir !== undefined) await Deno.remove(dir, { recursive: true });
    },
  };
}

/** The allocation body a user would POST: a busybox-like container, removed after its run. */
export function benchSpec(name: string, cron: string, timeZone = "UTC"): Record<string, unknown> {
  return {
    Name: name,
    Cron: cron,
    TimeZone: timeZone,
    Container: {
      Config: { Image: `docket-bench/${name}:1`, Cmd: ["echo", "hello"] },
      HostConfig: { AutoRemove: true },
    },
  };
}

/**
 * Creates allocations `prefix0 … prefix{n-1}` with `cron` through `validateSpec` and
 * `Allocations.put`, all in one store transaction (a SQLite store otherwise syncs to disk once
 * per allocation, which only slows the setup down).
 */
export function createAllocations(
  allocations: Allocations,
  options: { n: number; cron: string; prefix: string; timeZone?: string },
): void {
  const now = new Date();
  allocations.store.transaction(() => {
    for (let i = 0; i < options.n; i++) {
      const body = benchSpec(`${options.prefix}${i}`, options.cron, options.timeZone);
      const result = validateSpec(body, { now });
      if (!result.ok) {
        throw new Error(`Cannot create allocation: ${summarizeFieldErrors(result.fields)}`);
      }
      allocations.put(result.spec, result.schedule);
    }
  });
}
