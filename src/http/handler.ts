/**
 * The HTTP API as one function `(Request) => Promise<Response>`, testable without a socket.
 *
 * | method | path                 | answer |
 * |--------|----------------------|--------|
 * | GET    | `/`                  | 200, every allocation in creation order |
 * | POST   | `/`                  | 201 `{"created":true}` or 200 `{"created":false}`; 400, 413, 422 |
 * | GET    | `/:name`             | 200 with the allocation, or 404 |
 * | DELETE | `/:name`             | 200 `{"deleted":true}`, or 404 |
 * | GET    | `/:name/runs`        | 200, its runs newest first, without output |
 * | GET    | `/:name/runs/:id`    | 200, one run with output (`?wait=30s` waits for it to finish) |
 * | POST   | `/:name/run`         | 202 `{"Id":"<run id>"}`: runs it now |
 * | POST   | `/:name/suspend`     | 200, the allocation, now suspended |
 * | POST   | `/:name/resume`      | 200, the allocation, scheduled again |
 *
 * @module
 */
import { summarizeFieldErrors, validateSpec } from "../spec/allocation.ts";
import { parseDuration } from "../spec/duration.ts";
import type { Allocations } from "../scheduler/allocations.ts";
import type { Clock } from "../scheduler/clock.ts";
import type { StoredAllocation } from "../store/store.ts";
import { allocationView } from "./allocation_view.ts";
import { HttpError } from "./http_error.ts";
import { errorResponse, jsonResponse, readJsonBody } from "./json.ts";
import { matchRoute, type Params, type Route } from "./router.ts";

/** Starting runs by hand and waiting for them; the launcher provides it. */
export interface RunControl {
  /** Starts a run of `name` now; returns its id. Throws an error with `status` 404 or 409. */
  trigger(name: string): string;
  /** Waits until run `id` is not in flight, at most `ms`; returns whether it finished. */
  wait(id: string, ms: number): Promise<boolean>;
}

/** What the API needs. */
export interface HandlerDeps {
  /** The allocations, kept in step with the scheduler. */
  allocations: Allocations;
  /** Manual runs. */
  runs: RunControl;
  /** The clock (to refuse schedules that never fire again). */
  clock: Clock;
  /** Where unexpected errors are reported. @default {console.error} */
  logError?: (message: string) => void;
}

/** A request handler, as `Deno.serve` takes it. */
export type Handler = (request: Request) => Promise<Response>;

/** The longest `?wait=` on a run, in milliseconds. */
const MAX_WAIT_MS = 5 * 60_000;

/**
 * Makes the API's request handler.
 *
 * @example
 * ```ts ignore
 * const handler = createHandler({ allocations, runs: launcher, clock: systemClock });
 * const response = await handler(new Request("http://docket/"));
 * ```
 */
export function createHandler(deps: HandlerDeps): Handler {
  const { allocations, runs, clock } = deps;
  const store = allocations.store;
  // deno-lint-ignore no-console
  const logError = deps.logError ?? ((message: string) => console.error(message));

  const found = (params: Params) => {
    const name = params.name as string;
    const allocation = allocations.get(name);
    if (!allocation) throw new HttpError(404, `Cannot find allocation "${name}": no such name`);
    return allocation;
  };
  const view = (allocation: StoredAllocation) =>
    allocationView(
      allocation,
      allocations.next(allocation.spec.Name),
      store.lastRun(allocation.spec.Name),
    );
  const suspend = (suspended: boolean) => (_request: Request, params: Params) => {
    const allocation = allocations.suspend(params.name as string, suspended);
    if (!allocation) {
      throw new HttpError(404, `Cannot find allocation "${params.name}": no such name`);
    }
    return jsonResponse(200, view(allocation));
  };

  const routes: Route[] = [
    {
      path: "/",
      methods: {
        GET: () => jsonResponse(200, allocations.list().map(view)),
        POST: async (request) => {
          const body = await readJsonBody(request);
          const result = validateSpec(body, { now: new Date(clock.now()) });
          if (!result.ok) {
            throw new HttpError(
              422,
              `Cannot accept allocation: ${summarizeFieldErrors(result.fields)}`,
              { extra: { overall: {}, fields: result.fields } },
            );
          }
          const { created } = allocations.put(result.spec, result.schedule);
          return jsonResponse(created ? 201 : 200, { created });
        },
      },
    },
    {
      path: "/:name",
      methods: {
        GET: (_request, params) => jsonResponse(200, view(found(params))),
        DELETE: (_request, params) => {
          const name = params.name as string;
          if (!allocations.delete(name)) {
            throw new HttpError(404, `Cannot delete allocation "${name}": no such name`);
          }
          return jsonResponse(200, { deleted: true });
        },
      },
    },
    {
      path: "/:name/runs",
      methods: {
        GET: (request, params) => {
          const name = found(params).spec.Name;
          const limit = new URL(request.url).searchParams.get("limit");
          if (limit !== null && !/^[1-9]\d*$/.test(limit)) {
            throw new HttpError(
              400,
              `Cannot list runs: limit must be a positive integer, got "${limit}"`,
            );
          }
          return jsonResponse(
            200,
            // A limit beyond what a number holds exactly means "all of them".
            store.listRuns(
              name,
              limit === null ? undefined : Math.min(Number(limit), Number.MAX_SAFE_INTEGER),
            ),
          );
        },
      },
    },
    {
      path: "/:name/runs/:id",
      methods: {
        GET: async (request, params) => {
          const name = found(params).spec.Name;
          const id = params.id as string;
          const wait = new URL(request.url).searchParams.get("wait");
          if (wait !== null) await runs.wait(id, waitMs(wait));
          const run = store.getRun(name, id);
          if (!run) throw new HttpError(404, `Cannot find run "${id}" of allocation "${name}"`);
          return jsonResponse(200, run);
        },
      },
    },
    {
      path: "/:name/run",
      methods: {
        POST: (_request, params) => {
          const name = found(params).spec.Name;
          try {
            return jsonResponse(202, { Id: runs.trigger(name) });
          } catch (error) {
            const status = (error as { status?: unknown }).status;
            if (status === 404 || status === 409) {
              throw new HttpError(status, (error as Error).message);
            }
            throw error;
          }
        },
      },
    },
    { path: "/:name/suspend", methods: { POST: suspend(true) } },
    { path: "/:name/resume", methods: { POST: suspend(false) } },
  ];

  return async function handle(request: Request): Promise<Response> {
    let response: Response;
    try {
      const url = new URL(request.url);
      const { handler, params } = matchRoute(routes, request.method, url.pathname);
      response = await handler(request, params);
    } catch (error) {
      if (error instanceof HttpError) {
        response = errorResponse(error);
      } else {
        const detail = error instanceof Error ? error.message : String(error);
        logError(`docket: Cannot answer ${request.method} ${request.url}: ${detail}`);
        response = errorResponse(new HttpError(500, `Cannot answer request: ${detail}`));
      }
    }
    if (request.method === "HEAD") {
      await response.body?.cancel();
      return new Response(null, { status: response.status, headers: response.headers });
    }
    return response;
  };
}

function waitMs(text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    throw new HttpError(
      400,
      `Cannot wait for run: wait must be a duration such as 30s, got "${text}"`,
    );
  }
  return Math.min(ms, MAX_WAIT_MS);
}
