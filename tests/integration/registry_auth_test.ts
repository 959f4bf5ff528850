/**
 * Registry credentials from Docker credential helpers, end to end: a real `docket server` process
 * with its own DOCKER_CONFIG and PATH pulls from an htpasswd registry with whatever
 * `docker-credential-dockettest` prints, named by `credHelpers` or `credsStore`.
 */
import assert from "node:assert/strict";
import { dockerTest, removeLabelled } from "../support/engine.ts";
import { type LocalRegistry, startRegistry } from "../support/registry.ts";
import { eventually, type ServerProcess, startServerProcess } from "../support/server_process.ts";

const FAR_FUTURE = "0 0 1 1 * 2099";
const ALICE = { username: "alice", password: "s3cret" };

/** A temp dir holding the helper program and a DOCKER_CONFIG dir next to it. */
interface HelperSetup {
  dir: string;
  configDir: string;
  /** Rewrites the helper: it answers `secret` for `host`, "not found" for anything else. */
  answer(host: string, secret: string): Promise<void>;
  /** What the helper was asked so far: `<operation> <server URL>` lines. */
  calls(): Promise<string[]>;
  /** The server's environment: DOCKER_CONFIG, and PATH with the helper first. */
  env: Record<string, string>;
}

async function helperSetup(
  config: Record<string, unknown>,
): Promise<HelperSetup & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "docket-credhelper-" });
  const configDir = `${dir}/docker-config`;
  await Deno.mkdir(configDir);
  await Deno.writeTextFile(`${configDir}/config.json`, JSON.stringify(config));
  const helper = `${dir}/docker-credential-dockettest`;
  const setup = {
    dir,
    configDir,
    async answer(host: string, secret: string) {
      const script = [
        "#!/bin/sh",
        "url=$(cat)",
        `echo "$1 $url" >> '${dir}/calls.log'`,
        '[ "$1" = get ] || exit 1',
        `if [ "$url" = '${host}' ]; then`,
        `  printf '{"ServerURL":"%s","Username":"alice","Secret":"${secret}"}\\n' "$url"`,
        "  exit 0",
        "fi",
        "echo 'credentials not found in native keychain'",
        "exit 1",
        "",
      ].join("\n");
      // Write a new file and rename it over the old one: no half-written script is ever run.
      await Deno.writeTextFile(`${helper}.new`, script, { mode: 0o755 });
      await Deno.rename(`${helper}.new`, helper);
    },
    async calls() {
      try {
        return (await Deno.readTextFile(`${dir}/calls.log`)).split("\n").filter(Boolean);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return [];
        throw error;
      }
    },
    env: { DOCKER_CONFIG: configDir, PATH: `${dir}:${Deno.env.get("PATH") ?? ""}` },
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
  return setup;
}

// Each test ends its server with kill9 before removing its containers: a graceful stop would
// wait up to 30 s for a run that a failed assertion left going, and the memory store keeps nothing.

