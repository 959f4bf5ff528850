/**
 * A small typed client of docket's HTTP API, as the CLI uses it: list, get, put and delete
 * allocations, read their run records, start, suspend and resume them, with a timeout and errors
 * that read well on a terminal.
 *
 * @module
 */
import type { AllocationView } from "../http/allocation_view.ts";
import type { AllocationSpec, FieldErrors } from "../spec/allocation.ts";
import { summarizeFieldErrors } from "../spec/allocation.ts";
import type { RunRecord, RunSummary } from "../store/run_record.ts";
import { isJsonObject } from "../spec/canonical_keys.ts";

/** Where the CLI looks for docket when neither `--host` nor `DOCKET_HOST` says. */
export const DEFAULT_HOST = "http://localhost:3000";

/** How long a request may take before the client gives up, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Options for {@linkcode ApiClient}. */
export interface ApiClientOptions {
  /** The fetch function to use. @default {globalThis.fetch} */
  fetch?: typeof fetch;
  /** How long one request may take, in milliseconds. @default {30000} */
  timeoutMs?: number;
  /** Called before each request, with its method and URL (the CLI prints them). */
  onRequest?: (method: string, url: string) => void;
}

/** The answer to a push: whether the allocation was new. */
export interface PutResult {
  /** True when the allocation was created, false when an existing one was updated. */
  created: boolean;
}

/** Options for {@linkcode ApiClient.run}. */
export interface GetRunOptions {
  /**
   * Long-poll: have the server wait up to this many milliseconds for the run to end before it
   * answers (`?wait=`, capped at 5 minutes by the server). The request may then take this long on
   * top of the client's own timeout.
   */
  waitMs?: number;
}

/** Options for {@linkcode ApiError}. */
export interface ApiErrorOptions extends ErrorOptions {
  /** The HTTP status, when the server answered. */
  status?: number;
  /** The server's field errors, when it sent some. */
  fields?: FieldErrors;
  /** What went wrong, without saying which request (for callers that add their own context). */
  detail?: string;
  /** True when the server could not be reached at all. */
  unreachable?: boolean;
}

/** A request to docket that failed: unreachable server, timeout, HTTP error, or bad answer. */
export class ApiError extends Error {
  /** The HTTP status, or undefined when there was no answer. */
  readonly status: number | undefined;
  /** The server's field errors (`{"Cron": "syntax error in minute field: '61'"}`), maybe empty. */
  readonly fields: FieldErrors;
  /** What went wrong, without the request: the field errors, or else the server's message. */
  readonly detail: string;
  /** True when the server could not be reached (connection refused, DNS, timeout). */
  readonly unreachable: boolean;

  /** Makes the error; see {@linkcode ApiErrorOptions}. */
  constructor(message: string, options: ApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ApiError";
    this.status = options.status;
    this.fields = options.fields ?? {};
    this.detail = options.detail ?? message;
    this.unreachable = options.unreachable ?? false;
  }
}

/**
 * Reads a `--host` value: an http(s) URL, where a missing scheme means `http://` and trailing
 * slashes are dropped.
 *
 * @example
 * ```ts
 * parseHost("localhost:3000/"); // "http://localhost:3000"
 * ```
 *
 * @throws {RangeError} when it is not an http or https URL
 */
export function parseHost(text: string): string {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL | undefined;
  try {
    url = new URL(withScheme);
  } catch {
    url = undefined;
  }
  if (
    url === undefined || trimmed === "" || (url.protocol !== "http:" && url.protocol !== "https:")
  ) {
    throw new RangeError(
      `Cannot use host "${text}": give docket's http or https URL, such as ${DEFAULT_HOST}`,
    );
  }
  if (url.search !== "" || url.hash !== "") {
    throw new RangeError(`Cannot use host "${text}": a host URL has no query or fragment`);
  }
  return withScheme.replace(/\/+$/, "");
}

/**
 * A client of one docket server.
 *
 * @example
 * ```ts ignore
 * const client = new ApiClient("http://localhost:3000");
 * const { created } = await client.put(spec);
 * ```
 */
