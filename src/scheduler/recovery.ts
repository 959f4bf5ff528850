/**
 * Restart recovery. At start, before scheduling resumes:
 *
 * 1. {@linkcode reconcileRuns}: every run record still marked `running` is matched with its
 *    container (found through docket's labels): a container that finished while docket was down
 *    is collected (exit code and output, removed when AutoRemove was asked), one still running is
 *    adopted and followed to its end, and one that never started is removed. Nothing is left
 *    unaccounted for.
 * 2. {@linkcode catchUp}: every instant that passed while docket was down is recorded as
 *    `missed`; with `StartingDeadline`, the newest one runs once, late, when still within it.
 *
 * @module
 */
import type { DockerClient } from "../docker/client.ts";
import { type CollectDocker, collectExited } from "../run/collect_exited.ts";
import { RUN_LABEL } from "../run/run_container.ts";
import { parseDuration } from "../spec/duration.ts";
import { logEntry } from "../store/log_entry.ts";
import type { RunRecord } from "../store/run_record.ts";
import type { Allocations } from "./allocations.ts";
import type { Clock } from "./clock.ts";
import { AUTO_REMOVE_LABEL, INSTANCE_LABEL } from "./labels.ts";
import type { Launcher } from "./launcher.ts";
import type { Schedule } from "./scheduler.ts";

/** The Docker calls reconciliation makes. */
export type RecoveryDocker = CollectDocker & Pick<DockerClient, "listContainers">;

/** What recovery needs. */
export interface RecoveryDeps {
  /** The allocations (store and scheduler). */
  allocations: Allocations;
  /** Adopts containers still running. */
  launcher: Launcher;
  /** The Docker Engine. */
  docker: RecoveryDocker;
  /** The clock. */
  clock: Clock;
}

/** What {@linkcode reconcileRuns} did. */
export interface ReconcileReport {
  /** Runs whose container had finished: collected. */
  collected: number;
  /** Runs whose container is still running: adopted. */
  adopted: number;
  /** Runs whose container never started or is gone: recorded as errors. */
  failed: number;
  /** Leftover containers of finished AutoRemove runs: removed. */
  removed: number;
}

/**
 * Matches run records a previous process left `running` with their containers. Pass the records
 * as read before this process started any run of its own (`store.runningRuns()` at start).
 *
 * @throws {Error} when the engine cannot be asked (the records stay `running`; try again later)
 */
