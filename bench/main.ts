/**
 * `deno task bench`: docket's timing benchmarks. Not a test: it prints figures, marks each target
 * PASS or MISS, and exits 0 either way.
 *
 * What is measured, all in this one process, on the real system clock:
 *
 * 1. **Firing lag** (`firing.ts`). N allocations (1,000 and 10,000) are created through
 *    `validateSpec` + `Allocations.put` with a 7-field cron naming one exact second a few seconds
 *    ahead (`S M H * * * *`, UTC); then the real Scheduler, Allocations and Launcher (wired as in
 *    `src/server.ts`, memory store and a temporary SQLite file) fire them. For each run, lags after
 *    the scheduled instant: `due` (the scheduler dispatches the instant to its due handler, the
 *    launcher: the scheduler's firing lag, which the target is about), `dispatch` (the launcher
 *    hands the run to its run function, after recording it in the store: reported, no target) and
 *    `engine` (the in-process fake engine of `fake_engine.ts` receives the run's first request,
 *    its pull, through the real `runContainer` and `DockerClient`). `record` is the launcher's
 *    one transaction recording the batch. Baseline (`×base`): the same pipeline with one
 *    allocation firing alone (every second, a few times); `×base` = p99 / baseline p99. The bare
 *    `setTimeout` wake-up lag is printed as the runtime's floor.
 * 2. **Idle CPU** (`idle.ts`): CPU time of the process (`process.cpuUsage()`) over a window while
 *    10,000 hourly allocations (`0 * * * *`) wait, as % of one core, against the same window with
 *    none; RSS and heap with and without them. The loaded window starts after V8's one-off GC
 *    that follows the setup (printed apart; see `idle.ts`).
 * 3. **POST / throughput** (`post.ts`) through `createHandler` without a socket, per store.
 *
 * Output: a table per part, then one line of JSON with every figure (`{"bench":"docket",…}`).
 *
 * @module
 */
import {
  calibrateSetup,
  type FiringOptions,
  type FiringResult,
  measureFiring,
  measureTimerLag,
} from "./firing.ts";
import { nowMs } from "./fake_engine.ts";
import { type IdleResult, measureIdle } from "./idle.ts";
import { measurePost, type PostResult } from "./post.ts";
import type { StoreKind } from "./rig.ts";
import { fmt, round, type Summary, table } from "./stats.ts";

const SIZES = [1_000, 10_000];
const STORES: StoreKind[] = ["memory", "sqlite"];
const BASELINE_FIRINGS = 3;
/**
 * Runs in flight at once. The fake engine shares this process's descriptors and the client's
 * pool grows to ~5 connections per run in flight (≈ 10 descriptors with both ends): stay at a
 * twentieth of the limit.
 */
const MAX_IN_FLIGHT = Math.max(50, Math.min(1_000, Math.floor(openFileLimit() / 20)));
const IDLE_ALLOCATIONS = 10_000;
const IDLE_WINDOW_MS = 15_000;
const TARGET_DISPATCH_P99_MS = 50;
const TARGET_IDLE_CPU_PERCENT = 1;

const started = performance.now();
const skewAtStart = Date.now() - nowMs();
const say = (line: string) => console.error(`bench: ${line}`);

const pass = (ok: boolean) => (ok ? "PASS" : "MISS");
const pct = (value: number) => value.toFixed(3);
const triple = (s: Summary) => `${fmt(s.p50)} / ${fmt(s.p99)} / ${fmt(s.max)}`;

say(`idle CPU: ${IDLE_WINDOW_MS / 1000} s with no allocations, then with ${IDLE_ALLOCATIONS}`);
const idle: IdleResult = await measureIdle({
  n: IDLE_ALLOCATIONS,
  windowMs: IDLE_WINDOW_MS,
  maxSettleMs: 40_000,
});

const timer = await measureTimerLag(30);
const firing: FiringResult[] = [];
const baselines = new Map<StoreKind, FiringResult>();
for (const kind of STORES) {
  const perAllocation = await calibrateSetup(kind);
  const common = { setupMsPerAllocation: perAllocation, maxInFlight: MAX_IN_FLIGHT };
  say(`${kind}: baseline, one allocation firing ${BASELINE_FIRINGS} times`);
  baselines.set(kind, await fire(kind, { ...common, n: 1, everySecond: BASELINE_FIRINGS }));
  for (const n of SIZES) {
    say(`${kind}: ${n} allocations due at one second`);
    firing.push(await fire(kind, { ...common, n }));
  }
}

const posts: PostResult[] = [];
for (const kind of STORES) posts.push(await measurePost(kind, { durationMs: 2_000, warmup: 200 }));

// ---- Report -------------------------------------------------------------------------------------
const rows = [...baselines.values(), ...firing].map((r) => {
  const base = baselines.get(r.store) as FiringResult;
  const isBase = r === base;
  const target = r.n === 10_000
    ? `${pass(r.due.p99 < TARGET_DISPATCH_P99_MS)} (<${TARGET_DISPATCH_P99_MS})`
    : "";
  const failed = r.n * (isBase ? BASELINE_FIRINGS : 1) - (r.statuses.succeeded ?? 0);
  return [
    r.store,
    isBase ? "1 (base)" : String(r.n),
    triple(r.due),
    triple(r.dispatch),
    isBase ? "1" : fmt(r.dispatch.p99 / base.dispatch.p99),
    triple(r.engine),
    fmt(r.recordMs),
    fmt(r.setupMs / 1000),
    fmt(r.allDoneMs / 1000),
    String(failed),
    target,
  ];
});
console.log(
  `\nFiring lag, ms after the scheduled instant (p50 / p99 / max): due = the scheduler ` +
    `dispatches the instant (target: p99 < ${TARGET_DISPATCH_P99_MS} ms at 10,000); dispatch = the ` +
    `launcher, having recorded the run, hands it to the run pipeline; ×base = dispatch p99 / ` +
    `p99 of one allocation firing alone; bare setTimeout lag: ${triple(timer)}; ` +
    `at most ${MAX_IN_FLIGHT} runs in flight (the rest queue before runContainer)\n`,
);
console.log(table([
  "store",
  "N",
  "due",
  "dispatch",
  "×base",
  "engine (1st request)",
  "record ms",
  "setup s",
  "all done s",
  "failed",
  "target p99",
], rows));