export class ApiClient {
  /** The server's base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #onRequest: ((method: string, url: string) => void) | undefined;

  /**
   * Makes a client of the server at `host` (see {@linkcode parseHost}).
   *
   * @throws {RangeError} when `host` is not an http(s) URL
   */
  constructor(host: string, options: ApiClientOptions = {}) {
    this.baseUrl = parseHost(host);
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#onRequest = options.onRequest;
  }

  /** The URL of the collection (`name` undefined) or of one allocation, name percent-encoded. */
  urlOf(name?: string): string {
    return name === undefined ? `${this.baseUrl}/` : `${this.baseUrl}/${encodeURIComponent(name)}`;
  }

  /** Every allocation, in creation order. */
  async list(): Promise<AllocationView[]> {
    const answer = await this.#send("GET", this.urlOf());
    if (!Array.isArray(answer)) throw this.#badAnswer("GET", this.urlOf(), "expected a list");
    return answer as AllocationView[];
  }

  /** The allocation called `name`. */
  async get(name: string): Promise<AllocationView> {
    const url = this.urlOf(checkName(name, "get"));
    const answer = await this.#send("GET", url);
    if (!isJsonObject(answer)) throw this.#badAnswer("GET", url, "expected an allocation");
    return answer as unknown as AllocationView;
  }

  /** Creates or updates the allocation `spec.Name`. */
  async put(spec: AllocationSpec): Promise<PutResult> {
    const url = this.urlOf();
    const answer = await this.#send("POST", url, { body: JSON.stringify(spec) });
    if (!isJsonObject(answer) || typeof answer.created !== "boolean") {
      throw this.#badAnswer("POST", url, 'expected {"created": true or false}');
    }
    return { created: answer.created };
  }

  /** Deletes the allocation called `name`. */
  async delete(name: string): Promise<void> {
    await this.#send("DELETE", this.urlOf(checkName(name, "delete")));
  }

  /**
   * The run records of `name`, newest first, without their output; at most `limit` of them.
   *
   * @throws {RangeError} when `limit` is not a positive whole number
   */
  async runs(name: string, limit?: number): Promise<RunSummary[]> {
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 1)) {
      throw new RangeError(`Cannot list runs: limit must be a positive integer, got ${limit}`);
    }
    const query = limit === undefined ? "" : `?limit=${limit}`;
    const url = `${this.urlOf(checkName(name, "list runs of"))}/runs${query}`;
    const answer = await this.#send("GET", url);
    if (!Array.isArray(answer)) throw this.#badAnswer("GET", url, "expected a list of runs");
    return answer as RunSummary[];
  }

  /**
   * Run `id` of `name`, with its output. With `waitMs`, the server first waits (at most that
   * long) for the run to end: the answer may still be a run whose `Status` is `running`.
   *
   * @example
   * ```ts ignore
   * const run = await client.run("foo", id, { waitMs: 30_000 });
   * ```
   */
  async run(name: string, id: string, options: GetRunOptions = {}): Promise<RunRecord> {
    const base = this.urlOf(checkName(name, "get a run of"));
    if (id === "") {
      throw new ApiError(`Cannot get a run of allocation "${name}": the run id is empty`);
    }
    const waitMs = options.waitMs === undefined ? undefined : Math.max(0, options.waitMs);
    const query = waitMs === undefined ? "" : `?wait=${formatWait(waitMs)}`;
    const url = `${base}/runs/${encodeURIComponent(id)}${query}`;
    const answer = await this.#send("GET", url, {
      timeoutMs: this.#timeoutMs + (waitMs ?? 0),
    });
    if (
      !isJsonObject(answer) || typeof answer.Id !== "string" || typeof answer.Status !== "string"
    ) {
      throw this.#badAnswer("GET", url, "expected a run record");
    }
    const record = answer as unknown as RunRecord;
    return { ...record, Output: typeof record.Output === "string" ? record.Output : "" };
  }

  /** Starts a run of `name` now, whatever its schedule; returns the new run's id. */
  async trigger(name: string): Promise<string> {
    const url = `${this.urlOf(checkName(name, "run"))}/run`;
    const answer = await this.#send("POST", url);
    if (!isJsonObject(answer) || typeof answer.Id !== "string" || answer.Id === "") {
      throw this.#badAnswer("POST", url, 'expected {"Id": "<run id>"}');
    }
    return answer.Id;
  }

  /** Stops scheduling `name` (runs in flight go on); returns the allocation as it now is. */
  async suspend(name: string): Promise<AllocationView> {
    return await this.#control(name, "suspend");
  }

  /** Schedules `name` again after {@linkcode ApiClient.suspend}; returns the allocation. */
  async resume(name: string): Promise<AllocationView> {
    return await this.#control(name, "resume");
  }

  async #control(name: string, verb: "suspend" | "resume"): Promise<AllocationView> {
    const url = `${this.urlOf(checkName(name, verb))}/${verb}`;
    const answer = await this.#send("POST", url);
    if (!isJsonObject(answer)) throw this.#badAnswer("POST", url, "expected an allocation");
    return answer as unknown as AllocationView;
  }

  async #send(method: string, url: string, options: SendOptions = {}): Promise<unknown> {
    const { body } = options;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    this.#onRequest?.(method, url);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      let response: Response;
      let text: string;
      try {
        response = await this.#fetch(url, {
          method,
          headers,
          signal: controller.signal,
          ...(body === undefined ? {} : { body }),
        });
        text = await response.text();
      } catch (error) {
        const detail = controller.signal.aborted
          ? `no answer within ${formatSeconds(timeoutMs)}`
          : describeFetchError(error);
        throw new ApiError(`Cannot reach docket at ${this.baseUrl}: ${detail}`, {
          cause: error,
          unreachable: true,
        });
      }
      const data = parseJson(text);
      if (!response.ok) throw httpError(method, url, response, data, text);
      if (data === undefined) throw this.#badAnswer(method, url, `not JSON: ${snippet(text)}`);
      return data;
    } finally {
      clearTimeout(timer);
    }
  }

  #badAnswer(method: string, url: string, detail: string): ApiError {
    return new ApiError(`Cannot read docket's answer to ${method} ${url}: ${detail}`, { detail });
  }
}

