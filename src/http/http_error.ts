/**
 * The one error type the HTTP layer turns into a response.
 *
 * @module
 */

/** An error that answers a request with `status` and a JSON body `{"error": message, ...extra}`. */
export class HttpError extends Error {
  /** The HTTP status to answer with. */
  readonly status: number;
  /** More JSON fields for the body (for example `fields` of a validation failure). */
  readonly extra: Record<string, unknown>;
  /** Extra response headers (for example `Allow` on a 405). */
  readonly headers: Record<string, string>;

  /** Makes an error answering `status` with `message`. */
  constructor(
    status: number,
    message: string,
    options: {
      extra?: Record<string, unknown>;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "HttpError";
    this.status = status;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}
