/**
 * The launcher: turns due instants into runs. Each instant is recorded in the store before its
 * container is touched (so an instant never runs twice, even across a crash), then run through
 * the run pipeline concurrently with every other allocation's runs, applying the allocation's
 * `ConcurrencyPolicy`, `Timeout` and `PullPolicy`. Events become the allocation's `Logs`; the
 * outcome becomes its run record.
 *
 * @module
 */
import {
  runContainer,
  type RunDocker,
  type RunRequest,
  type RunResult,
} from "../run/run_container.ts";
import { formatRunEvent, type RunEvent } from "../run/run_events.ts";
import { clearLongTimeout, type LongTimer, setLongTimeout } from "../run/long_timer.ts";
import type { ContainerSpec } from "../spec/allocation.ts";
import { parseDuration } from "../spec/duration.ts";
import { logEntry } from "../store/log_entry.ts";
import { type NewRun, newRunId, type RunRecord, type RunTrigger } from "../store/run_record.ts";
import { type AdoptDocker, followContainer, type FollowOptions } from "./adopt.ts";
import { labelled } from "./labels.ts";
import { recordMissed } from "./missed.ts";
import type { Allocations, LiveAllocation } from "./allocations.ts";
import type { Clock } from "./clock.ts";

/** The Docker calls the launcher makes: running containers and following adopted ones. */
export type LauncherDocker = RunDocker & AdoptDocker;

/** Runs one container; {@linkcode runContainer} unless a test injects another. */
export type RunFunction = (docker: RunDocker, request: RunRequest) => Promise<RunResult>;

/** What the launcher needs. */
export interface LauncherDeps {
  /** The allocations (store and scheduler). */
  allocations: Allocations;
  /** The Docker Engine. */
  docker: LauncherDocker;
  /** The clock. */
  clock: Clock;
  /** Runs one container. @default {runContainer} */
  run?: RunFunction;
  /** Where one line per finished run goes. @default {console.error} */
  log?: (line: string) => void;
  /** Grace period before a stopped container is killed, in seconds. @default {10} */
  stopGraceSeconds?: number;
  /**
   * How many runs may use the engine at once; later ones wait their turn (their record says
   * `running` from the instant on, and `StartedAt` when they get their turn). 0: no limit.
   * @default {0}
   */
  maxConcurrentRuns?: number;
}

/** Why a manual run could not be started. */
export class LaunchError extends Error {
  /** 404 for an unknown allocation, 409 when its policy forbids another run now. */
  readonly status: 404 | 409;

  /** Makes the error. */
  constructor(status: 404 | 409, message: string) {
    super(message);
    this.name = "LaunchError";
    this.status = status;
  }
}

interface Flight {
  id: string;
  name: string;
  controller: AbortController;
  done: Promise<void>;
}

interface Start {
  live: LiveAllocation;
  id: string;
  trigger: RunTrigger;
  scheduledAt: string | null;
}

/** Turns due instants into runs. */
export class Launcher {
  #allocations: Allocations;
  #docker: LauncherDocker;
  #clock: Clock;
  #run: RunFunction;
  #log: (line: string) => void;
  #grace: number;
  #queue: { name: string; instant: Date; trigger: RunTrigger }[] = [];
  #flushQueued = false;
  #flights = new Map<string, Flight>();
  #byName = new Map<string, Set<Flight>>();
  #maxConcurrent: number;
  #active = 0;
  #waiting: (() => void)[] = [];

  /** Makes a launcher; nothing runs until {@linkcode Launcher.due} or {@linkcode Launcher.trigger}. */
  constructor(deps: LauncherDeps) {
    this.#allocations = deps.allocations;
    this.#docker = deps.docker;
    this.#clock = deps.clock;
    this.#run = deps.run ?? runContainer;
    // deno-lint-ignore no-console
    this.#log = deps.log ?? ((line) => console.error(line));
    this.#grace = deps.stopGraceSeconds ?? 10;
    this.#maxConcurrent = deps.maxConcurrentRuns ?? 0;
  }

  /** Whether run `id` is in flight in this process. */
  has(id: string): boolean {
    return this.#flights.has(id);
  }

  /** How many runs are in flight (for `name`, or in all). */
  running(name?: string): number {
    return name === undefined ? this.#flights.size : this.#byName.get(name)?.size ?? 0;
  }

  /**
   * The scheduler's due handler: queues the instant; every instant queued in the same tick is
   * recorded in one transaction, then launched.
   */
  due(name: string, instant: Date, trigger: RunTrigger = "schedule"): void {
    this.#queue.push({ name, instant, trigger });
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => this.#flush());
  }

  /**
   * Records instants that passed without a run, with the reason, and one log entry saying so.
   * `unrecorded` counts further, older instants that are only summarised.
   */
  missed(name: string, instants: Date[], reason: string, unrecorded = 0): void {
    const live = this.#allocations.live(name);
    if (!live || instants.length + unrecorded === 0) return;
    try {
      recordMissed(this.#allocations.store, live, {
        instants,
        reason,
        unrecorded,
        now: new Date(this.#clock.now()),
      });
    } catch (error) {
      this.#log(`docket: Cannot record missed runs of ${name}: ${messageOf(error)}`);
    }
  }

