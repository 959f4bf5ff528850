/**
 * Reading a container's attach or logs body into an {@linkcode OutputTail}.
 *
 * @module
 */

import { demultiplex, type OutputChunk } from "../docker/demux.ts";
import type { OutputTail } from "./output_tail.ts";

/** Options of {@linkcode readOutput}. */
export interface ReadOutputOptions {
  /** The container's `Config.Tty`: raw output instead of multiplexed frames. */
  tty: boolean;
  /** Where the bytes go. */
  tail: OutputTail;
  /** Called with every piece of output as it arrives (live streaming). Exceptions thrown by it are ignored. */
  onOutput?: ((chunk: OutputChunk) => void) | undefined;
}

/**
 * Reads an attach or logs body to its end into the tail.
 *
 * @param body The response body.
 * @param options TTY mode, target tail, live callback.
 * @returns Resolves at the end of the body; rejects if reading fails (the bytes read so far stay in the tail).
 */
export async function readOutput(
  body: ReadableStream<Uint8Array>,
  options: ReadOutputOptions,
): Promise<void> {
  for await (const chunk of demultiplex(body, { tty: options.tty })) {
    options.tail.push(chunk.data);
    try {
      options.onOutput?.(chunk);
    } catch {
      // A broken listener must not lose the output.
    }
  }
}
