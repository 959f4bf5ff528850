import assert from "node:assert/strict";
import {
  describeEndpoint,
  readTlsMaterial,
  resolveEndpoint,
} from "../../../src/docker/endpoint.ts";
import { DockerError } from "../../../src/docker/errors.ts";

Deno.test("resolveEndpoint() defaults to the unix socket", () => {
  const endpoint = resolveEndpoint({});
  assert.deepEqual(endpoint, {
    kind: "unix",
    host: "unix:///var/run/docker.sock",
    socketPath: "/var/run/docker.sock",
  });
  assert.deepEqual(resolveEndpoint({ DOCKER_HOST: "" }), endpoint);
});

Deno.test("resolveEndpoint() reads a unix:// DOCKER_HOST", () => {
  const endpoint = resolveEndpoint({ DOCKER_HOST: "unix:///run/user/1000/podman/podman.sock" });
  assert.equal(endpoint.kind, "unix");
  assert.equal(
    endpoint.kind === "unix" && endpoint.socketPath,
    "/run/user/1000/podman/podman.sock",
  );
});

Deno.test("resolveEndpoint() defaults tcp to port 2375 without TLS", () => {
  const endpoint = resolveEndpoint({ DOCKER_HOST: "tcp://10.0.0.2" });
  assert.equal(endpoint.kind, "tcp");
  assert.ok(endpoint.kind === "tcp");
  assert.equal(endpoint.hostname, "10.0.0.2");
  assert.equal(endpoint.port, 2375);
  assert.equal(endpoint.tls, undefined);
  assert.equal(describeEndpoint(endpoint), "tcp://10.0.0.2:2375");
});

Deno.test("resolveEndpoint() defaults tcp to port 2376 with TLS and verifies even for DOCKER_TLS_VERIFY=0", () => {
  const endpoint = resolveEndpoint({
    DOCKER_HOST: "tcp://docker.example.com",
    DOCKER_TLS_VERIFY: "0",
    DOCKER_CERT_PATH: "/certs/",
  });
  assert.ok(endpoint.kind === "tcp");
  assert.equal(endpoint.port, 2376);
  assert.deepEqual(endpoint.tls, {
    verify: true,
    certDir: "/certs",
    caFile: "/certs/ca.pem",
    certFile: "/certs/cert.pem",
    keyFile: "/certs/key.pem",
  });
});

Deno.test("resolveEndpoint() keeps an explicit port, a base path and IPv6 literals", () => {
  const withPath = resolveEndpoint({ DOCKER_HOST: "tcp://127.0.0.1:80/docker/" });
  assert.ok(withPath.kind === "tcp");
  assert.equal(withPath.port, 80);
  assert.equal(withPath.basePath, "/docker");
  const v6 = resolveEndpoint({ DOCKER_HOST: "tcp://[::1]:2375" });
  assert.ok(v6.kind === "tcp");
  assert.equal(v6.hostname, "[::1]");
  assert.equal(v6.port, 2375);
});

Deno.test("resolveEndpoint() treats host:port without a scheme as tcp", () => {
  const endpoint = resolveEndpoint({ DOCKER_HOST: "docker.internal:4243" });
  assert.ok(endpoint.kind === "tcp");
  assert.equal(endpoint.hostname, "docker.internal");
  assert.equal(endpoint.port, 4243);
});

