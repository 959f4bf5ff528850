import assert from "node:assert/strict";
import { ApiClient, ApiError, parseHost } from "../../../src/cli/api_client.ts";

Deno.test("parseHost adds http:// when the scheme is missing and drops trailing slashes", () => {
  assert.equal(parseHost("localhost:3000/"), "http://localhost:3000");
  assert.equal(parseHost("https://docket.example.com/base//"), "https://docket.example.com/base");
  assert.throws(() => parseHost(""), RangeError);
  assert.throws(() => parseHost("ftp://x"), /Cannot use host "ftp:\/\/x"/);
  assert.throws(() => parseHost("http://x/?a=1"), /no query or fragment/);
});

Deno.test("ApiClient reports a non-JSON error answer with its status and a snippet", async () => {
  const client = new ApiClient("http://docket", {
    fetch: () =>
      Promise.resolve(
        new Response("<h1>bad gateway</h1>", { status: 502, statusText: "Bad Gateway" }),
      ),
  });
  const error = await client.list().catch((e: unknown) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 502);
  assert.equal(
    error.message,
    "Cannot GET http://docket/: the server answered 502 Bad Gateway: <h1>bad gateway</h1>",
  );
});

Deno.test("ApiClient reports a success answer that is not JSON", async () => {
  const client = new ApiClient("http://docket", {
    fetch: () => Promise.resolve(new Response("hello")),
  });
  await assert.rejects(client.get("foo"), {
    name: "ApiError",
    message: "Cannot read docket's answer to GET http://docket/foo: not JSON: hello",
  });
});

Deno.test("ApiClient gives up after its timeout", async () => {
  const client = new ApiClient("http://docket", {
    timeoutMs: 1,
    fetch: (_url, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason))
      ),
  });
  await assert.rejects(client.list(), {
    name: "ApiError",
    message: "Cannot reach docket at http://docket: no answer within 1 ms",
  });
});

Deno.test("ApiClient sends the spec as JSON and refuses an empty name", async () => {
  const seen: { method: string; type: string | null; body: string }[] = [];
  const client = new ApiClient("http://docket", {
    fetch: async (url, init) => {
      const request = new Request(url, init);
      seen.push({
        method: request.method,
        type: request.headers.get("content-type"),
        body: await request.text(),
      });
      return new Response('{"created":true}', { status: 201 });
    },
  });
  const spec = { Name: "a", Cron: "@daily", Container: { Config: { Image: "x" } } };
  assert.deepEqual(await client.put(spec), { created: true });
  assert.deepEqual(seen, [{
    method: "POST",
    type: "application/json",
    body: JSON.stringify(spec),
  }]);
  await assert.rejects(client.delete(""), /Cannot delete allocation "": the name is empty/);
});

/** A client whose fetch records each request and answers with `body` (status 200). */
function recording(body: unknown) {
  const seen: string[] = [];
  const client = new ApiClient("http://docket", {
    fetch: (url, init) => {
      seen.push(`${init?.method ?? "GET"} ${url}`);
      return Promise.resolve(Response.json(body));
    },
  });
  return { client, seen };
}

Deno.test("ApiClient runs, run, trigger, suspend and resume send the documented requests", async () => {
  const summary = { Id: "r/1", Status: "succeeded" };
  const lists = recording([summary]);
  assert.deepEqual(await lists.client.runs("a b"), [summary]);
  assert.deepEqual(await lists.client.runs("a b", 5), [summary]);
  await assert.rejects(lists.client.runs("a", 0), RangeError);
  const runs = recording({ ...summary, Output: "hi\n" });
  assert.equal((await runs.client.run("foo", "r/1")).Output, "hi\n");
  await runs.client.run("foo", "r/1", { waitMs: 30_000 });
  await runs.client.run("foo", "r/1", { waitMs: 1500.2 });
  await runs.client.run("foo", "r/1", { waitMs: 19_999.8 });
  const started = recording({ Id: "r2" });
  assert.equal(await started.client.trigger("foo"), "r2");
  const controls = recording({ Name: "foo", Suspended: true });
  assert.equal((await controls.client.suspend("foo")).Suspended, true);
  await controls.client.resume("foo");
  assert.deepEqual(
    [...lists.seen, ...runs.seen, ...started.seen, ...controls.seen],
    [
      "GET http://docket/a%20b/runs",
      "GET http://docket/a%20b/runs?limit=5",
      "GET http://docket/foo/runs/r%2F1",
      "GET http://docket/foo/runs/r%2F1?wait=30s",
      "GET http://docket/foo/runs/r%2F1?wait=1501ms",
      "GET http://docket/foo/runs/r%2F1?wait=20s",
      "POST http://docket/foo/run",
      "POST http://docket/foo/suspend",
      "POST http://docket/foo/resume",
    ],
  );
});

Deno.test("ApiClient checks the answers of the run endpoints", async () => {
  await assert.rejects(recording({}).client.runs("foo"), {
    message: "Cannot read docket's answer to GET http://docket/foo/runs: expected a list of runs",
  });
  await assert.rejects(recording([]).client.run("foo", "r1"), /expected a run record$/);
  await assert.rejects(recording({ id: "r1" }).client.trigger("foo"), /expected \{"Id"/);
  await assert.rejects(recording([]).client.suspend("foo"), /expected an allocation$/);
  await assert.rejects(recording([]).client.run("foo", ""), /the run id is empty$/);
  await assert.rejects(recording([]).client.trigger(""), /Cannot run allocation "": the name/);
});

Deno.test("ApiClient gives a long poll its wait on top of its timeout", async () => {
  const client = new ApiClient("http://docket", {
    timeoutMs: 1,
    fetch: (_url, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason))
      ),
  });
  await assert.rejects(client.run("foo", "r1", { waitMs: 4 }), {
    name: "ApiError",
    message: "Cannot reach docket at http://docket: no answer within 5 ms",
  });
});
