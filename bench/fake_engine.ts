/**
 * A lean in-process fake Docker Engine on a Unix socket for the benchmarks: it answers the calls
 * of one run (`_ping`, pull, create, attach, wait, start, delete) at once, so the real
 * `DockerClient` and `runContainer` run end to end. A started container exits at once with code 0
 * after writing one line; until then its attach and wait streams stay open, as with dockerd. Unlike `tests/support/fake_engine.ts` it keeps no log of requests, only
 * the time each image was first asked for, so that its own bookkeeping stays out of the figures.
 *
 * @module
 */

/** A running fake engine. */
export interface BenchEngine extends AsyncDisposable {
  /** The socket path (use `unix://<path>` as `DOCKER_HOST`). */
  socketPath: string;
  /**
   * Arrival times (`performance.timeOrigin + performance.now()`) of the pulls of each image,
   * keyed by the last path segment of the image name without its tag (`docket-bench/a1:1` → `a1`).
   */
  pulls: Map<string, number[]>;
  /** How many requests were answered. */
  requests(): number;
}

const API_VERSION = "1.41";
const encoder = new TextEncoder();

/** The wall-clock time in milliseconds with sub-millisecond resolution. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

/** One multiplexed stdout frame, as `attach` sends it for a container without a TTY. */
function frame(text: string): Uint8Array {
  const payload = encoder.encode(text);
  const bytes = new Uint8Array(8 + payload.length);
  bytes[0] = 1;
  new DataView(bytes.buffer).setUint32(4, payload.length, false);
  bytes.set(payload, 8);
  return bytes;
}

/** A body that sends `first` (if any), then `last` and ends once `exited` resolves. */
function bodyUntil(exited: Promise<void>, first?: Uint8Array, last?: Uint8Array) {
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      if (first) controller.enqueue(first);
      await exited;
      if (last) controller.enqueue(last);
      controller.close();
    },
  });
}

/** Starts a fake engine on a socket in a fresh temporary directory. */
export async function startBenchEngine(): Promise<BenchEngine> {
  const dir = await Deno.makeTempDir({ prefix: "docket-bench-engine-" });
  const socketPath = `${dir}/docker.sock`;
  const pulls = new Map<string, number[]>();
  const containers = new Map<string, PromiseWithResolvers<void>>();
  const output = frame("hello from the fake engine\n");
  const exitStatus = encoder.encode(`{"StatusCode":0,"Error":null}\n`);
  let served = 0;
  let nextId = 0;

  const handle = async (request: Request): Promise<Response> => {
    served++;
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/v\d+\.\d+/, "");
    if (path === "/_ping") {
      return new Response("OK", { headers: { "Api-Version": API_VERSION } });
    }
    if (path === "/version") return json(200, { ApiVersion: API_VERSION, MinAPIVersion: "1.12" });
    if (path === "/images/create") {
      const key = (url.searchParams.get("fromImage") ?? "").split("/").pop() ?? "";
      const at = nowMs();
      const seen = pulls.get(key);
      if (seen) seen.push(at);
      else pulls.set(key, [at]);
      return json(200, { status: "Status: Image is up to date" });
    }
    if (path.startsWith("/images/")) return json(200, {});
    if (path === "/containers/create") {
      await request.arrayBuffer();
      const id = (++nextId).toString(16).padStart(64, "0");
      containers.set(id, Promise.withResolvers<void>());
      return json(201, { Id: id, Warnings: [] });
    }
    const match = /^\/containers\/([0-9a-f]{64})(\/\w+)?$/.exec(path);
    const container = match && containers.get(match[1] as string);
    if (!match || !container) return json(404, { message: `No such container or page: ${path}` });
    switch (match[2]) {
      case "/attach":
        return new Response(bodyUntil(container.promise, output), {
          headers: { "Content-Type": "application/vnd.docker.multiplexed-stream" },
        });
      case "/wait":
        return new Response(bodyUntil(container.promise, undefined, exitStatus), {
          headers: { "Content-Type": "application/json" },
        });
      case "/start":
        container.resolve();
        return new Response(null, { status: 204 });
      case undefined:
        if (request.method !== "DELETE") break;
        container.resolve();
        containers.delete(match[1] as string);
        return new Response(null, { status: 204 });
    }
    return json(404, { message: `page not found: ${path}` });
  };

  const server = Deno.serve({ path: socketPath, onListen: () => {} }, handle);
  return {
    socketPath,
    pulls,
    requests: () => served,
    async [Symbol.asyncDispose]() {
      for (const container of containers.values()) container.resolve();
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
