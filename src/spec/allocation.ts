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
import { canonicalSpecKeys, CONTROL_FIELDS, type JsonObject } from "./canonical_keys.ts";
import { type CronSchedule, isTimeZone, parseCron } from "./cron.ts";
import { parseDuration } from "./duration.ts";

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

/** What happens when a run is due while the previous one is still going. */
export type ConcurrencyPolicy = "Allow" | "Forbid" | "Replace";

/** When the image is pulled before a run. */
export type PullPolicy = "Always" | "IfNotPresent" | "Never";

/** A validated allocation specification, with canonical keys. */
export interface AllocationSpec {
  /** The allocation's unique name. */
  Name: string;
  /** The cron expression, in the original docket's dialect. */
  Cron: string;
  /** Docker's create-container options. */
  Container: ContainerSpec;
  /** The IANA time zone `Cron` is read in; unset means the server's (`TZ`). */
  TimeZone?: string;
  /** Overlapping runs: `Allow` (default), `Forbid` (skip) or `Replace` (stop the old one). */
  ConcurrencyPolicy?: ConcurrencyPolicy;
  /** The longest a run may take (`90s`, `5m`, `1h30m`); then it is stopped and recorded as `timeout`. */
  Timeout?: string;
  /** `Always` (default, as the original), `IfNotPresent` or `Never`. */
  PullPolicy?: PullPolicy;
  /** When true the allocation is kept but not scheduled. */
  Suspended?: boolean;
  /** How late a missed instant may still run after a restart (`90s`, `5m`); unset means never. */
  StartingDeadline?: string;
}

const LABELS_RULE = "Labels must be an object of strings";

const object = (what: string) =>
  z.record(z.string(), z.unknown(), {
    error: (issue) =>
      issue.input === undefined ? `${what} is required` : `${what} must be an object`,
  });

function validDuration(text: string): boolean {
  try {
    return parseDuration(text) > 0;
  } catch {
    return false;
  }
}

const durationField = (field: string) =>
  z.string({ error: `${field} must be a duration such as 90s, 5m or 1h30m` })
    .refine(validDuration, `${field} must be a positive duration such as 90s, 5m or 1h30m`)
    .nullish();

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
  TimeZone: z.string({ error: "TimeZone must be a string such as Europe/Berlin" })
    .refine(isTimeZone, "TimeZone must be an IANA time zone such as Europe/Berlin or UTC")
    .nullish(),
  ConcurrencyPolicy: z.enum(["Allow", "Forbid", "Replace"], {
    error: "ConcurrencyPolicy must be Allow, Forbid or Replace",
  }).nullish(),
  Timeout: durationField("Timeout"),
  PullPolicy: z.enum(["Always", "IfNotPresent", "Never"], {
    error: "PullPolicy must be Always, IfNotPresent or Never",
  }).nullish(),
  Suspended: z.boolean({ error: "Suspended must be true or false" }).nullish(),
  StartingDeadline: durationField("StartingDeadline"),
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
  const zone = (canonical as JsonObject).TimeZone;
  if (typeof cron === "string" && cron !== "" && !fields.TimeZone) {
    try {
      schedule = parseCron(cron, typeof zone === "string" ? { timeZone: zone } : {});
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
  return { ok: true, spec: pick(result.data), schedule };
}

/** Keeps only the specification's own fields, in canonical order; null controls mean unset. */
function pick(parsed: z.infer<typeof schema>): AllocationSpec {
  const { Config, HostConfig, NetworkingConfig } = parsed.Container;
  const container: ContainerSpec = { Config: Config as ContainerSpec["Config"] };
  if (HostConfig) container.HostConfig = HostConfig;
  if (NetworkingConfig) container.NetworkingConfig = NetworkingConfig;
  const spec: AllocationSpec = { Name: parsed.Name, Cron: parsed.Cron, Container: container };
  for (const field of CONTROL_FIELDS) {
    const value = parsed[field];
    if (value !== null && value !== undefined) Object.assign(spec, { [field]: value });
  }
  return spec;
}

/** One line summarising field errors: `Cron: syntax error in minute field: '61'; Name: Required`. */
export function summarizeFieldErrors(fields: FieldErrors): string {
  return Object.entries(fields)
    .map(([path, message]) => (path === "" ? message : `${path}: ${message}`))
    .join("; ");
}
