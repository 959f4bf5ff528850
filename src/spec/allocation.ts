/**
 * The allocation specification: what a user posts or pushes, validated with zod.
 *
 * `{Name, Cron, Container}` as in the original docket, where `Container` is Docker's
 * create-container options (`Config`, `HostConfig`, `NetworkingConfig`), kept as given and handed
 * to the Engine unchanged.
 *
 * @module
 */
import { z } from "zod";
import { canonicalSpecKeys, type JsonObject } from "./canonical_keys.ts";
import { type CronSchedule, parseCron } from "./cron.ts";

/** What a valid allocation name looks like. */
export const NAME_PATTERN: RegExp = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/** The message for a name that does not match {@linkcode NAME_PATTERN}. */
export const NAME_RULE =
  "Name must be 1 to 128 characters: a letter or digit, then letters, digits, '_', '.' or '-'";

/** Docker's create-container options, as docket stores them. */
export interface ContainerSpec {
  /** Docker's container `Config`; `Image` is required, everything else is passed through. */
  Config: JsonObject & { Image: string };
  /** Docker's `HostConfig`, passed through. */
  HostConfig?: JsonObject;
  /** Docker's `NetworkingConfig`, passed through. */
  NetworkingConfig?: JsonObject;
}

/** A validated allocation specification, with canonical keys. */
export interface AllocationSpec {
  /** The allocation's unique name. */
  Name: string;
  /** The cron expression, in the original docket's dialect. */
  Cron: string;
  /** Docker's create-container options. */
  Container: ContainerSpec;
}

const LABELS_RULE = "Labels must be an object of strings";

const object = (what: string) =>
  z.record(z.string(), z.unknown(), {
    error: (issue) =>
      issue.input === undefined ? `${what} is required` : `${what} must be an object`,
  });

const schema = z.object({
  Name: z
    .string({ error: (issue) => issue.input === undefined ? "Required" : "Name must be a string" })
    .min(1, "Required")
    .regex(NAME_PATTERN, NAME_RULE),
  Cron: z
    .string({ error: (issue) => issue.input === undefined ? "Required" : "Cron must be a string" })
    .min(1, "Required"),
  Container: z.object({
    Config: z.looseObject({
      Image: z
        .string({
          error: (issue) =>
            issue.input === undefined ? "Image is required" : "Image must be a string",
        })
        .min(1, "Image is required"),
      Labels: z.record(z.string(), z.string({ error: LABELS_RULE }), { error: LABELS_RULE })
        .optional(),
    }, {
      error: (issue) =>
        issue.input === undefined ? "Config is required" : "Config must be an object",
    }),
    HostConfig: object("HostConfig").optional(),
    NetworkingConfig: object("NetworkingConfig").optional(),
  }, {
    error: (issue) =>
      issue.input === undefined ? "Config is required" : "Container must be an object",
  }),
});

/** Field paths (`Container.Config.Image`) mapped to what is wrong with them. */
export type FieldErrors = Record<string, string>;

/** The outcome of {@linkcode validateSpec}. */
export type SpecValidation =
  | { ok: true; spec: AllocationSpec; schedule: CronSchedule }
  | { ok: false; fields: FieldErrors };

/** Options for {@linkcode validateSpec}. */
export interface ValidateOptions {
  /** The present, to refuse a schedule that can never fire again. */
  now: Date;
}

/**
 * Validates a decoded JSON or YAML value as an allocation specification. Keys match
 * case-insensitively and come back canonical; unknown top-level keys (such as the `Logs` and
 * `Next` of a fetched allocation) are dropped; Docker's options are kept as given.
 */
export function validateSpec(input: unknown, options: ValidateOptions): SpecValidation {
  const canonical = canonicalSpecKeys(input);
  const fields: FieldErrors = {};
  if (typeof canonical !== "object" || canonical === null || Array.isArray(canonical)) {
    return { ok: false, fields: { "": "an allocation must be a JSON object" } };
  }
  const result = schema.safeParse(canonical);
  if (!result.success) {
    for (const issue of result.error.issues) {
      // A missing Container reads as a missing Config, as in the original docket.
      const path = issue.message === "Config is required"
        ? "Container.Config"
        : issue.path.map(String).join(".");
      fields[path] ??= issue.message;
    }
  }
  let schedule: CronSchedule | undefined;
  const cron = (canonical as JsonObject).Cron;
  if (typeof cron === "string" && cron !== "") {
    try {
      schedule = parseCron(cron);
      if (schedule.next(options.now) === null) {
        fields.Cron = `Cron "${cron}" never fires after ${options.now.toISOString()}`;
      }
    } catch (error) {
      fields.Cron = error instanceof Error ? error.message : String(error);
    }
  }
  if (!result.success || schedule === undefined || Object.keys(fields).length > 0) {
    return { ok: false, fields };
  }
  return { ok: true, spec: pick(result.data as AllocationSpec), schedule };
}

/** Keeps only the specification's own fields, in canonical order. */
function pick(spec: AllocationSpec): AllocationSpec {
  const container: ContainerSpec = { Config: spec.Container.Config };
  if (spec.Container.HostConfig) container.HostConfig = spec.Container.HostConfig;
  if (spec.Container.NetworkingConfig) container.NetworkingConfig = spec.Container.NetworkingConfig;
  return { Name: spec.Name, Cron: spec.Cron, Container: container };
}

/** One line summarising field errors: `Cron: syntax error in minute field: '61'; Name: Required`. */
export function summarizeFieldErrors(fields: FieldErrors): string {
  return Object.entries(fields)
    .map(([path, message]) => (path === "" ? message : `${path}: ${message}`))
    .join("; ");
}