export async function reconcileRuns(
  deps: RecoveryDeps,
  running: readonly RunRecord[],
): Promise<ReconcileReport> {
  const { allocations, launcher, docker, clock } = deps;
  const store = allocations.store;
  const report: ReconcileReport = { collected: 0, adopted: 0, failed: 0, removed: 0 };
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${INSTANCE_LABEL}=${store.instanceId}`] },
  });
  const byRun = new Map(containers.map((c) => [c.Labels?.[RUN_LABEL] ?? "", c]));
  const now = () => new Date(clock.now());
  for (const run of running) {
    if (launcher.has(run.Id) || store.getRun(run.Allocation, run.Id)?.Status !== "running") {
      continue;
    }
    const live = allocations.live(run.Allocation);
    const note = (text: string) =>
      live && store.appendLog(run.Allocation, live.id, logEntry(now(), text));
    const fail = (message: string) => {
      store.updateRun(run.Id, { Status: "error", Error: message, FinishedAt: now().toISOString() });
      note(`Error: ${message}`);
      report.failed++;
    };
    const container = byRun.get(run.Id);
    byRun.delete(run.Id);
    if (!container && run.ExitCode !== null) {
      // It exited (exit code and output were recorded then) and was removed (AutoRemove).
      store.updateRun(run.Id, {
        Status: run.ExitCode === 0 ? "succeeded" : "failed",
        FinishedAt: run.FinishedAt ?? now().toISOString(),
      });
      report.collected++;
      continue;
    }
    if (!container) {
      fail(
        run.ContainerId === null
          ? "docket stopped before the container was created"
          : `Cannot collect container ${run.ContainerId}: it was removed while docket was down`,
      );
      continue;
    }
    const autoRemove = container.Labels?.[AUTO_REMOVE_LABEL] === "true";
    const state = container.State ?? "";
    if (state === "running" || state === "restarting" || state === "paused") {
      launcher.adopt(run, container.Id, autoRemove);
      report.adopted++;
    } else if (state === "created") {
      await docker.removeContainer(container.Id, { force: true, volumes: true }).catch(() => {});
      fail(`docket stopped before container ${container.Id} started; it was removed`);
    } else {
      try {
        const collected = await collectExited(docker, container.Id, { autoRemove, now });
        store.updateRun(run.Id, {
          Status: collected.exitCode === 0 ? "succeeded" : "failed",
          ExitCode: collected.exitCode,
          ContainerId: container.Id,
          Output: collected.output,
          Error: collected.error ?? collected.outputError ?? null,
          FinishedAt: collected.finishedAt.toISOString(),
        });
        note(`exited: ${container.Id} code ${collected.exitCode} (collected after a restart)`);
        report.collected++;
      } catch (error) {
        fail(`Cannot collect container ${container.Id}: ${messageOf(error)}`);
      }
    }
  }
  // Containers of runs already finished: only AutoRemove leftovers are docket's to delete.
  for (const container of byRun.values()) {
    if (container.Labels?.[AUTO_REMOVE_LABEL] !== "true") continue;
    if (container.State === "running" || container.State === "created") continue;
    await docker.removeContainer(container.Id, { force: true, volumes: true })
      .then(() => report.removed++, () => {});
  }
  return report;
}

/** What {@linkcode catchUp} did. */
export interface CatchUpReport {
  /** Instants recorded as missed. */
  missed: number;
  /** Instants run late (within `StartingDeadline`). */
  late: number;
}

/** At most this many missed instants are recorded per allocation; older ones are summarised. */
export const MAX_MISSED_RECORDED = 100;

/** The reason recorded with instants that passed while docket was down. */
export const DOWN_REASON = "docket was not running at this instant";

/**
 * Records every instant in `(last recorded instant or last update, upTo]` of each scheduled
 * allocation as missed; with `StartingDeadline`, runs the newest one late instead when
 * `upTo - instant` is within the deadline.
 */
export function catchUp(deps: RecoveryDeps, upTo: Date): CatchUpReport {
  const { allocations, launcher } = deps;
  const store = allocations.store;
  const report: CatchUpReport = { missed: 0, late: 0 };
  for (const allocation of store.list()) {
    const live = allocations.live(allocation.spec.Name);
    if (!live || live.spec.Suspended) continue;
    const name = live.spec.Name;
    const last = store.lastScheduledAt(name);
    const from = Math.max(
      Date.parse(allocation.updatedAt),
      last === null ? -Infinity : Date.parse(last),
    );
    const { newest, total } = instantsBetween(
      live.schedule,
      from,
      upTo.getTime(),
      MAX_MISSED_RECORDED,
    );
    if (newest.length === 0) continue;
    let missed = newest;
    const latest = newest[newest.length - 1] as Date;
    if (
      live.spec.StartingDeadline !== undefined &&
      upTo.getTime() - latest.getTime() <= parseDuration(live.spec.StartingDeadline)
    ) {
      missed = newest.slice(0, -1);
      launcher.due(name, latest, "late");
      store.appendLog(
        name,
        live.id,
        logEntry(upTo, `Late: running ${latest.toISOString()} within its StartingDeadline`),
      );
      report.late++;
    }
    launcher.missed(name, missed, DOWN_REASON, total - newest.length);
    report.missed += missed.length;
  }
  return report;
}

/** How many instants are enumerated before skipping ahead. */
const ENUMERATION_LIMIT = 10_000;

/**
 * The newest `keep` instants of `schedule` in `(from, to]`, and how many there are in all
 * (estimated when there are more than {@linkcode ENUMERATION_LIMIT}).
 */
export function instantsBetween(
  schedule: Schedule,
  from: number,
  to: number,
  keep: number,
): { newest: Date[]; total: number } {
  const newest: Date[] = [];
  let total = 0;
  let cursor: Date | null = new Date(from);
  let first: number | undefined;
  while ((cursor = schedule.next(cursor)) !== null && cursor.getTime() <= to) {
    first ??= cursor.getTime();
    total++;
    newest.push(cursor);
    if (newest.length > keep) newest.shift();
    if (total >= ENUMERATION_LIMIT) {
      // Skip ahead to just before the newest `keep` instants, estimating the count in between.
      const period = (cursor.getTime() - first) / (total - 1);
      const resume = to - period * (keep + 1);
      if (resume <= cursor.getTime()) continue;
      total += Math.max(0, Math.floor((resume - cursor.getTime()) / period));
      const tail = instantsBetween(schedule, resume, to, keep);
      return { newest: tail.newest, total: total + tail.total };
    }
  }
  return { newest, total };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