const idleDelta = idle.loaded.cpuPercent - idle.empty.cpuPercent;
console.log(
  `\nIdle, ${idle.windowMs / 1000} s window, hourly cron read in ${idle.timeZone}; ` +
    `creating ${IDLE_ALLOCATIONS} took ${fmt(idle.setupMs / 1000)} s; ` +
    (idle.settled
      ? `V8's one-off GC after it came ${fmt(idle.settleMs / 1000)} s later ` +
        `(${fmt(idle.gcCpuMs)} ms CPU in 250 ms; not in the window)`
      : `no GC seen in ${fmt(idle.settleMs / 1000)} s (it may fall in the window)`) +
    "\n",
);
console.log(table(["allocations", "CPU % of a core", "RSS MiB", "heap MiB", "target"], [
  [
    "0 (base)",
    pct(idle.empty.cpuPercent),
    fmt(idle.empty.rssMiB),
    fmt(idle.empty.heapMiB),
    "",
  ],
  [
    String(IDLE_ALLOCATIONS),
    pct(idle.loaded.cpuPercent),
    fmt(idle.loaded.rssMiB),
    fmt(idle.loaded.heapMiB),
    `${pass(idle.loaded.cpuPercent < TARGET_IDLE_CPU_PERCENT)} (<${TARGET_IDLE_CPU_PERCENT} %)`,
  ],
  [
    "difference",
    pct(idleDelta),
    fmt(idle.loaded.rssMiB - idle.empty.rssMiB),
    fmt(idle.loaded.heapMiB - idle.empty.heapMiB),
    "",
  ],
]));

const memoryPost = posts.find((p) => p.store === "memory") as PostResult;
console.log(`\nPOST / through createHandler, 2 s per store\n`);
console.log(table(
  ["store", "requests", "req/s", "×memory"],
  posts.map((
    p,
  ) => [p.store, String(p.requests), fmt(p.perSecond), fmt(p.perSecond / memoryPost.perSecond)]),
));

const summary = (s: Summary) => ({ p50: round(s.p50), p99: round(s.p99), max: round(s.max) });
const firingJson = (r: FiringResult) => ({
  store: r.store,
  n: r.n,
  dueMs: summary(r.due),
  dispatchMs: summary(r.dispatch),
  engineMs: summary(r.engine),
  recordMs: round(r.recordMs),
  setupMs: round(r.setupMs),
  allDoneMs: round(r.allDoneMs),
  statuses: r.statuses,
  failures: r.failures,
});
const elapsedS = (performance.now() - started) / 1000;
console.log(`\ntotal ${fmt(elapsedS)} s\n`);
console.log(JSON.stringify({
  bench: "docket",
  at: new Date().toISOString(),
  deno: Deno.version.deno,
  maxInFlight: MAX_IN_FLIGHT,
  timerLagMs: summary(timer),
  baseline: [...baselines.values()].map(firingJson),
  firing: firing.map((r) => ({
    ...firingJson(r),
    dispatchP99VsBase: round(
      r.dispatch.p99 / (baselines.get(r.store) as FiringResult).dispatch.p99,
    ),
    targetDueP99Ms: r.n === 10_000 ? TARGET_DISPATCH_P99_MS : undefined,
    pass: r.n === 10_000 ? r.due.p99 < TARGET_DISPATCH_P99_MS : undefined,
  })),
  idle: {
    windowMs: idle.windowMs,
    timeZone: idle.timeZone,
    setupMs: round(idle.setupMs),
    settleMs: round(idle.settleMs),
    gcCpuMs: round(idle.gcCpuMs),
    settled: idle.settled,
    empty: roundAll(idle.empty),
    loaded: roundAll(idle.loaded),
    cpuPercentDelta: round(idleDelta, 3),
    targetCpuPercent: TARGET_IDLE_CPU_PERCENT,
    pass: idle.loaded.cpuPercent < TARGET_IDLE_CPU_PERCENT,
  },
  post: posts.map((p) => ({ ...p, perSecond: round(p.perSecond, 1) })),
  clockSkewMs: { start: round(skewAtStart), end: round(Date.now() - nowMs()) },
  totalS: round(elapsedS, 1),
}));

/** Measures; once more with a longer lead time when creating the allocations overran it. */
async function fire(kind: StoreKind, options: FiringOptions): Promise<FiringResult> {
  try {
    return await measureFiring(kind, options);
  } catch (error) {
    if (!(error instanceof Error && error.message.includes("past the instant"))) throw error;
    say(`${error.message}; once more with a longer lead time`);
    return await measureFiring(kind, {
      ...options,
      setupMsPerAllocation: options.setupMsPerAllocation * 4,
    });
  }
}

/** The soft limit on open files, from `/proc/self/limits` (20,000 when unknown). */
function openFileLimit(): number {
  try {
    const line = Deno.readTextFileSync("/proc/self/limits").match(/^Max open files\s+(\d+)/m);
    return line ? Number(line[1]) : 20_000;
  } catch {
    return 20_000;
  }
}

function roundAll<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, typeof v === "number" ? round(v, 3) : v]),
  ) as T;
}
