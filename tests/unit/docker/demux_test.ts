import assert from "node:assert/strict";
import { frame } from "../../support/frames.ts";
import { demultiplex, FrameDecoder, type OutputChunk } from "../../../src/docker/demux.ts";

const encoder = new TextEncoder();

function concat(...parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

/** Joins consecutive pieces of the same stream, to compare independently of chunking. */
function merged(chunks: OutputChunk[]): [string, string][] {
  const out: [string, string][] = [];
  const decoder = new TextDecoder();
  for (const chunk of chunks) {
    const last = out.at(-1);
    if (last !== undefined && last[0] === chunk.stream) last[1] += decoder.decode(chunk.data);
    else out.push([chunk.stream, decoder.decode(chunk.data)]);
  }
  return out;
}

async function collect(body: ReadableStream<Uint8Array>, tty: boolean): Promise<OutputChunk[]> {
  const chunks: OutputChunk[] = [];
  for await (const chunk of demultiplex(body, { tty })) chunks.push(chunk);
  return chunks;
}

Deno.test("FrameDecoder decodes the documented stderr frame", () => {
  const decoder = new FrameDecoder();
  const out = decoder.push(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 3, 0x68, 0x69, 0x0a]));
  assert.deepEqual(merged(out), [["stderr", "hi\n"]]);
  assert.equal(decoder.incomplete, false);
});

Deno.test("FrameDecoder handles frames split at every possible byte, including inside the header", () => {
  const body = concat(
    frame(1, "out-1\n"),
    frame(2, "err-1\n"),
    frame(0, "in\n"),
    frame(1, ""),
    frame(1, "out-2"),
  );
  const expected = [["stdout", "out-1\n"], ["stderr", "err-1\n"], ["stdout", "in\nout-2"]];
  for (let cut = 1; cut < body.length; cut++) {
    for (const size of [1, 3, 7, cut]) {
      const decoder = new FrameDecoder();
      const out: OutputChunk[] = [];
      out.push(...decoder.push(body.subarray(0, cut)));
      for (let offset = cut; offset < body.length; offset += size) {
        out.push(...decoder.push(body.subarray(offset, Math.min(body.length, offset + size))));
      }
      assert.deepEqual(merged(out), expected, `cut at ${cut}, then chunks of ${size}`);
      assert.equal(decoder.incomplete, false);
    }
  }
});

Deno.test("FrameDecoder reports a stream that ends inside a frame", () => {
  const decoder = new FrameDecoder();
  decoder.push(frame(1, "hello").subarray(0, 10));
  assert.equal(decoder.incomplete, true);
  const header = new FrameDecoder();
  header.push(new Uint8Array([1, 0, 0]));
  assert.equal(header.incomplete, true);
});

Deno.test("demultiplex() splits a chunked multiplexed body into stdout and stderr in order", async () => {
  const body = concat(frame(1, "a"), frame(2, "b"), frame(1, "c".repeat(70_000)));
  const chunks = [
    body.subarray(0, 5),
    body.subarray(5, 12),
    body.subarray(12, 20),
    body.subarray(20),
  ];
  const out = merged(await collect(streamOf(chunks), false));
  assert.deepEqual(out.map(([stream]) => stream), ["stdout", "stderr", "stdout"]);
  assert.equal(out[2]?.[1].length, 70_000);
});

Deno.test("demultiplex() passes TTY output through raw", async () => {
  const raw = encoder.encode("out\r\nerr\r\n");
  const out = await collect(streamOf([raw.subarray(0, 2), raw.subarray(2)]), true);
  assert.deepEqual(merged(out), [["stdout", "out\r\nerr\r\n"]]);
  // The same bytes read as frames would be garbage: the TTY flag decides, not the content.
  const framed = await collect(streamOf([frame(1, "x")]), true);
  assert.equal(framed[0]?.data.length, 9);
});

Deno.test("demultiplex() releases the body when the consumer stops early", async () => {
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(frame(1, "first"));
    },
    cancel() {
      cancelled = true;
    },
  });
  for await (const chunk of demultiplex(body, { tty: false })) {
    assert.equal(new TextDecoder().decode(chunk.data), "first");
    break;
  }
  assert.equal(cancelled, true);
});
