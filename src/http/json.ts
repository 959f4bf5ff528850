/**
 * JSON requests and responses: bounded body reading with clear errors, and compact JSON answers.
 *
 * @module
 */
import { HttpError } from "./http_error.ts";

/** The largest request body accepted, in bytes (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A compact JSON response, `Content-Type: application/json; charset=UTF-8`. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=UTF-8", ...headers },
  });
}

/** The response for an {@linkcode HttpError}: `{"error": message, ...extra}`. */
export function errorResponse(error: HttpError): Response {
  return jsonResponse(error.status, { error: error.message, ...error.extra }, error.headers);
}

/**
 * Reads a request body of at most `maxBytes` and decodes it as JSON, whatever its Content-Type
 * (the original docket fell back to JSON too, and `curl -d` sends a form type).
 *
 * @throws {HttpError} 413 when the body is too large, 400 when it is empty or not JSON
 */
export async function readJsonBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body) {
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw badJson("the body is not UTF-8 text");
  }
  if (text.trim() === "") throw badJson("the body is empty; send an allocation as JSON");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badJson(describeJsonError(error, text));
  }
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `Cannot read body: it is larger than ${maxBytes} bytes`);
}

function badJson(detail: string): HttpError {
  const message = `Cannot read JSON body: ${detail}`;
  return new HttpError(400, message, {
    extra: { overall: { DeserializationError: detail }, fields: {} },
  });
}

/** The parser's message, with the line and column of the failure where it can be found. */
function describeJsonError(error: unknown, text: string): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(
    /\s*\n\s*/g,
    " ",
  );
  if (/line \d+ column \d+/.test(message)) return message;
  const at = /at position (\d+)/.exec(message);
  if (!at) return message;
  const position = Number(at[1]);
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return `${message} (line ${line} column ${column})`;
}
