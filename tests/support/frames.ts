/**
 * Docker's multiplexed stream frames, built by hand for tests of the demultiplexer and the run
 * pipeline.
 *
 * @module
 */

const encoder = new TextEncoder();

/** One frame: `[type, 0, 0, 0, size (big-endian u32)]` then `text` (type 1 stdout, 2 stderr). */
export function frame(type: number, text: string): Uint8Array {
  const payload = encoder.encode(text);
  const bytes = new Uint8Array(8 + payload.length);
  bytes[0] = type;
  new DataView(bytes.buffer).setUint32(4, payload.length, false);
  bytes.set(payload, 8);
  return bytes;
}
