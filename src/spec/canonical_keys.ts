/**
 * Case-insensitive JSON keys, as the original docket and Docker itself accept them.
 *
 * Go's JSON decoder matches object keys to struct fields case-insensitively, so
 * `{"name":..,"container":{"config":{"image":..}}}` worked with the original docket and works
 * with the Docker Engine. docket rewrites the keys it knows to their canonical spelling before
 * validation, so stored allocations always read `Name`, `Container.Config.Image` and so on.
 * Keys it does not know are kept as they are (Docker still matches them its own way), and map
 * keys such as label names or environment names are never touched.
 *
 * @module
 */
import { CONFIG_FIELDS, HOST_CONFIG_FIELDS, NETWORKING_CONFIG_FIELDS } from "./docker_fields.ts";

/** The optional scheduling controls of a specification, in output order. */
export const CONTROL_FIELDS = [
  "TimeZone",
  "ConcurrencyPolicy",
  "Timeout",
  "PullPolicy",
  "Suspended",
  "StartingDeadline",
] as const;

/** The keys of an allocation specification, in output order. */
export const SPEC_FIELDS = ["Name", "Cron", "Container", ...CONTROL_FIELDS] as const;

/** The keys of `Container`. */
export const CONTAINER_FIELDS = ["Config", "HostConfig", "NetworkingConfig"] as const;

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function lookup(fields: readonly string[]): Map<string, string> {
  return new Map(fields.map((field) => [field.toLowerCase(), field]));
}

const specFields = lookup(SPEC_FIELDS);
const containerFields = lookup(CONTAINER_FIELDS);
const sections: Record<string, Map<string, string>> = {
  Config: lookup(CONFIG_FIELDS),
  HostConfig: lookup(HOST_CONFIG_FIELDS),
  NetworkingConfig: lookup(NETWORKING_CONFIG_FIELDS),
};

/**
 * Returns a copy of `object` whose keys known to `fields` are spelled canonically.
 * An exact match wins over a case-insensitive one, as in Go; among several
 * case-insensitive matches the last one wins.
 */
function canonicalize(object: JsonObject, fields: Map<string, string>): JsonObject {
  const out: JsonObject = {};
  const exact = new Set<string>();
  for (const [key, value] of Object.entries(object)) {
    const canonical = fields.get(key.toLowerCase());
    if (canonical === undefined) {
      out[key] = value;
    } else if (canonical === key) {
      out[key] = value;
      exact.add(key);
    } else if (!exact.has(canonical)) {
      out[canonical] = value;
    }
  }
  return out;
}

/**
 * Rewrites the known keys of an allocation specification (top level, `Container`, and the
 * first level of `Config`, `HostConfig` and `NetworkingConfig`) to their canonical spelling.
 * Returns a new value; the input is not changed. Non-objects are returned as they are.
 *
 * @example
 * ```ts
 * canonicalSpecKeys({ name: "a", container: { config: { image: "busybox" } } });
 * // → { Name: "a", Container: { Config: { Image: "busybox" } } }
 * ```
 */
export function canonicalSpecKeys(input: unknown): unknown {
  if (!isJsonObject(input)) return input;
  const spec = canonicalize(input, specFields);
  if (isJsonObject(spec.Container)) {
    const container = canonicalize(spec.Container, containerFields);
    for (const [section, fields] of Object.entries(sections)) {
      const value = container[section];
      if (isJsonObject(value)) container[section] = canonicalize(value, fields);
    }
    spec.Container = container;
  }
  return spec;
}
