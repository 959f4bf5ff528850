/**
 * Serving the API on a socket with `Deno.serve`, one request log line per request on stderr.
 *
 * @module
 */
import type { Handler } from "./handler.ts";

/** Options for {@linkcode serveApi}. */
export interface ServeOptions {
  /** The interface to listen on. */
  hostname: string;
  /** The port to listen on; 0 picks a free one. */
  port: number;
  /** Where request log lines go. @default {console.error} */
  log?: (line: string) => void;
  /** Called once listening, with the address. */
  onListen?: (address: { hostname: string; port: number }) => void;
}

/**
 * Serves `handler` until `shutdown()` is called on the result, writing
 * `<ISO time> <method> <path> <status> <ms>ms <client>` per request.
 */
export function serveApi(handler: Handler, options: ServeOptions): Deno.HttpServer<Deno.NetAddr> {
  // deno-lint-ignore no-console
  const log = options.log ?? ((line: string) => console.error(line));
  return Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: (address) => options.onListen?.(address),
  }, async (request, info) => {
    const started = performance.now();
    const response = await handler(request);
    const url = new URL(request.url);
    const ms = (performance.now() - started).toFixed(1);
    log(
      `${new Date().toISOString()} ${request.method} ${url.pathname}${url.search} ` +
        `${response.status} ${ms}ms ${info.remoteAddr.hostname}`,
    );
    return response;
  });
}
