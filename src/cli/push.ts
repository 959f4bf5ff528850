/**
 * `docket push [FILE]`: validates a whole YAML file of allocations, then creates or updates each
 * of them on the server, in order.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import { type AllocationSpec, validateSpec } from "../spec/allocation.ts";
import { CONTAINER_FIELDS, SPEC_FIELDS } from "../spec/canonical_keys.ts";
import { type ApiClient, ApiError } from "./api_client.ts";
import { CliError } from "./cli_error.ts";
import type { Output } from "./output.ts";
import { readYamlItems, where, type YamlItem } from "./yaml_file.ts";

/** The file `docket push` reads when none is given. */
export const DEFAULT_FILE = "docket.yml";

/** What {@linkcode pushFile} needs. */
export interface PushDeps {
  /** The server's client. */
  client: ApiClient;
  /** Where to report. */
  output: Output;
  /** The present (a schedule that never fires after it is refused). */
  now: Date;
  /** The directory a relative FILE is read from. */
  cwd: string;
  /** Reads a file as UTF-8 text (`Deno.readTextFile`); throws `Deno.errors.NotFound` when absent. */
  readTextFile: (path: string) => Promise<string>;
}

/**
 * Pushes the allocations of `file` (default `docket.yml` in `deps.cwd`). Nothing is sent unless
 * every item is valid; then each is sent in order and reported (`Created allocation foo`), going
 * on after a rejected item but stopping when the server cannot be reached.
 *
 * @throws {CliError} when the file cannot be read or is invalid, or when any push failed
 */
export async function pushFile(file: string | undefined, deps: PushDeps): Promise<void> {
  const { client, output } = deps;
  const fileName = file ?? DEFAULT_FILE;
  const text = await readFile(fileName, file === undefined, deps);
  const read = readYamlItems(text, { fileName });
  if (!read.ok) {
    for (const error of read.errors) output.stderr(`Error: ${error}\n`);
    throw new CliError(read.errors.join("\n"), { reported: true });
  }
  for (const warning of read.warnings) output.stderr(`Warning: ${warning}\n`);
  const { items } = read;
  if (items.length === 0) {
    output.stderr(`Nothing to push: ${fileName} holds no allocations\n`);
    return;
  }

  const specs = validateItems(items, fileName, deps);

  let failed = 0;
  for (const spec of specs) {
    try {
      const { created } = await client.put(spec);
      output.stdout(`${created ? "Created" : "Updated"} allocation ${spec.Name}\n`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.unreachable) {
        const sent = specs.indexOf(spec);
        const note = sent > 0 ? ` (${sent} of ${specs.length} allocations were pushed)` : "";
        throw new CliError(`${error.message}${note}`, { cause: error });
      }
      failed++;
      output.stderr(`Error: Cannot push allocation "${spec.Name}": ${error.detail}\n`);
    }
  }
  if (failed > 0) {
    const message = `Cannot push ${failed} of ${specs.length} allocations from ${fileName}`;
    output.stderr(`Error: ${message}\n`);
    throw new CliError(message, { reported: true });
  }
}

async function readFile(fileName: string, isDefault: boolean, deps: PushDeps): Promise<string> {
  const path = isAbsolute(fileName) ? fileName : join(deps.cwd, fileName);
  try {
    return await deps.readTextFile(path);
  } catch (error) {
    let detail: string;
    if (error instanceof Deno.errors.NotFound) {
      detail = isDefault
        ? `no such file (run docket push FILE, or create ./${DEFAULT_FILE})`
        : "no such file";
    } else if (error instanceof Deno.errors.IsADirectory) {
      detail = "it is a directory";
    } else {
      detail = error instanceof Error ? error.message : String(error);
    }
    throw new CliError(`Cannot read ${fileName}: ${detail}`, { cause: error });
  }
}

/**
 * Validates every item, reporting every problem with the item's index, name, field and
 * position; warns about keys that docket ignores.
 *
 * @throws {CliError} (already reported) when any item is invalid
 */
function validateItems(items: YamlItem[], fileName: string, deps: PushDeps): AllocationSpec[] {
  const { output, now } = deps;
  const specs: AllocationSpec[] = [];
  const errors: string[] = [];
  const firstByName = new Map<string, YamlItem>();
  let invalid = 0;
  for (const item of items) {
    const label = `${fileName} item ${item.index}${
      item.name === undefined ? "" : ` ("${item.name}")`
    }`;
    for (const warning of unknownKeys(item)) output.stderr(`Warning: ${label}, ${warning}\n`);
    const result = validateSpec(item.value, { now });
    const problems: string[] = [];
    if (!result.ok) {
      for (const [path, message] of Object.entries(result.fields)) {
        const field = path === "" ? "" : `, ${path}`;
        const text = path === ""
          ? "an allocation must be a mapping with Name, Cron and Container"
          : message;
        problems.push(`${label}${field} (${where(item.locate(path))}): ${text}`);
      }
    } else {
      const first = firstByName.get(result.spec.Name);
      if (first) {
        problems.push(
          `${label}, Name (${where(item.locate("Name"))}): "${result.spec.Name}" is already ` +
            `item ${first.index}; names must be unique, or the later one replaces the earlier`,
        );
      } else {
        firstByName.set(result.spec.Name, item);
      }
      specs.push(result.spec);
    }
    if (problems.length > 0) invalid++;
    errors.push(...problems);
  }
  if (invalid > 0) {
    for (const error of errors) output.stderr(`Error: ${error}\n`);
    const summary = `Cannot push ${fileName}: ${invalid} of ${items.length} ` +
      `allocation${items.length === 1 ? " is" : "s are"} invalid; nothing was sent`;
    output.stderr(`Error: ${summary}\n`);
    throw new CliError(summary, { reported: true });
  }
  return specs;
}

const knownTop = new Set(SPEC_FIELDS.map((field) => field.toLowerCase()));
const knownContainer = new Set(CONTAINER_FIELDS.map((field) => field.toLowerCase()));

/** Keys of the item and of its `Container` that docket does not know, and so ignores. */
function unknownKeys(item: YamlItem): string[] {
  const container = item.keysAt("").find((k) => k.key.toLowerCase() === "container");
  const lists = [
    { keys: item.keysAt(""), known: knownTop, prefix: "" },
    {
      keys: container ? item.keysAt("Container") : [],
      known: knownContainer,
      prefix: "Container.",
    },
  ];
  return lists.flatMap(({ keys, known, prefix }) =>
    keys
      .filter(({ key }) => !known.has(key.toLowerCase()))
      .map(({ key, position }) => `${prefix}${key} (${where(position)}): unknown key, ignored`)
  );
}
