/**
 * Registry credentials for pulls, found the way the docker CLI finds them (`config.json`, credential helpers),
 * and encoded as the `X-Registry-Auth` header.
 *
 * @module
 */

import { dockerConfigDir, type Env } from "./endpoint.ts";
import { DockerError } from "./errors.ts";
import { DEFAULT_DOMAIN } from "./image_ref.ts";

/** The config.json key the docker CLI uses for Docker Hub. */
export const DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";

/** Credentials for one registry, as sent to the engine. */
export type RegistryCredentials =
  | { username: string; password: string; serveraddress: string }
  | { identitytoken: string; serveraddress: string };

/** What a command run returned. */
export interface CommandOutput {
  /** Exit code. */
  code: number;
  /** Standard output as text. */
  stdout: string;
  /** Standard error as text. */
  stderr: string;
}

/** The side effects registry-credential lookup needs, injected so it can be tested without files or programs. */
export interface RegistryAuthDeps {
  /** The environment (for `DOCKER_CONFIG` and `HOME`). */
  env: Env;
  /** Reads a file; rejects with `Deno.errors.NotFound` when it is missing. */
  readTextFile(path: string): Promise<string>;
  /** Runs a program with the given standard input. */
  runCommand(program: string, args: string[], stdin: string): Promise<CommandOutput>;
}

/**
 * The config.json key for a registry domain: `https://index.docker.io/v1/` for Docker Hub, else `host[:port]`.
 *
 * @param domain The domain of a parsed reference, e.g. `docker.io` or `localhost:5000`.
 * @returns The key.
 */
export function registryAuthKey(domain: string): string {
  return domain === DEFAULT_DOMAIN || domain === "index.docker.io" ? DOCKER_HUB_AUTH_KEY : domain;
}

/**
 * Reduces a config.json key to a host the way the CLI's `ConvertToHostname` does:
 * `https://registry.example.com/v2/` → `registry.example.com`.
 *
 * @param key A config.json `auths` key.
 * @returns The host with optional port.
 */
export function normaliseRegistryKey(key: string): string {
  const withoutScheme = key.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, "");
  const host = withoutScheme.split("/")[0] ?? "";
  return host === "index.docker.io" || host === "registry-1.docker.io" ? "docker.io" : host;
}

/**
 * Encodes credentials for `X-Registry-Auth`: base64url of the JSON, keeping the `=` padding (the daemon decodes
 * with Go's padded `base64.URLEncoding`).
 *
 * @param credentials What to send.
 * @returns The header value.
 */
export function encodeRegistryAuth(credentials: RegistryCredentials): string {
  const bytes = new TextEncoder().encode(JSON.stringify(credentials));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_");
}

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

function configError(path: string, detail: string, cause?: unknown): DockerError {
  return new DockerError(`read registry credentials from ${path}`, detail, {
    kind: "config",
    cause,
  });
}

