/**
 * An in-memory docket API for tests: the real handler, store, scheduler and launcher on a fake
 * clock, with no socket. The container runner is injected (by default a fake that records each
 * request and succeeds at once); integration tests use the real engine instead.
 *
 * @module
 */
import { createHandler, type Handler } from "../../src/http/handler.ts";
import type { RunRequest, RunResult } from "../../src/run/run_container.ts";
import { Allocations } from "../../src/scheduler/allocations.ts";
import { Launcher, type RunFunction } from "../../src/scheduler/launcher.ts";
import { Scheduler } from "../../src/scheduler/scheduler.ts";
import { MemoryStore } from "../../src/store/memory_store.ts";
import type { AllocationStore } from "../../src/store/store.ts";
import { FakeClock } from "./fake_clock.ts";

/** The handler and the parts behind it. */
export interface TestApi {
  handler: Handler;
  clock: FakeClock;
  store: AllocationStore;
  scheduler: Scheduler;
  allocations: Allocations;
  launcher: Launcher;
  /** Instants the scheduler fired. */
  fired: { name: string; instant: string }[];
  /** Requests the runner received. */
  requests: RunRequest[];
  /** Server log lines. */
  logs: string[];
  /** Sends a request: `call("POST", "/", body)`. */
  call(method: string, path: string, body?: unknown, headers?: HeadersInit): Promise<Response>;
}

/** Options for {@linkcode testApi}. */
export interface TestApiOptions {
  /** Where the clock starts. */
  start?: string;
  /** The store. @default {new MemoryStore()} */
  store?: AllocationStore;
  /** The container runner. @default {a fake that succeeds at once with output "ok\n"} */
  run?: RunFunction;
  /** The launcher's limit of runs at once. @default {0} (none) */
  maxConcurrentRuns?: number;
}

/** A fake runner result: exit 0 with `output`. */
export function succeeded(request: RunRequest, output = "ok\n"): RunResult {
  const at = request.now?.() ?? new Date();
  request.onEvent?.({ type: "created", at, containerId: `c-${request.runId}`, warnings: [] });
  request.onEvent?.({ type: "started", at, containerId: `c-${request.runId}` });
  request.onEvent?.({
    type: "exited",
    at,
    containerId: `c-${request.runId}`,
    exitCode: 0,
    durationMs: 0,
    output,
  });
  return {
    status: "succeeded",
    containerId: `c-${request.runId}`,
    exitCode: 0,
    output,
    startedAt: at,
    finishedAt: at,
  };
}

/** A runner whose runs finish when the test says so (or when their signal aborts). */
export function heldRunner(): {
  held: { request: RunRequest; finish: (result?: Partial<RunResult>) => void }[];
  run: RunFunction;
} {
  const held: { request: RunRequest; finish: (result?: Partial<RunResult>) => void }[] = [];
  const run: RunFunction = (_docker, request) =>
    new Promise((resolve) => {
      const finish = (result: Partial<RunResult> = {}) =>
        resolve({ ...succeeded(request, `out of ${request.runId}\n`), ...result });
      request.signal?.addEventListener("abort", () => {
        finish({ status: "error", error: (request.signal?.reason as Error).message });
      });
      held.push({ request, finish });
    });
  return { held, run };
}

/** Makes a {@linkcode TestApi}. */
export function testApi(options: TestApiOptions | string = {}): TestApi {
  const opts = typeof options === "string" ? { start: options } : options;
  const clock = new FakeClock(opts.start ?? "2026-03-10T10:20:30.500Z");
  const store = opts.store ?? new MemoryStore();
  const fired: { name: string; instant: string }[] = [];
  const requests: RunRequest[] = [];
  const logs: string[] = [];
  const run: RunFunction = opts.run ??
    ((_docker, request) => (requests.push(request), Promise.resolve(succeeded(request))));
  const scheduler = new Scheduler({
    clock,
    onDue: (name, instant) => {
      fired.push({ name, instant: instant.toISOString() });
      launcher.due(name, instant);
    },
    onMissed: (name, instants) => launcher.missed(name, instants, "docket fell behind"),
  });
  const allocations = new Allocations({ store, scheduler, clock });
  const launcher: Launcher = new Launcher({
    allocations,
    clock,
    docker: {} as never,
    run,
    log: (line) => logs.push(line),
    maxConcurrentRuns: opts.maxConcurrentRuns ?? 0,
  });
  const handler = createHandler({
    allocations,
    runs: launcher,
    clock,
    logError: (m) => logs.push(m),
  });
  const call = (method: string, path: string, body?: unknown, headers?: HeadersInit) =>
    handler(
      new Request(`http://docket${path}`, {
        method,
        headers: headers ?? {},
        body: body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  return {
    handler,
    clock,
    store,
    scheduler,
    allocations,
    launcher,
    fired,
    requests,
    logs,
    call,
  };
}

/** The seed's example allocation (the original README's `foo`). */
export function fooSpec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Name: "foo",
    Cron: "* * * * * *",
    Container: {
      Config: { Image: "busybox:latest", Cmd: ["echo", "hello world"] },
      HostConfig: { AutoRemove: true },
    },
    ...overrides,
  };
}
