/**
 * The bounded record of a run's output: the last 64 KiB of stdout and stderr combined, in arrival order.
 *
 * @module
 */

/** How many bytes of output a run keeps. */
export const OUTPUT_TAIL_BYTES = 65536;

/**
 * Keeps the last `limit` bytes pushed into it.
 *
 * @example
 * ```ts
 * import { OutputTail } from "./output_tail.ts";
 * const tail = new OutputTail(4);
 * tail.push(new TextEncoder().encode("abcdef"));
 * console.assert(tail.text() === "cdef");
 * ```
 */
export class OutputTail {
  readonly #limit: number;
  #chunks: Uint8Array[] = [];
  #size = 0;
  #total = 0;

  /**
   * Creates an empty tail.
   *
   * @param limit How many bytes to keep. @default {65536}
   */
  constructor(limit: number = OUTPUT_TAIL_BYTES) {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new RangeError(
        `Cannot keep an output tail of ${limit} bytes: expected a non-negative integer`,
      );
    }
    this.#limit = limit;
  }

  /**
   * Appends bytes, dropping the oldest ones beyond the limit. The bytes are copied.
   *
   * @param bytes The next output.
   */
  push(bytes: Uint8Array): void {
    this.#total += bytes.length;
    if (this.#limit === 0 || bytes.length === 0) return;
    const kept = bytes.length > this.#limit
      ? bytes.slice(bytes.length - this.#limit)
      : bytes.slice();
    this.#chunks.push(kept);
    this.#size += kept.length;
    while (this.#chunks.length > 0 && this.#size - (this.#chunks[0]?.length ?? 0) >= this.#limit) {
      this.#size -= this.#chunks.shift()?.length ?? 0;
    }
  }

  /** How many bytes were pushed in total. */
  get totalBytes(): number {
    return this.#total;
  }

  /** Whether older output was dropped. */
  get truncated(): boolean {
    return this.#total > this.#limit;
  }

  /**
   * The kept bytes (at most `limit`).
   *
   * @returns A new array.
   */
  bytes(): Uint8Array {
    const all = new Uint8Array(this.#size);
    let offset = 0;
    for (const chunk of this.#chunks) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    return this.#size > this.#limit ? all.slice(this.#size - this.#limit) : all;
  }

  /**
   * The kept output as text. When older output was dropped, a UTF-8 sequence cut at the start is dropped too;
   * other invalid bytes become U+FFFD.
   *
   * @returns The text.
   */
  text(): string {
    let bytes = this.bytes();
    if (this.truncated) {
      let skip = 0;
      while (skip < 3 && skip < bytes.length && ((bytes[skip] ?? 0) & 0xc0) === 0x80) skip++;
      bytes = bytes.subarray(skip);
    }
    return new TextDecoder().decode(bytes);
  }
}
