/**
 * A small router: path patterns such as `/:name/runs/:id`, matched segment by segment with
 * percent-decoding, a tolerated trailing slash, HEAD served by GET, 404 for unknown paths and
 * 405 (with `Allow`) for a known path with the wrong method.
 *
 * @module
 */
import { HttpError } from "./http_error.ts";

/** Path parameters, percent-decoded. */
export type Params = Record<string, string>;

/** Answers one request. */
export type RouteHandler = (request: Request, params: Params) => Response | Promise<Response>;

/** One path and the handler for each of its methods. */
export interface Route {
  /** The pattern: literal segments and `:param` segments, e.g. `/:name/runs`. */
  path: string;
  /** Handlers by method (upper case). HEAD falls back to GET. */
  methods: Record<string, RouteHandler>;
}

/** The route that matched a request, with its parameters. */
export interface Match {
  /** The handler to call. */
  handler: RouteHandler;
  /** The decoded parameters. */
  params: Params;
}

/**
 * Finds the handler for `method` and `pathname`.
 *
 * @throws {HttpError} 404 for an unknown path, 405 for a known path with another method, 400 for
 * a path that cannot be percent-decoded
 */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): Match {
  const segments = splitPath(pathname);
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (!params) continue;
    const handler = route.methods[method] ?? (method === "HEAD" ? route.methods.GET : undefined);
    if (handler) return { handler, params };
    const allow = Object.keys(route.methods);
    if (allow.includes("GET")) allow.push("HEAD");
    throw new HttpError(
      405,
      `Cannot ${method} ${pathname}: allowed methods are ${allow.join(", ")}`,
      {
        headers: { allow: allow.join(", ") },
      },
    );
  }
  throw new HttpError(404, `Cannot find ${pathname}: no such route`);
}

function splitPath(pathname: string): string[] {
  const trimmed = pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
  if (trimmed === "/") return [];
  return trimmed.slice(1).split("/").map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw new HttpError(400, `Cannot read path ${pathname}: bad percent-encoding`);
    }
  });
}

function matchPath(pattern: string, segments: string[]): Params | undefined {
  const parts = pattern === "/" ? [] : pattern.slice(1).split("/");
  if (parts.length !== segments.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const segment = segments[i] as string;
    if (part.startsWith(":")) {
      if (segment === "") return undefined;
      params[part.slice(1)] = segment;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}