async function readConfig(
  path: string,
  deps: RegistryAuthDeps,
): Promise<DockerConfigFile | undefined> {
  let text: string;
  try {
    text = await deps.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw configError(path, error instanceof Error ? error.message : String(error), error);
  }
  if (text.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw configError(
      path,
      `invalid JSON: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw configError(path, "expected a JSON object");
  }
  return parsed as DockerConfigFile;
}

function decodeBasicAuth(encoded: string, path: string): { username: string; password: string } {
  let decoded: string;
  try {
    const binary = atob(encoded.trim());
    decoded = new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  } catch (error) {
    throw configError(path, "an auths entry has an invalid base64 auth field", error);
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) throw configError(path, "an auths entry's auth field is not user:password");
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1).replace(/\0+$/, ""),
  };
}

function fromFileStore(
  config: DockerConfigFile,
  key: string,
  path: string,
): RegistryCredentials | undefined {
  const auths = config.auths ?? {};
  let entry: AuthEntry | undefined = auths[key];
  if (entry === undefined) {
    const wanted = normaliseRegistryKey(key);
    const match = Object.keys(auths).find((candidate) =>
      normaliseRegistryKey(candidate) === wanted
    );
    entry = match === undefined ? undefined : auths[match];
  }
  if (entry === undefined || entry === null || typeof entry !== "object") return undefined;
  if (typeof entry.identitytoken === "string" && entry.identitytoken !== "") {
    return { identitytoken: entry.identitytoken, serveraddress: key };
  }
  if (typeof entry.auth === "string" && entry.auth !== "") {
    return { ...decodeBasicAuth(entry.auth, path), serveraddress: key };
  }
  if (typeof entry.username === "string" && typeof entry.password === "string") {
    return { username: entry.username, password: entry.password, serveraddress: key };
  }
  return undefined;
}

async function fromHelper(
  helper: string,
  key: string,
  deps: RegistryAuthDeps,
): Promise<RegistryCredentials | undefined> {
  const program = `docker-credential-${helper}`;
  const operation = `get registry credentials for ${key} from ${program}`;
  let output: CommandOutput;
  try {
    output = await deps.runCommand(program, ["get"], key);
  } catch (error) {
    const detail = error instanceof Deno.errors.NotFound
      ? `${program} is not installed`
      : error instanceof Error
      ? error.message
      : String(error);
    throw new DockerError(operation, detail, { kind: "config", cause: error });
  }
  const text = `${output.stdout}\n${output.stderr}`;
  if (output.code !== 0) {
    if (/credentials not found/i.test(text)) return undefined;
    const detail = output.stdout.trim() || output.stderr.trim() || `exit code ${output.code}`;
    throw new DockerError(operation, detail, { kind: "config" });
  }
  let parsed: { ServerURL?: unknown; Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(output.stdout);
  } catch (error) {
    if (/credentials not found/i.test(text)) return undefined;
    throw new DockerError(operation, "the helper did not print JSON", {
      kind: "config",
      cause: error,
    });
  }
  const username = typeof parsed.Username === "string" ? parsed.Username : "";
  const secret = typeof parsed.Secret === "string" ? parsed.Secret : "";
  if (secret === "" && username === "") return undefined;
  if (username === "<token>") return { identitytoken: secret, serveraddress: key };
  return { username, password: secret, serveraddress: key };
}

/**
 * Finds the credentials for a registry domain: `credHelpers[key]`, else `credsStore`, else `auths[key]` (or an
 * `auths` entry whose key normalises to the same host) in `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`.
 *
 * @param domain The registry domain of a parsed reference.
 * @param deps Environment, file reading and command running.
 * @returns The credentials, or `undefined` when none are configured.
 * @throws {DockerError} kind `config` when config.json or a credential helper is broken.
 */
export async function lookupRegistryCredentials(
  domain: string,
  deps: RegistryAuthDeps,
): Promise<RegistryCredentials | undefined> {
  const dir = dockerConfigDir(deps.env);
  if (dir === undefined) return undefined;
  const path = `${dir.replace(/\/+$/, "")}/config.json`;
  const config = await readConfig(path, deps);
  if (config === undefined) return undefined;
  const key = registryAuthKey(domain);
  const helper = config.credHelpers?.[key];
  if (typeof helper === "string" && helper !== "") return await fromHelper(helper, key, deps);
  if (typeof config.credsStore === "string" && config.credsStore !== "") {
    return await fromHelper(config.credsStore, key, deps);
  }
  return fromFileStore(config, key, path);
}

/** Resolves the `X-Registry-Auth` header for a registry domain, or `undefined` for none. */
export type RegistryAuthProvider = (domain: string) => Promise<string | undefined>;

/**
 * A provider that re-reads the Docker config on every pull (so `docker login` takes effect without a restart).
 *
 * @param deps Environment, file reading and command running; see {@linkcode denoRegistryAuthDeps}.
 * @returns The provider.
 */
export function createRegistryAuthProvider(deps: RegistryAuthDeps): RegistryAuthProvider {
  return async (domain) => {
    const credentials = await lookupRegistryCredentials(domain, deps);
    return credentials === undefined ? undefined : encodeRegistryAuth(credentials);
  };
}

/**
 * The real side effects: `Deno.readTextFile` and `Deno.Command`.
 *
 * @param env The environment (e.g. `Deno.env.toObject()`).
 * @returns Dependencies for {@linkcode lookupRegistryCredentials}.
 */
export function denoRegistryAuthDeps(env: Env): RegistryAuthDeps {
  return {
    env,
    readTextFile: (path) => Deno.readTextFile(path),
    runCommand: async (program, args, stdin) => {
      const child = new Deno.Command(program, {
        args,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
        clearEnv: false,
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(stdin));
      await writer.close();
      const result = await child.output();
      const decoder = new TextDecoder();
      return {
        code: result.code,
        stdout: decoder.decode(result.stdout),
        stderr: decoder.decode(result.stderr),
      };
    },
  };
}
