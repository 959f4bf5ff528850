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
