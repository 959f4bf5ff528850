/**
 * Idle cost: the process's CPU time (user + system, `process.cpuUsage()`) over a window while
 * the scheduler holds N hourly allocations (`0 * * * *`) and nothing is due, as a percentage of
 * one core, next to the same window with no allocations; plus the memory they take.
 *
 * After a burst of allocation (creating the allocations), V8's memory reducer runs one full GC
 * 10–30 s later: a one-off costing about as much CPU as marking the live heap (~150–250 ms for
 * 10,000 allocations here; it happens with the scheduler stopped too, and after a forced GC as
 * well). The loaded window starts once that GC was seen (a 250 ms slice using over 8 % of a core),
 * or after `maxSettleMs`; its CPU time is reported apart.
 *
 * @module
 */
import process from "node:process";
import { parseCron } from "../src/spec/cron.ts";
import { benchDocker } from "./docker.ts";
import { createAllocations, openRig } from "./rig.ts";
import { sleep } from "./stats.ts";

/** One idle window. */
export interface IdleWindow {
  /** Allocations scheduled. */
  allocations: number;
  /** CPU time over the window as a percentage of one core. */
  cpuPercent: number;
  /** Process RSS in MiB at the end of the window. */
  rssMiB: number;
  /** V8 heap in use in MiB at the end of the window. */
  heapMiB: number;
}

/** What {@linkcode measureIdle} found. */
export interface IdleResult {
  /** The window length in milliseconds. */
  windowMs: number;
  /** The time zone the hourly cron was read in (chosen so that no instant falls in the run). */
  timeZone: string;
  /** No allocations. */
  empty: IdleWindow;
  /** N allocations waiting. */
  loaded: IdleWindow;
  /** How long creating them took, in milliseconds. */
  setupMs: number;
  /** Milliseconds from the end of the setup until the memory reducer's GC was seen. */
  settleMs: number;
  /** The CPU time of the busiest 250 ms slice while settling, in milliseconds. */
  gcCpuMs: number;
  /** Whether that GC was seen before `maxSettleMs` ran out. */
  settled: boolean;
}

const HOURLY = "0 * * * *";
/** Zones whose top of the hour falls at :00 and at :30 UTC: one of them is far enough away. */
const ZONES = ["UTC", "Asia/Kolkata"];

async function window(allocations: number, ms: number): Promise<IdleWindow> {
  const start = process.cpuUsage();
  const t0 = performance.now();
  await sleep(ms);
  const used = process.cpuUsage(start);
  const elapsed = performance.now() - t0;
  const memory = Deno.memoryUsage();
  return {
    allocations,
    cpuPercent: ((used.user + used.system) / 1000 / elapsed) * 100,
    rssMiB: memory.rss / 2 ** 20,
    heapMiB: memory.heapUsed / 2 ** 20,
  };
}

/**
 * Waits until a 250 ms slice (after the first 3 s) used over 8 % of a core: the reducer's GC.
 * Gives up after `maxMs`.
 */
async function settle(maxMs: number): Promise<{ ms: number; gcCpuMs: number; seen: boolean }> {
  const t0 = performance.now();
  let busiest = 0;
  let seen = false;
  while (!seen && performance.now() - t0 < maxMs) {
    const start = process.cpuUsage();
    await sleep(250);
    const used = process.cpuUsage(start);
    const ms = (used.user + used.system) / 1000;
    // The first seconds still carry the setup's own young-generation GCs.
    if (performance.now() - t0 < 3000) continue;
    busiest = Math.max(busiest, ms);
    seen = ms > 20;
  }
  const ms = performance.now() - t0;
  await sleep(1000); // Let the GC's helper threads finish.
  return { ms, gcCpuMs: busiest, seen };
}

/**
 * Measures an empty scheduler, then the same one holding `n` hourly allocations, each over
 * `windowMs`. Uses the memory store: idle time touches no store.
 */
export async function measureIdle(
  options: { n: number; windowMs: number; maxSettleMs: number },
): Promise<IdleResult> {
  const { n, windowMs } = options;
  // Nothing runs, so the client never connects.
  using client = benchDocker("/nonexistent/docker.sock");
  await using rig = await openRig("memory", { docker: client.docker });
  rig.scheduler.start();
  await sleep(2000);
  const empty = await window(0, windowMs);

  const needed = 2 * (options.maxSettleMs + windowMs) + 60_000; // Far less than half an hour.
  const now = new Date();
  const timeZone = ZONES.find((zone) =>
    (parseCron(HOURLY, { timeZone: zone }).next(now)?.getTime() ?? 0) - now.getTime() > needed
  );
  if (timeZone === undefined) throw new Error("Cannot measure idle CPU: the window is too long");
  const t0 = performance.now();
  createAllocations(rig.allocations, { n, cron: HOURLY, prefix: "idle-", timeZone });
  const setupMs = performance.now() - t0;
  const settled = await settle(options.maxSettleMs);
  const loaded = await window(n, windowMs);
  if (rig.launcher.running() > 0 || rig.store.runningRuns().length > 0) {
    throw new Error("Cannot measure idle CPU: a run started during the window");
  }
  return {
    windowMs,
    timeZone,
    empty,
    loaded,
    setupMs,
    settleMs: settled.ms,
    gcCpuMs: settled.gcCpuMs,
    settled: settled.seen,
  };
}
