/**
 * Firing lag: N allocations due at the same second, fired by the real scheduler on the real clock
 * and run through the real launcher, `runContainer` and `DockerClient` against the fake engine.
 *
 * Three lags are taken per run, each as (time seen − scheduled instant):
 * - `due`: the scheduler calls its due handler (timer wake-up plus the scheduler's own work);
 * - `dispatch`: the launcher hands the run to its run function (after recording it in the store);
 * - `engine`: the fake engine receives the run's first request (the pull).
 *
 * The bench's run function records the dispatch, then calls `runContainer` at once while fewer
 * than `maxInFlight` runs are going, else queues it: each run holds two engine connections
 * (attach and wait) until its container exits, and the fake engine shares this process's file
 * descriptors, and 10,000 runs at once exhaust a 20,000-descriptor limit (Deno.serve then dies
 * with EMFILE).
 *
 * @module
 */
import { runContainer, type RunResult } from "../src/run/run_container.ts";
import type { RunFunction } from "../src/scheduler/launcher.ts";
import { benchDocker } from "./docker.ts";
import { nowMs, startBenchEngine } from "./fake_engine.ts";
import { createAllocations, openRig, type StoreKind } from "./rig.ts";
import { summarize, type Summary } from "./stats.ts";

/** Options of {@linkcode measureFiring}. */
export interface FiringOptions {
  /** How many allocations fire together. */
  n: number;
  /**
   * Estimated setup cost per allocation in milliseconds; the common instant is chosen far enough
   * ahead for the setup to finish first.
   */
  setupMsPerAllocation: number;
  /**
   * Fire one allocation every second this many times instead (`* * * * * * *`): the baseline of
   * a run firing alone. Requires `n` = 1.
   */
  everySecond?: number;
  /** Runs going through `runContainer` at once; more wait their turn. */
  maxInFlight: number;
}

/** What one firing measurement found. Lags are in milliseconds. */
export interface FiringResult {
  /** The store. */
  store: StoreKind;
  /** Allocations firing together. */
  n: number;
  /** Scheduler → due handler. */
  due: Summary;
  /** Launcher → run function. */
  dispatch: Summary;
  /** First engine request of the run. */
  engine: Summary;
  /** The longest store transaction while firing: the launcher recording the batch of runs. */
  recordMs: number;
  /** From the instant until every run finished. */
  allDoneMs: number;
  /** Creating the allocations (validate + put + schedule). */
  setupMs: number;
  /** Run outcomes by status (all `succeeded` when the pipeline worked). */
  statuses: Record<string, number>;
  /** The first few server log lines of runs that did not succeed. */
  failures: string[];
}

interface Dispatch {
  name: string;
  k: number;
  instant: number;
  at: number;
}

/** The 7-field cron expression (UTC) that fires daily at the second containing `at`. */
export function cronAt(at: number): string {
  const d = new Date(at);
  return `${d.getUTCSeconds()} ${d.getUTCMinutes()} ${d.getUTCHours()} * * * *`;
}