interface SendOptions {
  /** The JSON body. */
  body?: string;
  /** This request's timeout, in milliseconds. @default {the client's} */
  timeoutMs?: number;
}

function checkName(name: string, verb: string): string {
  if (name === "") throw new ApiError(`Cannot ${verb} allocation "": the name is empty`);
  return name;
}

function httpError(
  method: string,
  url: string,
  response: Response,
  data: unknown,
  text: string,
): ApiError {
  const serverMessage = isJsonObject(data) && typeof data.error === "string" && data.error !== ""
    ? data.error
    : undefined;
  const fields: FieldErrors = {};
  if (isJsonObject(data) && isJsonObject(data.fields)) {
    for (const [path, message] of Object.entries(data.fields)) {
      fields[path] = typeof message === "string" ? message : JSON.stringify(message);
    }
  }
  const status = `the server answered ${response.status} ${response.statusText}`.trimEnd() +
    (serverMessage === undefined && text.trim() !== "" ? `: ${snippet(text)}` : "");
  const detail = Object.keys(fields).length > 0
    ? summarizeFieldErrors(fields)
    : serverMessage ?? status;
  return new ApiError(serverMessage ?? `Cannot ${method} ${url}: ${status}`, {
    status: response.status,
    fields,
    detail,
  });
}

/**
 * The cause of a failed fetch in a few words: `connection refused`, `cannot resolve "x": …`.
 * Deno's own text is `error sending request for url (…): client error (Connect): tcp connect
 * error: Connection refused (os error 111)`.
 */
function describeFetchError(error: unknown): string {
  let text = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.cause instanceof Error) text = error.cause.message;
  text = text
    .replace(/^error sending request for url \([^)]*\):\s*/, "")
    .replace(/^client error \(\w+\):\s*/, "")
    .replace(/\s*\(os error \d+\)$/, "")
    .replace(/^tcp connect error:\s*/, "")
    .replace(/^dns error: failed to lookup address information:\s*/, "cannot resolve host name: ");
  return text === "" ? "unknown error" : text.charAt(0).toLowerCase() + text.slice(1);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function snippet(text: string): string {
  const line = text.trim().replace(/\s+/g, " ");
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** A `?wait=` value the server's duration parser reads: `30s`, `1500ms`. */
function formatWait(ms: number): string {
  const whole = Math.ceil(ms);
  return whole % 1000 === 0 ? `${whole / 1000}s` : `${whole}ms`;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