  /**
   * Starts a run of `name` now, whatever its schedule (suspended allocations too); returns its id.
   *
   * @throws {LaunchError} 404 for an unknown allocation, 409 when `ConcurrencyPolicy: Forbid` and a run is going
   */
  trigger(name: string): string {
    const live = this.#allocations.live(name);
    if (!live) throw new LaunchError(404, `Cannot run allocation "${name}": no such name`);
    const busy = this.#firstFlight(name);
    if (busy && live.spec.ConcurrencyPolicy === "Forbid") {
      throw new LaunchError(
        409,
        `Cannot run allocation "${name}": run ${busy.id} is still going and its ConcurrencyPolicy is Forbid`,
      );
    }
    const now = new Date(this.#clock.now());
    const id = newRunId(now);
    const run: NewRun = {
      Id: id,
      Allocation: name,
      Trigger: "manual",
      ScheduledAt: null,
      Status: "running",
      StartedAt: now.toISOString(),
    };
    if (!this.#allocations.store.beginRun(live.id, run)) {
      throw new LaunchError(404, `Cannot run allocation "${name}": it was deleted`);
    }
    this.#start({ live, id, trigger: "manual", scheduledAt: null });
    return id;
  }

  /** Waits until run `id` is no longer in flight, or `ms` passed; returns whether it finished. */
  async wait(id: string, ms: number): Promise<boolean> {
    const flight = this.#flights.get(id);
    if (!flight) return true;
    return await within(flight.done, ms);
  }

  /** Waits for every run in flight to finish, at most `ms`; returns whether all did. */
  async drain(ms: number): Promise<boolean> {
    const all = Promise.all([...this.#flights.values()].map((flight) => flight.done));
    return await within(all.then(() => {}), ms);
  }

  #firstFlight(name: string): Flight | undefined {
    return this.#byName.get(name)?.values().next().value;
  }

  #flightsOf(name: string): Flight[] {
    const flights = this.#byName.get(name);
    return flights ? [...flights] : [];
  }

  #flush(): void {
    this.#flushQueued = false;
    const batch = this.#queue;
    this.#queue = [];
    const store = this.#allocations.store;
    const now = new Date(this.#clock.now());
    const starts: Start[] = [];
    try {
      store.transaction(() => {
        for (const { name, instant, trigger } of batch) {
          const live = this.#allocations.live(name);
          if (!live) continue;
          const scheduledAt = instant.toISOString();
          const busy = this.#firstFlight(name);
          const run: NewRun = {
            Id: newRunId(now),
            Allocation: name,
            Trigger: trigger,
            ScheduledAt: scheduledAt,
            Status: "running",
            StartedAt: now.toISOString(),
          };
          if (busy && live.spec.ConcurrencyPolicy === "Forbid") {
            const reason = `run ${busy.id} was still going (ConcurrencyPolicy Forbid)`;
            const skipped = { ...run, Status: "skipped" as const, Error: reason };
            skipped.FinishedAt = now.toISOString();
            delete skipped.StartedAt;
            if (store.beginRun(live.id, skipped)) {
              store.appendLog(name, live.id, logEntry(now, `Skipped: ${scheduledAt}: ${reason}`));
            }
            continue;
          }
          if (store.beginRun(live.id, run)) starts.push({ live, id: run.Id, trigger, scheduledAt });
        }
      });
    } catch (error) {
      // Nothing was recorded, so nothing runs: an unrecorded run could run twice after a crash.
      const names = batch.map((item) => item.name).join(", ");
      this.#log(`docket: Cannot record runs of ${names}; they do not run: ${messageOf(error)}`);
      return;
    }
    for (const start of starts) this.#start(start);
  }

  /**
   * Takes over a run a previous process started whose container is still running: follows it
   * to its end (enforcing what is left of its `Timeout`) and completes its record.
   */
  adopt(run: RunRecord, containerId: string, autoRemove: boolean): void {
    const live = this.#allocations.live(run.Allocation);
    if (!live) return;
    const store = this.#allocations.store;
    const now = () => new Date(this.#clock.now());
    this.#fly(run.Id, run.Allocation, async (signal) => {
      store.appendLog(
        run.Allocation,
        live.id,
        logEntry(now(), `Adopted: run ${run.Id} (container ${containerId}) after a restart`),
      );
      const options: FollowOptions = {
        autoRemove,
        stopGraceSeconds: stopGrace(live.spec.Container, this.#grace),
        signal,
        now,
      };
      if (live.spec.Timeout !== undefined && run.StartedAt !== null) {
        options.remainingMs = Date.parse(run.StartedAt) + parseDuration(live.spec.Timeout) -
          this.#clock.now();
      }
      const result = await followContainer(this.#docker, containerId, options);
      this.#finish(live, run.Id, result, ` (adopted)`);
    });
  }

  #start(start: Start): void {
    const { live, id } = start;
    const name = live.spec.Name;
    const replaced = live.spec.ConcurrencyPolicy === "Replace" ? this.#flightsOf(name) : [];
    this.#fly(id, name, (signal) => this.#execute(start, signal, replaced));
  }

  #fly(id: string, name: string, body: (signal: AbortSignal) => Promise<void>): void {
    const controller = new AbortController();
    const flight: Flight = { id, name, controller, done: Promise.resolve() };
    this.#flights.set(id, flight);
    let named = this.#byName.get(name);
    if (!named) this.#byName.set(name, named = new Set());
    named.add(flight);
    flight.done = body(controller.signal)
      .catch((error) =>
        this.#log(`docket: Cannot finish run ${id} of ${name}: ${messageOf(error)}`)
      )
      .finally(() => {
        this.#flights.delete(id);
        named.delete(flight);
        if (named.size === 0 && this.#byName.get(name) === named) this.#byName.delete(name);
      });
  }

  async #execute(start: Start, signal: AbortSignal, replaced: Flight[]): Promise<void> {
    const { live, id } = start;
    const name = live.spec.Name;
    const store = this.#allocations.store;
    const now = () => new Date(this.#clock.now());
    const note = (at: Date, text: string) => store.appendLog(name, live.id, logEntry(at, text));
    for (const old of replaced) {
      note(now(), `Replacing: run ${old.id} is stopped for run ${id}`);
      old.controller.abort(new Error(`Cannot finish the run: replaced by run ${id}`));
    }
    await Promise.all(replaced.map((old) => old.done));
    const release = await this.#turn(signal, id);
    try {
      await this.#runOnce(start, signal);
    } finally {
      release();
    }
  }

  /**
   * Waits for a free slot under `maxConcurrentRuns`; returns the function that frees it. A run
   * cancelled while waiting goes on at once (it ends straight away, without the engine).
   */
  async #turn(signal: AbortSignal, id: string): Promise<() => void> {
    if (this.#maxConcurrent <= 0) return () => {};
    if (this.#active >= this.#maxConcurrent) {
      await new Promise<void>((resolve) => {
        const go = () => {
          signal.removeEventListener("abort", cancel);
          resolve();
        };
        const cancel = () => {
          this.#waiting = this.#waiting.filter((waiter) => waiter !== go);
          resolve();
        };
        this.#waiting.push(go);
        signal.addEventListener("abort", cancel, { once: true });
      });
      if (signal.aborted) return () => {};
      this.#allocations.store.updateRun(id, {
        StartedAt: new Date(this.#clock.now()).toISOString(),
      });
    }
    this.#active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#waiting.shift()?.();
    };
  }

  async #runOnce(start: Start, signal: AbortSignal): Promise<void> {
    const { live, id } = start;
    const name = live.spec.Name;
    const store = this.#allocations.store;
    const now = () => new Date(this.#clock.now());
    const note = (at: Date, text: string) => store.appendLog(name, live.id, logEntry(at, text));

    const spec = live.spec;
    const request: RunRequest = {
      allocation: name,
      runId: id,
      container: labelled(spec.Container, store.instanceId),
      pullPolicy: spec.PullPolicy ?? "Always",
      stopGraceSeconds: stopGrace(spec.Container, this.#grace),
      signal,
      now,
      onEvent: (event: RunEvent) => {
        note(event.at, formatRunEvent(event));
        if (event.type === "created") store.updateRun(id, { ContainerId: event.containerId });
        // Recorded at once, before an AutoRemove deletes the container: a crash from here on
        // loses nothing of the run. The status changes once, when the run is over (a timeout or
        // a replacement decides it after the exit).
        if (event.type === "exited") {
          store.updateRun(id, {
            ExitCode: event.exitCode,
            Output: event.output,
            FinishedAt: event.at.toISOString(),
          });
        }
      },
    };
    if (spec.Timeout !== undefined) request.timeoutMs = parseDuration(spec.Timeout);
    const result = await this.#run(this.#docker, request);
    const at = start.scheduledAt ? ` for ${start.scheduledAt}` : ` (${start.trigger})`;
    this.#finish(live, id, result, at);
  }

  /** Completes a run record and writes the server's one line about it. */
  #finish(live: LiveAllocation, id: string, result: RunResult, what: string): void {
    this.#allocations.store.updateRun(id, {
      Status: result.status,
      ExitCode: result.exitCode ?? null,
      ContainerId: result.containerId ?? null,
      Error: result.error ?? null,
      Output: result.output,
      FinishedAt: result.finishedAt.toISOString(),
    });
    const code = result.exitCode === undefined ? "" : `, exit ${result.exitCode}`;
    const why = result.error ? `: ${result.error}` : "";
    this.#log(`docket: ${live.spec.Name} run ${id}${what}: ${result.status}${code}${why}`);
  }
}

/** The container's own `Config.StopTimeout` (seconds), as Docker uses it, else `fallback`. */
function stopGrace(container: ContainerSpec, fallback: number): number {
  const own = container.Config.StopTimeout;
  return typeof own === "number" && Number.isInteger(own) && own >= 0 ? own : fallback;
}

async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: LongTimer | undefined;
  const timeout = new Promise<false>((
    resolve,
  ) => (timer = setLongTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearLongTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