function uniqueName(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

async function createPulling(
  server: ServerProcess,
  name: string,
  registry: LocalRegistry,
): Promise<void> {
  const { status, body } = await server.json("POST", "/", {
    Name: name,
    Cron: FAR_FUTURE,
    PullPolicy: "Always",
    Container: {
      Config: { Image: registry.image, Cmd: ["echo", "from-registry"] },
      HostConfig: { AutoRemove: true },
    },
  });
  assert.equal(status, 201, JSON.stringify(body));
}

// deno-lint-ignore no-explicit-any
async function runNow(server: ServerProcess, name: string): Promise<any> {
  const { status, body: { Id } } = await server.json("POST", `/${name}/run`);
  assert.equal(status, 202);
  try {
    return await eventually(`run ${Id} finished`, async () => {
      const { body } = await server.json("GET", `/${name}/runs/${Id}?wait=20s`);
      return body.Status === "running" ? undefined : body;
    });
  } catch (error) {
    const texts = (await logs(server, name)).join("\n");
    throw new Error(`${(error as Error).message}\nLogs:\n${texts}\nServer:\n${server.stderr()}`);
  }
}

async function logs(server: ServerProcess, name: string): Promise<string[]> {
  const { body } = await server.json("GET", `/${name}`);
  return (body.Logs as string[]).map((entry) => entry.replace(/^[^,]+, \[(.*)\]$/, "$1"));
}

async function rmi(image: string): Promise<void> {
  await new Deno.Command("docker", { args: ["rmi", image], stdout: "null", stderr: "null" })
    .output();
}

dockerTest(
  "credHelpers: wrong credentials fail with the registry's error and pull nothing; right ones pull and run",
  async ({ docker }) => {
    await using registry = await startRegistry({ auth: ALICE });
    await using helper = await helperSetup({ credHelpers: { [registry.host]: "dockettest" } });
    const name = uniqueName("credhelper");
    await using server = await startServerProcess("memory", [], { env: helper.env });
    try {
      await createPulling(server, name, registry);

      await helper.answer(registry.host, "wrong");
      const denied = await runNow(server, name);
      assert.equal(denied.Status, "error", JSON.stringify(denied));
      assert.match(
        denied.Error,
        new RegExp(
          `^Cannot pull image ${registry.image}: .*(unauthorized|authentication required)`,
        ),
      );
      assert.equal(await docker.imageExists(registry.image), false);
      assert.deepEqual(await helper.calls(), [`get ${registry.host}`]);

      await helper.answer(registry.host, ALICE.password);
      const allowed = await runNow(server, name);
      assert.equal(allowed.Status, "succeeded", JSON.stringify(allowed));
      assert.equal(allowed.Output, "from-registry\n");
      const texts = await logs(server, name);
      assert.ok(
        texts.includes(`Pulled ${registry.repository} latest ${name}`),
        texts.join("\n"),
      );
      assert.equal(await docker.imageExists(registry.image), true);
      assert.deepEqual(await helper.calls(), [`get ${registry.host}`, `get ${registry.host}`]);
    } finally {
      await server.kill9();
      await removeLabelled(docker, `docket.allocation=${name}`);
      await rmi(registry.image);
    }
    assert.equal(await docker.imageExists(registry.image), false);
  },
);

dockerTest(
  "credsStore: a helper without credentials for the registry means anonymous; with them the pull succeeds",
  async ({ docker }) => {
    await using registry = await startRegistry({ auth: ALICE });
    await using helper = await helperSetup({ credsStore: "dockettest" });
    const name = uniqueName("credsstore");
    await using server = await startServerProcess("memory", [], { env: helper.env });
    try {
      await createPulling(server, name, registry);

      // "credentials not found" is no error of its own: the pull goes anonymous and is refused.
      await helper.answer("127.0.0.1:1", ALICE.password);
      const anonymous = await runNow(server, name);
      assert.equal(anonymous.Status, "error", JSON.stringify(anonymous));
      assert.match(
        anonymous.Error,
        new RegExp(`^Cannot pull image ${registry.image}: .*no basic auth credentials`),
      );
      assert.equal(await docker.imageExists(registry.image), false);

      await helper.answer(registry.host, ALICE.password);
      const allowed = await runNow(server, name);
      assert.equal(allowed.Status, "succeeded", JSON.stringify(allowed));
      assert.equal(allowed.Output, "from-registry\n");
      assert.ok(
        (await logs(server, name)).includes(`Pulled ${registry.repository} latest ${name}`),
      );
      assert.deepEqual(await helper.calls(), [`get ${registry.host}`, `get ${registry.host}`]);
    } finally {
      await server.kill9();
      await removeLabelled(docker, `docket.allocation=${name}`);
      await rmi(registry.image);
    }
    assert.equal(await docker.imageExists(registry.image), false);
  },
);
