import assert from "node:assert/strict";
import { DockerError } from "../../../src/docker/errors.ts";
import {
  type CommandOutput,
  createRegistryAuthProvider,
  DOCKER_HUB_AUTH_KEY,
  encodeRegistryAuth,
  lookupRegistryCredentials,
  normaliseRegistryKey,
  type RegistryAuthDeps,
  registryAuthKey,
} from "../../../src/docker/registry_auth.ts";

interface FakeOptions {
  env?: Record<string, string | undefined>;
  files?: Record<string, string>;
  helpers?: Record<string, (serverAddress: string) => CommandOutput>;
}

function fakeDeps(options: FakeOptions) {
  const runs: { program: string; args: string[]; stdin: string }[] = [];
  const deps: RegistryAuthDeps = {
    env: options.env ?? { HOME: "/home/me" },
    readTextFile: (path) => {
      const text = options.files?.[path];
      return text === undefined
        ? Promise.reject(new Deno.errors.NotFound(path))
        : Promise.resolve(text);
    },
    runCommand: (program, args, stdin) => {
      runs.push({ program, args, stdin });
      const helper = options.helpers?.[program];
      if (helper === undefined) return Promise.reject(new Deno.errors.NotFound(program));
      return Promise.resolve(helper(stdin));
    },
  };
  return { deps, runs };
}

const basic = (user: string, password: string) => btoa(`${user}:${password}`);
const CONFIG = "/home/me/.docker/config.json";

function decodeHeader(header: string): unknown {
  assert.match(header, /^[A-Za-z0-9_-]+={0,2}$/);
  const binary = atob(header.replaceAll("-", "+").replaceAll("_", "/"));
  return JSON.parse(
    new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0))),
  );
}

Deno.test("registryAuthKey() uses the legacy index URL for Docker Hub and host[:port] otherwise", () => {
  assert.equal(registryAuthKey("docker.io"), DOCKER_HUB_AUTH_KEY);
  assert.equal(registryAuthKey("localhost:5000"), "localhost:5000");
  assert.equal(normaliseRegistryKey("https://registry.example.com/v2/"), "registry.example.com");
  assert.equal(normaliseRegistryKey("https://index.docker.io/v1/"), "docker.io");
  assert.equal(normaliseRegistryKey("127.0.0.1:5001"), "127.0.0.1:5001");
});

Deno.test("encodeRegistryAuth() is base64url with padding", () => {
  const header = encodeRegistryAuth({
    username: "alice",
    password: "s3cret",
    serveraddress: "localhost:5001",
  });
  assert.equal(
    header,
    "eyJ1c2VybmFtZSI6ImFsaWNlIiwicGFzc3dvcmQiOiJzM2NyZXQiLCJzZXJ2ZXJhZGRyZXNzIjoibG9jYWxob3N0OjUwMDEifQ==",
  );
  // Characters that standard base64 would encode as + and /.
  const tricky = encodeRegistryAuth({ username: "?>?>", password: "ÿÿÿ", serveraddress: "h" });
  assert.ok(!tricky.includes("+") && !tricky.includes("/"));
  assert.deepEqual(decodeHeader(tricky), { username: "?>?>", password: "ÿÿÿ", serveraddress: "h" });
});

Deno.test("lookupRegistryCredentials() reads auths[key] from ~/.docker/config.json", async () => {
  const { deps } = fakeDeps({
    files: {
      [CONFIG]: JSON.stringify({
        auths: {
          "localhost:5000": { auth: basic("alice", "pa:ss") },
          [DOCKER_HUB_AUTH_KEY]: { auth: basic("hubuser", "hubpass") },
        },
      }),
    },
  });
  assert.deepEqual(await lookupRegistryCredentials("localhost:5000", deps), {
    username: "alice",
    password: "pa:ss",
    serveraddress: "localhost:5000",
  });
  assert.deepEqual(await lookupRegistryCredentials("docker.io", deps), {
    username: "hubuser",
    password: "hubpass",
    serveraddress: DOCKER_HUB_AUTH_KEY,
  });
  assert.equal(await lookupRegistryCredentials("ghcr.io", deps), undefined);
});

Deno.test("lookupRegistryCredentials() matches auths keys that normalise to the same host", async () => {
  const { deps } = fakeDeps({
    env: { DOCKER_CONFIG: "/cfg", HOME: "/home/me" },
    files: {
      "/cfg/config.json": JSON.stringify({
        auths: { "https://registry.example.com/v2/": { auth: basic("bob", "pw") } },
      }),
    },
  });
  assert.deepEqual(await lookupRegistryCredentials("registry.example.com", deps), {
    username: "bob",
    password: "pw",
    serveraddress: "registry.example.com",
  });
});

