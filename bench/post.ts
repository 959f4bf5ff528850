/**
 * `POST /` throughput through the real request handler (`createHandler`, no socket): new
 * allocations created one after another for a fixed time, per store. The SQLite store commits
 * each one with `synchronous=FULL`, so its figure is mostly the disk's sync latency.
 *
 * @module
 */
import { createHandler } from "../src/http/handler.ts";
import { systemClock } from "../src/scheduler/clock.ts";
import { benchDocker } from "./docker.ts";
import { benchSpec, openRig, type StoreKind } from "./rig.ts";

/** What {@linkcode measurePost} found. */
export interface PostResult {
  /** The store. */
  store: StoreKind;
  /** Requests answered 201 in the timed part. */
  requests: number;
  /** Requests per second. */
  perSecond: number;
}

/** Posts new allocations (a yearly cron: nothing fires) for `durationMs` after `warmup` posts. */
export async function measurePost(
  kind: StoreKind,
  options: { durationMs: number; warmup: number },
): Promise<PostResult> {
  using client = benchDocker("/nonexistent/docker.sock");
  await using rig = await openRig(kind, { docker: client.docker });
  const handler = createHandler({
    allocations: rig.allocations,
    runs: rig.launcher,
    clock: systemClock,
    logError: (line) => rig.logs.push(line),
  });
  rig.scheduler.start();
  let count = 0;
  const post = async () => {
    const body = JSON.stringify(benchSpec(`post-${count++}`, "0 0 1 1 *"));
    const response = await handler(
      new Request("http://docket/", {
        method: "POST",
        body,
        headers: { "Content-Type": "application/json" },
      }),
    );
    if (response.status !== 201) {
      throw new Error(`Cannot post: ${response.status} ${await response.text()}`);
    }
    await response.body?.cancel();
  };
  for (let i = 0; i < options.warmup; i++) await post();
  const start = count;
  const t0 = performance.now();
  while (performance.now() - t0 < options.durationMs) await post();
  const elapsed = performance.now() - t0;
  const requests = count - start;
  return { store: kind, requests, perSecond: (requests / elapsed) * 1000 };
}
