/**
 * docket's own Docker Engine API client on `fetch`: endpoint and version handling, image references, registry
 * credentials, pulls, the container lifecycle, and stream demultiplexing.
 *
 * @example
 * ```ts ignore
 * import { DockerClient } from "./mod.ts";
 * using docker = DockerClient.fromEnv(Deno.env.toObject());
 * console.log(await docker.apiVersion());
 * ```
 *
 * @module
 */

export * from "./api_version.ts";
export * from "./client.ts";
export * from "./connection.ts";
export * from "./demux.ts";
export * from "./endpoint.ts";
export * from "./errors.ts";
export * from "./image_ref.ts";
export * from "./pull.ts";
export * from "./registry_auth.ts";
export * from "./transport.ts";
export * from "./types.ts";
