import assert from "node:assert/strict";
import { OUTPUT_TAIL_BYTES, OutputTail } from "../../../src/run/output_tail.ts";

const encode = (text: string) => new TextEncoder().encode(text);

Deno.test("OutputTail keeps everything below the cap, in arrival order", () => {
  const tail = new OutputTail();
  tail.push(encode("out-1\n"));
  tail.push(encode("err-1\n"));
  tail.push(encode("out-2\n"));
  assert.equal(tail.text(), "out-1\nerr-1\nout-2\n");
  assert.equal(tail.truncated, false);
  assert.equal(tail.totalBytes, 18);
});

Deno.test("OutputTail keeps the last 65536 bytes", () => {
  assert.equal(OUTPUT_TAIL_BYTES, 65536);
  const tail = new OutputTail();
  const lines = Array.from({ length: 10_000 }, (_, i) => `line ${String(i).padStart(5, "0")}\n`);
  for (const line of lines) tail.push(encode(line));
  const text = tail.text();
  assert.equal(text.length, 65536);
  assert.ok(text.endsWith("line 09999\n"));
  assert.equal(text, lines.join("").slice(-65536));
  assert.equal(tail.truncated, true);
  assert.equal(tail.totalBytes, 110_000);
});

Deno.test("OutputTail keeps the end of a single chunk larger than the cap", () => {
  const tail = new OutputTail(8);
  tail.push(encode("0123456789abcdef"));
  assert.equal(tail.text(), "89abcdef");
  tail.push(encode("XY"));
  assert.equal(tail.text(), "abcdefXY");
  assert.equal(tail.bytes().length, 8);
});

Deno.test("OutputTail drops a UTF-8 sequence cut at the start", () => {
  const tail = new OutputTail(4);
  tail.push(encode("aé€")); // 61 c3a9 e282ac: a cap of 4 cuts into "é"
  assert.equal(tail.text(), "€");
  const whole = new OutputTail(5);
  whole.push(encode("é€"));
  assert.equal(whole.text(), "é€");
});

Deno.test("OutputTail replaces invalid bytes that are not at a cut", () => {
  const tail = new OutputTail();
  tail.push(new Uint8Array([0x61, 0xff, 0x62]));
  assert.equal(tail.text(), "a\uFFFDb");
  assert.throws(() => new OutputTail(-1), /^RangeError: Cannot keep an output tail of -1 bytes/);
});
