/**
 * The HTTP API as one function `(Request) => Promise<Response>`, testable without a socket.
 *
 * | method | path     | answer |
 * |--------|----------|--------|
 * | GET    | `/`      | 200, every allocation in creation order |
 * | POST   | `/`      | 201 `{"created":true}` or 200 `{"created":false}`; 400, 413, 422 |
 * | GET    | `/:name` | 200 with the allocation, or 404 |
 * | DELETE | `/:name` | 200 `{"deleted":true}`, or 404 |
 *
 * @module
 */
import { summarizeFieldErrors, validateSpec } from "../spec/allocation.ts";
import type { Allocations } from "../scheduler/allocations.ts";
import type { Clock } from "../scheduler/clock.ts";
import type { StoredAllocation } from "../store/store.ts";
import { allocationView } from "./allocation_view.ts";
import { HttpError } from "./http_error.ts";
import { errorResponse, jsonResponse, readJsonBody } from "./json.ts";
import { matchRoute, type Params, type Route } from "./router.ts";

/** What the API needs. */
export interface HandlerDeps {
  /** The allocations, kept in step with the scheduler. */
  allocations: Allocations;
  /** The clock (to refuse schedules that never fire again). */
  clock: Clock;
  /** Where unexpected errors are reported. @default {console.error} */
  logError?: (message: string) => void;
}

/** A request handler, as `Deno.serve` takes it. */
export type Handler = (request: Request) => Promise<Response>;

/**
 * Makes the API's request handler.
 *
 * @example
 * ```ts ignore
 * const handler = createHandler({ allocations, clock: systemClock });
 * const response = await handler(new Request("http://docket/"));
 * ```
 */
export function createHandler(deps: HandlerDeps): Handler {
  const { allocations, clock } = deps;
  // deno-lint-ignore no-console
  const logError = deps.logError ?? ((message: string) => console.error(message));

  const found = (name: string) => {
    const allocation = allocations.get(name);
    if (!allocation) throw new HttpError(404, `Cannot find allocation "${name}": no such name`);
    return allocation;
  };

  const view = (allocation: StoredAllocation) =>
    allocationView(
      allocation,
      allocations.next(allocation.spec.Name),
      allocations.store.lastRun(allocation.spec.Name),
    );

  const routes: Route[] = [
    {
      path: "/",
      methods: {
        GET: () =>
          jsonResponse(
            200,
            allocations.list().map(view),
          ),
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
        GET: (_request, params: Params) => {
          const allocation = found(params.name as string);
          return jsonResponse(
            200,
            allocationView(allocation, allocations.next(allocation.spec.Name)),
          );
        },
        DELETE: (_request, params: Params) => {
          const name = params.name as string;
          if (!allocations.delete(name)) {
            throw new HttpError(404, `Cannot delete allocation "${name}": no such name`);
          }
          return jsonResponse(200, { deleted: true });
        },
      },
    },
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
      return new Response(null, { status: response.status, headers: response.headers });
    }
    return response;
  };
}