Deno.test("lookupRegistryCredentials() returns identity tokens from auths", async () => {
  const { deps } = fakeDeps({
    files: { [CONFIG]: JSON.stringify({ auths: { "ghcr.io": { identitytoken: "tok" } } }) },
  });
  assert.deepEqual(await lookupRegistryCredentials("ghcr.io", deps), {
    identitytoken: "tok",
    serveraddress: "ghcr.io",
  });
});

Deno.test("lookupRegistryCredentials() prefers credHelpers[key], then credsStore, over auths", async () => {
  const { deps, runs } = fakeDeps({
    files: {
      [CONFIG]: JSON.stringify({
        credHelpers: { "ecr.example.com": "ecr-login" },
        credsStore: "pass",
        auths: { "ecr.example.com": { auth: basic("file", "store") }, "other.io": {} },
      }),
    },
    helpers: {
      "docker-credential-ecr-login": (server) => ({
        code: 0,
        stdout: JSON.stringify({ ServerURL: server, Username: "AWS", Secret: "ecr-secret" }),
        stderr: "",
      }),
      "docker-credential-pass": (server) => ({
        code: 0,
        stdout: JSON.stringify({ ServerURL: server, Username: "<token>", Secret: "id-token" }),
        stderr: "",
      }),
    },
  });
  assert.deepEqual(await lookupRegistryCredentials("ecr.example.com", deps), {
    username: "AWS",
    password: "ecr-secret",
    serveraddress: "ecr.example.com",
  });
  assert.deepEqual(await lookupRegistryCredentials("other.io", deps), {
    identitytoken: "id-token",
    serveraddress: "other.io",
  });
  assert.deepEqual(runs, [
    { program: "docker-credential-ecr-login", args: ["get"], stdin: "ecr.example.com" },
    { program: "docker-credential-pass", args: ["get"], stdin: "other.io" },
  ]);
});

Deno.test("lookupRegistryCredentials() treats 'credentials not found' from a helper as no credentials", async () => {
  const { deps } = fakeDeps({
    files: { [CONFIG]: JSON.stringify({ credsStore: "desktop" }) },
    helpers: {
      "docker-credential-desktop": () => ({
        code: 1,
        stdout: "credentials not found in native keychain\n",
        stderr: "",
      }),
    },
  });
  assert.equal(await lookupRegistryCredentials("docker.io", deps), undefined);
});

Deno.test("lookupRegistryCredentials() fails clearly on a missing or failing helper and broken JSON", async () => {
  const missing = fakeDeps({ files: { [CONFIG]: JSON.stringify({ credsStore: "nope" }) } });
  await assert.rejects(lookupRegistryCredentials("docker.io", missing.deps), (error: unknown) => {
    assert.ok(error instanceof DockerError);
    assert.equal(
      error.message,
      `Cannot get registry credentials for ${DOCKER_HUB_AUTH_KEY} from docker-credential-nope: ` +
        "docker-credential-nope is not installed",
    );
    return true;
  });
  const failing = fakeDeps({
    files: { [CONFIG]: JSON.stringify({ credsStore: "x" }) },
    helpers: { "docker-credential-x": () => ({ code: 1, stdout: "", stderr: "keychain locked" }) },
  });
  await assert.rejects(
    lookupRegistryCredentials("ghcr.io", failing.deps),
    /from docker-credential-x: keychain locked$/,
  );
  const broken = fakeDeps({ files: { [CONFIG]: "{not json" } });
  await assert.rejects(
    lookupRegistryCredentials("ghcr.io", broken.deps),
    /^DockerError: Cannot read registry credentials from \/home\/me\/.docker\/config.json: invalid JSON/,
  );
});

Deno.test("createRegistryAuthProvider() returns no header without a config file", async () => {
  const { deps } = fakeDeps({});
  assert.equal(await createRegistryAuthProvider(deps)("docker.io"), undefined);
  const none = fakeDeps({ env: {} });
  assert.equal(await createRegistryAuthProvider(none.deps)("docker.io"), undefined);
});

Deno.test("createRegistryAuthProvider() encodes the found credentials as the X-Registry-Auth header", async () => {
  const { deps } = fakeDeps({
    files: { [CONFIG]: JSON.stringify({ auths: { "127.0.0.1:5001": { auth: basic("u", "p") } } }) },
  });
  const header = await createRegistryAuthProvider(deps)("127.0.0.1:5001");
  assert.ok(header !== undefined);
  assert.deepEqual(decodeHeader(header), {
    username: "u",
    password: "p",
    serveraddress: "127.0.0.1:5001",
  });
});
