/**
 * A real local registry for pull tests: `docker-registry serve` (distribution 2.8) on 127.0.0.1 with filesystem
 * storage in a temp dir, optionally behind htpasswd auth, holding `busybox:latest` pushed with the docker CLI.
 * The daemon pulls from it, so it listens on 127.0.0.1 (127.0.0.0/8 is an insecure registry by default).
 *
 * @module
 */

/** Registry login. */
export interface RegistryCredentials {
  /** User name. */
  username: string;
  /** Password. */
  password: string;
}

/** A running local registry; dispose it with `await using`. */
export interface LocalRegistry extends AsyncDisposable {
  /** `127.0.0.1:<port>`. */
  host: string;
  /** The repository holding busybox: `127.0.0.1:<port>/docket-test/busybox`. */
  repository: string;
  /** `<repository>:<tag>`. */
  image: string;
  /** The manifest digest of the pushed image (`sha256:…`). */
  digest: string;
  /** A DOCKER_CONFIG directory whose config.json has an `auths` entry for this registry (when auth is on). */
  dockerConfigDir: string;
  /** Stops the registry process (the image stays local to the engine if it was pulled). */
  stop(): Promise<void>;
}

/** Options of {@linkcode startRegistry}. */
export interface StartRegistryOptions {
  /** Require HTTP Basic auth with these credentials (htpasswd, bcrypt). */
  auth?: RegistryCredentials;
  /** The tag to push. @default {"latest"} */
  tag?: string;
}

async function run(
  program: string,
  args: string[],
  options: { stdin?: string } = {},
): Promise<string> {
  const command = new Deno.Command(program, {
    args,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  const stdout = decoder.decode(output.stdout);
  if (!output.success) {
    const stderr = decoder.decode(output.stderr).trim();
    throw new Error(
      `Cannot run ${program} ${args.join(" ")}: exit ${output.code}: ${stderr || stdout.trim()}`,
    );
  }
  return stdout;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitUntilServing(url: string, process: Deno.ChildProcess): Promise<void> {
  const client = Deno.createHttpClient({});
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        const response = await fetch(url, { client });
        await response.body?.cancel();
        if (response.status === 200 || response.status === 401) return;
      } catch {
        // Not listening yet.
      }
      const exited = await Promise.race([
        process.status.then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 50)),
      ]);
      if (exited) {
        throw new Error(`Cannot start docker-registry: it exited (see its config at ${url})`);
      }
    }
    throw new Error(`Cannot start docker-registry: ${url} did not answer within 10 s`);
  } finally {
    client.close();
  }
}

/**
 * Starts a registry and pushes `busybox:latest` into it; the local tag is removed again, so the engine has to pull.
 *
 * @param options Auth and tag.
 * @returns The running registry.
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<LocalRegistry> {
  const dir = await Deno.makeTempDir({ prefix: "docket-registry-" });
  const port = freePort();
  const host = `127.0.0.1:${port}`;
  const configDir = `${dir}/docker-config`;
  await Deno.mkdir(configDir);
  let authConfig = "";
  const auths: Record<string, { auth: string }> = {};
  if (options.auth !== undefined) {
    const line = await run("htpasswd", ["-Bbn", options.auth.username, options.auth.password]);
    await Deno.writeTextFile(`${dir}/htpasswd`, line.trim() + "\n");
    authConfig = `auth:\n  htpasswd:\n    realm: docket-test\n    path: ${dir}/htpasswd\n`;
    auths[host] = { auth: btoa(`${options.auth.username}:${options.auth.password}`) };
  }
  await Deno.writeTextFile(`${configDir}/config.json`, JSON.stringify({ auths }, null, 2));
  await Deno.writeTextFile(
    `${dir}/config.yml`,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\n` +
      `http:\n  addr: ${host}\n${authConfig}`,
  );
  const process = new Deno.Command("docker-registry", {
    args: ["serve", `${dir}/config.yml`],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await process.status;
  };
  const repository = `${host}/docket-test/busybox`;
  const image = `${repository}:${options.tag ?? "latest"}`;
  const docker = (...args: string[]) => run("docker", ["--config", configDir, ...args]);
  try {
    await waitUntilServing(`http://${host}/v2/`, process);
    await docker("tag", "busybox:latest", image);
    const pushed = await docker("push", image);
    await docker("rmi", image);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)?.[1];
    if (digest === undefined) {
      throw new Error(`Cannot find the digest in the push output: ${pushed}`);
    }
    return {
      host,
      repository,
      image,
      digest,
      dockerConfigDir: configDir,
      stop,
      async [Symbol.asyncDispose]() {
        await stop();
        // Drop whatever the tests pulled from this registry (tags only; the layers are shared with busybox).
        const tags = await run("docker", [
          "images",
          "--format",
          "{{.Repository}}:{{.Tag}}",
          repository,
        ]);
        const references = tags.split("\n").filter((tag) => tag !== "" && !tag.endsWith(":<none>"));
        const digests = await run("docker", [
          "images",
          "--digests",
          "--format",
          "{{.Repository}}@{{.Digest}}",
          repository,
        ]);
        references.push(
          ...digests.split("\n").filter((ref) => ref !== "" && !ref.endsWith("@<none>")),
        );
        if (references.length > 0) await run("docker", ["rmi", ...references]).catch(() => "");
        await Deno.remove(dir, { recursive: true });
      },
    };
  } catch (error) {
    await stop();
    await run("docker", ["rmi", image]).catch(() => "");
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
}
