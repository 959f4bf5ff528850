/**
 * An in-memory docket API for tests: the real handler, store, and scheduler on a fake clock,
 * with no socket.
 *
 * @module
 */
import { createHandler, type Handler } from "../../src/http/handler.ts";
import { Allocations } from "../../src/scheduler/allocations.ts";
import { Scheduler } from "../../src/scheduler/scheduler.ts";
import { MemoryStore } from "../../src/store/memory_store.ts";
import { FakeClock } from "./fake_clock.ts";

/** The handler and the parts behind it. */
export interface TestApi {
  handler: Handler;
  clock: FakeClock;
  store: MemoryStore;
  scheduler: Scheduler;
  allocations: Allocations;
  fired: { name: string; instant: string }[];
  /** Sends a request: `call("POST", "/", body)`. */
  call(method: string, path: string, body?: unknown, headers?: HeadersInit): Promise<Response>;
}

/** Makes a {@linkcode TestApi} whose clock starts at `start`. */
export function testApi(start = "2026-03-10T10:20:30.500Z"): TestApi {
  const clock = new FakeClock(start);
  const store = new MemoryStore();
  const fired: { name: string; instant: string }[] = [];
  const scheduler = new Scheduler({
    clock,
    onDue: (name, instant) => fired.push({ name, instant: instant.toISOString() }),
  });
  const allocations = new Allocations({ store, scheduler, clock });
  const errors: string[] = [];
  const handler = createHandler({ allocations, clock, logError: (m) => errors.push(m) });
  const call = (method: string, path: string, body?: unknown, headers?: HeadersInit) =>
    handler(
      new Request(`http://docket${path}`, {
        method,
        headers: headers ?? {},
        body: body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  return { handler, clock, store, scheduler, allocations, fired, call };
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