/** Creates `n` allocations due at one second, fires them, and waits for every run to finish. */
export async function measureFiring(
  kind: StoreKind,
  options: FiringOptions,
): Promise<FiringResult> {
  const { n } = options;
  const expected = options.everySecond ?? n;
  await using engine = await startBenchEngine();
  using client = benchDocker(engine.socketPath);
  const docker = client.docker;
  await docker.apiVersion(); // The server negotiates at start, before anything fires.

  const instants = new Map<string, number[]>();
  const dueLags: number[] = [];
  const dispatches: Dispatch[] = [];
  const counts = new Map<string, number>();
  const statuses: Record<string, number> = {};
  const allDispatched = Promise.withResolvers<void>();
  let stopScheduler = () => {};
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const run: RunFunction = async (engineClient, request) => {
    const at = nowMs();
    const name = request.allocation;
    const k = counts.get(name) ?? 0;
    counts.set(name, k + 1);
    dispatches.push({ name, k, instant: instants.get(name)?.[k] ?? NaN, at });
    if (dispatches.length === expected) {
      stopScheduler();
      allDispatched.resolve();
    }
    // Start at once (synchronously, as the launcher would) while there is room.
    if (inFlight < options.maxInFlight) inFlight++;
    else await new Promise<void>((go) => waiting.push(go)); // A finishing run hands over its slot.
    let result: RunResult;
    try {
      result = await runContainer(engineClient, request);
    } finally {
      const next = waiting.shift();
      if (next) next();
      else inFlight--;
    }
    statuses[result.status] = (statuses[result.status] ?? 0) + 1;
    return result;
  };
  const onDue = (name: string, instant: Date) => {
    const at = nowMs();
    const list = instants.get(name) ?? [];
    list.push(instant.getTime());
    instants.set(name, list);
    dueLags.push(at - instant.getTime());
  };
  await using rig = await openRig(kind, { docker, run, onDue });
  stopScheduler = () => rig.scheduler.stop();
  let recordMs = 0;
  const store = rig.store;
  const transaction = store.transaction.bind(store);
  store.transaction = <T>(fn: () => T): T => {
    const t0 = performance.now();
    try {
      return transaction(fn);
    } finally {
      recordMs = Math.max(recordMs, performance.now() - t0);
    }
  };

  const estimate = n * options.setupMsPerAllocation * 2 + 1500;
  const instant = Math.ceil((Date.now() + estimate) / 1000) * 1000;
  const cron = options.everySecond === undefined ? cronAt(instant) : "* * * * * * *";
  const setupStart = performance.now();
  createAllocations(rig.allocations, { n, cron, prefix: `f${n}-` });
  const setupMs = performance.now() - setupStart;
  if (options.everySecond === undefined && Date.now() > instant - 100) {
    throw new Error(
      `Cannot measure firing lag: creating ${n} allocations took ${setupMs.toFixed(0)} ms, ` +
        `past the instant chosen for them`,
    );
  }
  recordMs = 0;
  rig.scheduler.start();
  const deadline = setTimeout(
    () => allDispatched.reject(new Error(`Cannot measure firing lag: runs not dispatched`)),
    Math.max(0, instant - Date.now()) + expected * 1000 + 60_000,
  );
  try {
    await allDispatched.promise;
  } finally {
    clearTimeout(deadline);
  }
  if (!(await rig.launcher.drain(120_000))) throw new Error("Cannot drain the runs in 120 s");
  const allDoneMs = nowMs() - (dispatches[0]?.instant ?? NaN);

  const engineLags = dispatches.map((d) => (engine.pulls.get(d.name)?.[d.k] ?? NaN) - d.instant);
  return {
    store: kind,
    n,
    due: summarize(dueLags),
    dispatch: summarize(dispatches.map((d) => d.at - d.instant)),
    engine: summarize(engineLags.filter(Number.isFinite)),
    recordMs,
    allDoneMs,
    setupMs,
    statuses,
    failures: rig.logs.filter((line) => !/: succeeded, exit 0$/.test(line)).slice(0, 3),
  };
}

/** Milliseconds per allocation to create `count` of them in a fresh rig (also warms the JIT). */
export async function calibrateSetup(kind: StoreKind, count = 500): Promise<number> {
  using client = benchDocker("/nonexistent/docker.sock");
  await using rig = await openRig(kind, { docker: client.docker });
  const t0 = performance.now();
  createAllocations(rig.allocations, { n: count, cron: "0 0 1 1 *", prefix: "calibrate-" });
  return (performance.now() - t0) / count;
}

/** The lag of bare `setTimeout` wake-ups aimed at whole 10 ms marks: the runtime's floor. */
export async function measureTimerLag(samples: number): Promise<Summary> {
  const lags: number[] = [];
  for (let i = 0; i < samples; i++) {
    const target = Math.ceil((Date.now() + 15) / 10) * 10;
    await new Promise((resolve) => setTimeout(resolve, target - Date.now()));
    lags.push(nowMs() - target);
  }
  return summarize(lags);
}
