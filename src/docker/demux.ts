/**
 * Demultiplexing of Docker attach/logs bodies: 8-byte frame headers `[type, 0, 0, 0, size (big-endian u32)]`
 * before each payload when the container has no TTY; the raw bytes when it has one.
 *
 * @module
 */

/** Which output a chunk of container output came from. */
export type OutputStream = "stdout" | "stderr";

/** A piece of container output. */
export interface OutputChunk {
  /** `stdout` (frame type 0 or 1) or `stderr` (2, or 3 for daemon errors). With a TTY, everything is `stdout`. */
  stream: OutputStream;
  /** The payload bytes. */
  data: Uint8Array;
}

const HEADER_SIZE = 8;

/**
 * Incremental decoder for the multiplexed stream format. Feed it chunks as they arrive; frames may be split
 * anywhere, including inside the header.
 *
 * @example
 * ```ts
 * import { FrameDecoder } from "./demux.ts";
 * const decoder = new FrameDecoder();
 * const chunks = decoder.push(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 3, 104, 105, 10]));
 * console.assert(chunks[0]?.stream === "stderr" && chunks[0]?.data.length === 3);
 * ```
 */
export class FrameDecoder {
  readonly #header = new Uint8Array(HEADER_SIZE);
  #headerFilled = 0;
  #stream: OutputStream = "stdout";
  #remaining = 0;

  /**
   * Decodes what a chunk completes. Payload bytes are emitted as soon as they arrive, so a large frame may come out
   * in several pieces.
   *
   * @param chunk The next bytes of the body.
   * @returns The output pieces (possibly none).
   */
  push(chunk: Uint8Array): OutputChunk[] {
    const out: OutputChunk[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#remaining === 0) {
        const take = Math.min(HEADER_SIZE - this.#headerFilled, chunk.length - offset);
        this.#header.set(chunk.subarray(offset, offset + take), this.#headerFilled);
        this.#headerFilled += take;
        offset += take;
        if (this.#headerFilled < HEADER_SIZE) break;
        this.#headerFilled = 0;
        this.#stream = this.#header[0] === 0 || this.#header[0] === 1 ? "stdout" : "stderr";
        this.#remaining = new DataView(this.#header.buffer).getUint32(4, false);
        continue;
      }
      const take = Math.min(this.#remaining, chunk.length - offset);
      out.push({ stream: this.#stream, data: chunk.slice(offset, offset + take) });
      this.#remaining -= take;
      offset += take;
    }
    return out;
  }

  /** Whether the input so far ended inside a frame (a truncated stream). */
  get incomplete(): boolean {
    return this.#headerFilled > 0 || this.#remaining > 0;
  }
}

/** Options of {@linkcode demultiplex}. */
export interface DemultiplexOptions {
  /** The container's `Config.Tty`: `true` means the body is raw, not framed. */
  tty: boolean;
}

/**
 * Reads an attach or logs body to its end, yielding output pieces in arrival order.
 *
 * @param body The response body.
 * @param options Whether the container has a TTY.
 * @returns The output pieces.
 */
export async function* demultiplex(
  body: ReadableStream<Uint8Array>,
  options: DemultiplexOptions,
): AsyncGenerator<OutputChunk> {
  const decoder = options.tty ? undefined : new FrameDecoder();
  const reader = body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value.length === 0) continue;
      if (decoder === undefined) {
        yield { stream: "stdout", data: value };
      } else {
        for (const piece of decoder.push(value)) yield piece;
      }
    }
  } finally {
    // Early exit (break/throw) must release the body so the connection is closed.
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
