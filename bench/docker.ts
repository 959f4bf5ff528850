/**
 * The Docker client the benchmarks hand to the launcher: configured from a `DOCKER_HOST` exactly
 * as the server does (`DockerClient.fromEnv`, registry credentials looked up on every pull),
 * talking to the fake engine's socket.
 *
 * @module
 */
import { DockerClient } from "../src/docker/client.ts";

/** A Docker client, closed on dispose. */
export interface BenchDocker extends Disposable {
  /** The client. */
  docker: DockerClient;
}

/** A client for the engine listening on `socketPath`. */
export function benchDocker(socketPath: string): BenchDocker {
  const docker = DockerClient.fromEnv({
    DOCKER_HOST: `unix://${socketPath}`,
    // The socket's (otherwise empty) directory: credentials are looked up and not found.
    DOCKER_CONFIG: socketPath.replace(/\/[^/]+$/, ""),
  });
  return { docker, [Symbol.dispose]: () => docker.close() };
}
