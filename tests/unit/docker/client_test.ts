import assert from "node:assert/strict";
import { DockerClient } from "../../../src/docker/client.ts";
import { resolveEndpoint } from "../../../src/docker/endpoint.ts";
import { DockerError } from "../../../src/docker/errors.ts";

interface Seen {
  method: string;
  url: URL;
  headers: Headers;
  body: string | undefined;
}

/** A client whose fetch is a function: no sockets, no Deno.HttpClient. */
function scripted(
  answer: (seen: Seen) => Response,
  env: Record<string, string> = {},
  options: { registryAuth?: (domain: string) => Promise<string | undefined> } = {},
) {
  const seen: Seen[] = [];
  const docker = new DockerClient(resolveEndpoint(env), {
    ...options,
    fetch: (url, init) => {
      const request: Seen = {
        method: init.method ?? "GET",
        url: new URL(url),
        headers: new Headers(init.headers),
        body: typeof init.body === "string" ? init.body : undefined,
      };
      seen.push(request);
      return Promise.resolve(answer(request));
    },
  });
  return { docker, seen };
}

const ping = (version: string) => new Response("OK", { headers: { "Api-Version": version } });
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

Deno.test("DockerClient negotiates once and sends versioned paths; _ping and version stay unversioned", async () => {
  const { docker, seen } = scripted(({ url }) => {
    if (url.pathname === "/_ping") return ping("1.41");
    if (url.pathname === "/version") return json(200, { ApiVersion: "1.41" });
    return json(200, []);
  });
  await docker.listContainers({ all: true, filters: { label: ["docket.run=abc"] } });
  await docker.listContainers();
  await docker.version();
  assert.deepEqual(seen.map(({ method, url }) => `${method} ${url.pathname}`), [
    "GET /_ping",
    "GET /v1.41/containers/json",
    "GET /v1.41/containers/json",
    "GET /version",
  ]);
  assert.equal(seen[1]?.url.searchParams.get("all"), "1");
  assert.deepEqual(JSON.parse(seen[1]?.url.searchParams.get("filters") ?? ""), {
    label: ["docket.run=abc"],
  });
  assert.equal(seen[1]?.url.host, "localhost"); // a made-up host name would cost a DNS query
});

Deno.test("DockerClient uses DOCKER_API_VERSION without pinging", async () => {
  const { docker, seen } = scripted(() => json(200, { Id: "c1", Warnings: [] }), {
    DOCKER_API_VERSION: "v1.40",
  });
  const created = await docker.createContainer({ Image: "busybox", Cmd: ["true"] }, {
    name: "job-1",
  });
  assert.deepEqual(created, { Id: "c1", Warnings: [] });
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.url.pathname, "/v1.40/containers/create");
  assert.equal(seen[0]?.url.searchParams.get("name"), "job-1");
  assert.equal(seen[0]?.headers.get("content-type"), "application/json");
  assert.deepEqual(JSON.parse(seen[0]?.body ?? ""), { Image: "busybox", Cmd: ["true"] });
});

Deno.test("DockerClient renegotiates once when the daemon says the client version is too new", async () => {
  let daemon = "1.44";
  const { docker, seen } = scripted(({ url }) => {
    if (url.pathname === "/_ping") return ping(daemon);
    if (url.pathname.startsWith("/v1.44/")) {
      daemon = "1.41"; // downgraded under us
      return new Response("client version 1.44 is too new. Maximum supported API version is 1.41", {
        status: 400,
        headers: { "Content-Type": "text/plain" },
      });
    }
    return json(200, []);
  });
  assert.deepEqual(await docker.listContainers(), []);
  assert.deepEqual(seen.map(({ url }) => url.pathname), [
    "/_ping",
    "/v1.44/containers/json",
    "/_ping",
    "/v1.41/containers/json",
  ]);
  assert.equal(await docker.apiVersion(), "1.41");
});