Deno.test("resolveEndpoint() refuses ssh:// with a hint to forward the socket", () => {
  assert.throws(
    () => resolveEndpoint({ DOCKER_HOST: "ssh://me@build-host" }),
    (error: unknown) => {
      assert.ok(error instanceof DockerError);
      assert.equal(error.kind, "config");
      assert.match(
        error.message,
        /^Cannot use DOCKER_HOST ssh:\/\/me@build-host: ssh is not supported; forward/,
      );
      assert.match(error.message, /DOCKER_HOST=unix:\/\//);
      return true;
    },
  );
});

Deno.test("resolveEndpoint() refuses npipe:// and unknown schemes", () => {
  assert.throws(
    () => resolveEndpoint({ DOCKER_HOST: "npipe:////./pipe/docker_engine" }),
    /^DockerError: Cannot use DOCKER_HOST npipe:\/\/\/\/.\/pipe\/docker_engine: named pipes are not supported/,
  );
  assert.throws(() => resolveEndpoint({ DOCKER_HOST: "fd://" }), /unsupported scheme fd:\/\//);
});

Deno.test("resolveEndpoint() refuses TLS without verification unless allowed", () => {
  const env = { DOCKER_HOST: "tcp://10.0.0.2", DOCKER_TLS: "1", HOME: "/home/me" };
  assert.throws(
    () => resolveEndpoint(env),
    (error: unknown) => {
      assert.ok(error instanceof DockerError);
      assert.match(
        error.message,
        /^Cannot use TLS without verification for DOCKER_HOST tcp:\/\/10.0.0.2: /,
      );
      assert.match(error.message, /--unsafely-ignore-certificate-errors/);
      return true;
    },
  );
  const endpoint = resolveEndpoint(env, { allowUnverifiedTls: true });
  assert.ok(endpoint.kind === "tcp");
  assert.equal(endpoint.tls?.verify, false);
  assert.equal(endpoint.tls?.certDir, "/home/me/.docker");
});

Deno.test("resolveEndpoint() takes the cert dir from DOCKER_CERT_PATH, then DOCKER_CONFIG, then HOME", () => {
  const base = { DOCKER_HOST: "tcp://h", DOCKER_TLS_VERIFY: "1", HOME: "/home/me" };
  const dirOf = (env: Record<string, string>) => {
    const endpoint = resolveEndpoint(env);
    return endpoint.kind === "tcp" ? endpoint.tls?.certDir : undefined;
  };
  assert.equal(dirOf(base), "/home/me/.docker");
  assert.equal(dirOf({ ...base, DOCKER_CONFIG: "/etc/docker-cli" }), "/etc/docker-cli");
  assert.equal(dirOf({ ...base, DOCKER_CONFIG: "/etc/docker-cli", DOCKER_CERT_PATH: "/c" }), "/c");
  assert.throws(
    () => resolveEndpoint({ DOCKER_HOST: "tcp://h", DOCKER_TLS_VERIFY: "1" }),
    /set DOCKER_CERT_PATH \(or HOME\)/,
  );
});

Deno.test("resolveEndpoint() ignores TLS variables for a unix socket", () => {
  const endpoint = resolveEndpoint({ DOCKER_TLS_VERIFY: "1" });
  assert.equal(endpoint.kind, "unix");
});

Deno.test("resolveEndpoint() pins DOCKER_API_VERSION with an optional leading v", () => {
  assert.equal(resolveEndpoint({ DOCKER_API_VERSION: "v1.41" }).apiVersion, "1.41");
  assert.equal(resolveEndpoint({ DOCKER_API_VERSION: "1.44" }).apiVersion, "1.44");
  assert.equal(resolveEndpoint({}).apiVersion, undefined);
  assert.throws(
    () => resolveEndpoint({ DOCKER_API_VERSION: "latest" }),
    /expected a version like 1.41/,
  );
  assert.throws(() => resolveEndpoint({ DOCKER_API_VERSION: "1.24" }), /needs API 1.30 or newer/);
});

const files = (contents: Record<string, string>) => (path: string): string => {
  const text = contents[path];
  if (text === undefined) throw new Deno.errors.NotFound(`No such file: ${path}`);
  return text;
};
const tlsFiles = {
  verify: true,
  certDir: "/c",
  caFile: "/c/ca.pem",
  certFile: "/c/cert.pem",
  keyFile: "/c/key.pem",
};

Deno.test("readTlsMaterial() requires ca.pem when verifying and takes cert/key when present", () => {
  assert.deepEqual(readTlsMaterial(tlsFiles, files({ "/c/ca.pem": "CA" })), { caCerts: ["CA"] });
  assert.deepEqual(
    readTlsMaterial(tlsFiles, files({ "/c/ca.pem": "CA", "/c/cert.pem": "C", "/c/key.pem": "K" })),
    { caCerts: ["CA"], cert: "C", key: "K" },
  );
  assert.throws(
    () => readTlsMaterial(tlsFiles, files({})),
    /^DockerError: Cannot read the Docker TLS files: \/c\/ca.pem does not exist$/,
  );
  assert.throws(
    () => readTlsMaterial(tlsFiles, files({ "/c/ca.pem": "CA", "/c/cert.pem": "C" })),
    /\/c\/key.pem is missing/,
  );
  assert.deepEqual(readTlsMaterial({ ...tlsFiles, verify: false }, files({})), { caCerts: [] });
});
