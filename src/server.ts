/**
 * `docket server`: the store, the Docker client, the scheduler, the launcher and the HTTP API
 * wired together, with restart recovery at start and a graceful shutdown on SIGINT/SIGTERM.
 *
 * @module
 */
import type { ServerOptions } from "./cli/server_options.ts";
import { DockerClient } from "./docker/client.ts";
import { describeEndpoint } from "./docker/endpoint.ts";
import { createHandler } from "./http/handler.ts";
import { serveApi } from "./http/serve.ts";
import { Allocations } from "./scheduler/allocations.ts";
import { type Clock, systemClock } from "./scheduler/clock.ts";
import { Launcher } from "./scheduler/launcher.ts";
import { catchUp, reconcileRuns, type RecoveryDeps } from "./scheduler/recovery.ts";
import { Scheduler } from "./scheduler/scheduler.ts";
import { MemoryStore } from "./store/memory_store.ts";
import { SqliteStore } from "./store/sqlite_store.ts";
import type { AllocationStore } from "./store/store.ts";

/** The reason recorded for instants the scheduler could not fire on time while running. */
export const BEHIND_REASON = "docket was too busy to start this run on time";

/** How often reconciliation is retried while the engine does not answer, in milliseconds. */
const RECONCILE_RETRY_MS = 30_000;

/** What the server takes from its surroundings; tests inject these. */
export interface ServerDeps {
  /** Environment variables (`DOCKER_HOST`, …). @default {Deno.env.toObject()} */
  env?: Record<string, string>;
  /** Where the server's own lines go. @default {console.error} */
  log?: (line: string) => void;
  /** The clock. @default {systemClock} */
  clock?: Clock;
  /** Aborting it shuts the server down (besides SIGINT and SIGTERM). */
  signal?: AbortSignal;
  /** Called once listening, with the address. */
  onListen?: (address: { hostname: string; port: number }) => void;
}

/** Opens the store named by `--store`: `memory`, or the path of a SQLite file. */
export function openStore(
  options: Pick<ServerOptions, "store" | "maxLogs" | "maxRuns">,
): AllocationStore {
  const limits = { maxLogs: options.maxLogs, maxRuns: options.maxRuns };
  return options.store === "memory"
    ? new MemoryStore(limits)
    : new SqliteStore(options.store, limits);
}

/**
 * Runs the server until SIGINT, SIGTERM or `deps.signal`; then stops scheduling, stops accepting
 * requests, and lets runs in flight finish for up to `options.shutdownTimeoutMs`.
 *
 * @throws {Error} "Cannot start docket: …" when the store or the Docker settings are unusable
 */
export async function runServer(options: ServerOptions, deps: ServerDeps = {}): Promise<void> {
  // deno-lint-ignore no-console
  const log = deps.log ?? ((line: string) => console.error(line));
  const clock = deps.clock ?? systemClock;
  const env = deps.env ?? Deno.env.toObject();
  let docker: DockerClient;
  try {
    docker = DockerClient.fromEnv(env);
  } catch (error) {
    throw new Error(`Cannot start docket: ${messageOf(error)}`, { cause: error });
  }
  let store: AllocationStore;
  try {
    store = openStore(options);
  } catch (error) {
    docker.close();
    throw new Error(`Cannot start docket: ${messageOf(error)}`, { cause: error });
  }

  const scheduler = new Scheduler({
    clock,
    onDue: (name, instant) => launcher.due(name, instant),
    onMissed: (name, instants) => launcher.missed(name, instants, BEHIND_REASON),
  });
  const allocations = new Allocations({ store, scheduler, clock });
  const launcher: Launcher = new Launcher({
    allocations,
    docker,
    clock,
    log,
    maxConcurrentRuns: options.maxConcurrentRuns,
  });
  const recovery: RecoveryDeps = { allocations, launcher, docker, clock };

  const shutdown = Promise.withResolvers<string>();
  const onSignal = (name: string) => () => shutdown.resolve(name);
  const onInt = onSignal("SIGINT");
  const onTerm = onSignal("SIGTERM");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  deps.signal?.addEventListener("abort", () => shutdown.resolve("shutdown request"));

  // Runs the previous process left running, read before this one can start any.
  const leftRunning = store.runningRuns();
  const handler = createHandler({ allocations, runs: launcher, clock, logError: log });
  const server = serveApi(handler, {
    hostname: options.hostname,
    port: options.port,
    log,
    onListen: (address) => {
      log(
        `docket: listening on http://${address.hostname}:${address.port}/ (store: ${options.store})`,
      );
      deps.onListen?.(address);
    },
  });

  const upTo = new Date(clock.now());
  const broken = allocations.load(upTo);
  for (const name of broken) {
    log(`docket: Cannot schedule allocation ${name}: its Cron no longer parses`);
  }
  let retry: ReturnType<typeof setTimeout> | undefined;
  const reconcile = async (): Promise<void> => {
    try {
      const version = await docker.apiVersion();
      log(`docket: Docker engine at ${describeEndpoint(docker.endpoint)} speaks API ${version}`);
      const report = await reconcileRuns(recovery, leftRunning);
      const total = report.adopted + report.collected + report.failed + report.removed;
      if (total > 0) {
        log(
          `docket: reconciled runs of the previous process: ${report.collected} collected, ` +
            `${report.adopted} still running (followed), ${report.failed} failed, ` +
            `${report.removed} leftover containers removed`,
        );
      }
    } catch (error) {
      log(
        `docket: Cannot reach the Docker engine at ${describeEndpoint(docker.endpoint)}: ${
          messageOf(error)
        }; ` +
          `runs record this error until it answers (retrying reconciliation in ${
            RECONCILE_RETRY_MS / 1000
          }s)`,
      );
      retry = setTimeout(() => void reconcile(), RECONCILE_RETRY_MS);
    }
  };
  await reconcile();
  const caught = catchUp(recovery, upTo);
  if (caught.missed + caught.late > 0) {
    log(
      `docket: ${caught.missed} instants were missed while docket was down; ${caught.late} run late`,
    );
  }
  scheduler.start();
  log(`docket: ${scheduler.size} allocations scheduled`);

  const why = await shutdown.promise;
  log(`docket: shutting down (${why}): no new runs; waiting for runs in flight`);
  clearTimeout(retry);
  scheduler.stop();
  Deno.removeSignalListener("SIGINT", onInt);
  Deno.removeSignalListener("SIGTERM", onTerm);
  await server.shutdown();
  const inFlight = launcher.running();
  const finished = await launcher.drain(options.shutdownTimeoutMs);
  if (!finished) {
    log(
      `docket: ${launcher.running()} of ${inFlight} runs still going after ` +
        `${options.shutdownTimeoutMs / 1000}s; ${
          options.store === "memory"
            ? "their records are lost with the memory store"
            : "the next start collects them"
        }`,
    );
  }
  store.close();
  docker.close();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