Deno.test("DockerClient turns error statuses into DockerErrors with the daemon's message", async () => {
  const { docker } = scripted(({ url }) => {
    if (url.pathname === "/_ping") return ping("1.41");
    if (url.pathname.endsWith("/attach")) {
      return new Response("No such container: abc\n", { status: 404 });
    }
    if (url.pathname.endsWith("/kill")) {
      return json(409, { message: "Cannot kill container: abc: Container abc is not running" });
    }
    return new Response("", { status: 500 });
  });
  await assert.rejects(docker.attachContainer("abc"), (error: unknown) => {
    assert.ok(error instanceof DockerError);
    assert.equal(error.status, 404);
    assert.equal(error.kind, "http");
    assert.equal(error.daemonMessage, "No such container: abc");
    assert.equal(error.message, "Cannot attach to container abc: No such container: abc");
    return true;
  });
  await assert.rejects(
    docker.killContainer("abc"),
    /^DockerError: Cannot kill container abc: Cannot kill container: abc: Container abc is not running$/,
  );
  await assert.rejects(
    docker.inspectContainer("abc"),
    /Cannot inspect container abc: HTTP 500 with an empty body/,
  );
});

Deno.test("DockerClient accepts 304 from start/stop and reports 404 from remove as false", async () => {
  const { docker, seen } = scripted(({ url, method }) => {
    if (url.pathname === "/_ping") return ping("1.41");
    if (method === "DELETE") return json(404, { message: "No such container: gone" });
    return new Response(null, { status: 304 });
  });
  await docker.startContainer("c1");
  await docker.stopContainer("c1", { t: 2 });
  assert.equal(await docker.removeContainer("gone", { force: true, volumes: true }), false);
  const remove = seen.find(({ method }) => method === "DELETE");
  assert.equal(remove?.url.search, "?force=1&v=1");
  assert.equal(seen.find(({ url }) => url.pathname.endsWith("/stop"))?.url.search, "?t=2");
  assert.equal(seen.find(({ url }) => url.pathname.endsWith("/start"))?.body, undefined);
});

Deno.test("DockerClient.imageExists() maps 200 and 404", async () => {
  const { docker, seen } = scripted(({ url }) => {
    if (url.pathname === "/_ping") return ping("1.41");
    return url.pathname.includes("busybox")
      ? json(200, { Id: "sha256:1" })
      : json(404, { message: "no such image" });
  });
  assert.equal(await docker.imageExists("busybox:latest"), true);
  assert.equal(await docker.imageExists("localhost:5000/a/b:c"), false);
  assert.equal(seen[2]?.url.pathname, "/v1.41/images/localhost:5000/a/b:c/json");
});

Deno.test("DockerClient.pullImage() always sends a tag and the registry auth header", async () => {
  const domains: string[] = [];
  const { docker, seen } = scripted(
    ({ url }) => {
      if (url.pathname === "/_ping") return ping("1.41");
      return new Response(`{"status":"Status: Image is up to date for busybox:latest"}\n`);
    },
    {},
    {
      registryAuth: (domain) => {
        domains.push(domain);
        return Promise.resolve(domain === "localhost:5000" ? "SECRET==" : undefined);
      },
    },
  );
  await docker.pullImage("busybox");
  await docker.pullImage("localhost:5000/a/b");
  await docker.pullImage("localhost:5000/a/b", { auth: "EXPLICIT=" });
  await docker.pullImage("localhost:5000/a/b", { auth: null });
  const pulls = seen.filter(({ url }) => url.pathname === "/v1.41/images/create");
  assert.deepEqual(pulls.map(({ url }) => url.search), [
    "?fromImage=docker.io%2Flibrary%2Fbusybox&tag=latest",
    "?fromImage=localhost%3A5000%2Fa%2Fb&tag=latest",
    "?fromImage=localhost%3A5000%2Fa%2Fb&tag=latest",
    "?fromImage=localhost%3A5000%2Fa%2Fb&tag=latest",
  ]);
  assert.deepEqual(pulls.map(({ headers }) => headers.get("x-registry-auth")), [
    null,
    "SECRET==",
    "EXPLICIT=",
    null,
  ]);
  assert.deepEqual(domains, ["docker.io", "localhost:5000"]);
});

Deno.test("DockerClient refuses calls after close()", async () => {
  const { docker, seen } = scripted(() => ping("1.41"));
  docker.close();
  docker.close();
  await assert.rejects(
    docker.ping(),
    /^DockerError: Cannot ping the Docker engine: the Docker client is closed$/,
  );
  assert.equal(seen.length, 0);
});
