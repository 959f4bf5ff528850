import assert from "node:assert/strict";
import { DockerError } from "../../../src/docker/errors.ts";
import { type PullProgress, readPullStream } from "../../../src/docker/pull.ts";

function streamOf(texts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const text of texts) controller.enqueue(encoder.encode(text));
      controller.close();
    },
  });
}

const SUCCESS = [
  `{"status":"Pulling from demo/app","id":"1.0"}`,
  `{"status":"Pulling fs layer","progressDetail":{},"id":"cb656daf9be1"}`,
  `{"status":"Downloading","progressDetail":{"current":125,"total":125},"progress":"[==>]","id":"cb656daf9be1"}`,
  `{"status":"Pull complete","progressDetail":{},"id":"cb656daf9be1"}`,
  `{"status":"Digest: sha256:1f5cd61d"}`,
  `{"status":"Status: Downloaded newer image for localhost:5000/demo/app:1.0"}`,
].join("\r\n") + "\r\n";

Deno.test("readPullStream() reads a successful pull to its end, lines split across chunks", async () => {
  const seen: PullProgress[] = [];
  const chunks = [
    SUCCESS.slice(0, 10),
    SUCCESS.slice(10, 11),
    SUCCESS.slice(11, 200),
    SUCCESS.slice(200),
  ];
  const summary = await readPullStream(streamOf(chunks), {
    onProgress: (progress) => seen.push(progress),
  });
  assert.equal(summary.messages, 6);
  assert.equal(summary.digest, "sha256:1f5cd61d");
  assert.equal(
    summary.lastStatus,
    "Status: Downloaded newer image for localhost:5000/demo/app:1.0",
  );
  assert.equal(seen.length, 6);
  assert.deepEqual(seen[2]?.progressDetail, { current: 125, total: 125 });
});

Deno.test("readPullStream() fails on an error line inside a 200 stream", async () => {
  const body = [
    `{"status":"Pulling from demo/broken","id":"1.0"}\n`,
    `{"status":"Verifying Checksum","progressDetail":{},"id":"0553616df6e5"}\n{"errorDetail":{"message":"filesystem layer verifi`,
    `cation failed for digest sha256:0553"},"error":"filesystem layer verification failed for digest sha256:0553"}\n`,
  ];
  await assert.rejects(
    readPullStream(streamOf(body), { operation: "pull image demo/broken" }),
    (error: unknown) => {
      assert.ok(error instanceof DockerError);
      assert.equal(error.kind, "stream");
      assert.equal(error.status, 200);
      assert.equal(
        error.message,
        "Cannot pull image demo/broken: filesystem layer verification failed for digest sha256:0553",
      );
      return true;
    },
  );
});

Deno.test("readPullStream() fails on a last error line without a trailing newline", async () => {
  await assert.rejects(
    readPullStream(streamOf([`{"status":"a"}\n{"error":"manifest unknown"}`])),
    /^DockerError: Cannot pull image: manifest unknown$/,
  );
  await assert.rejects(
    readPullStream(streamOf([`{"errorDetail":{}}`])),
    /the pull stream reported an error/,
  );
});

Deno.test("readPullStream() survives a throwing progress listener and blank lines", async () => {
  const summary = await readPullStream(streamOf(["\n", `{"status":"ok"}\n`, "\n"]), {
    onProgress: () => {
      throw new Error("listener bug");
    },
  });
  assert.equal(summary.lastStatus, "ok");
});
