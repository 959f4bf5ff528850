import assert from "node:assert/strict";
import { fooSpec, type TestApi } from "../../support/api.ts";
import { docket, unusedPort, withApi } from "./harness.ts";

async function seed(api: TestApi): Promise<void> {
  for (const name of ["foo", "bar"]) {
    const response = await api.call("POST", "/", fooSpec({ Name: name }));
    await response.body?.cancel();
  }
}

Deno.test("docket list prints 4-space JSON with a newline on stdout and the request line on stderr", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const expected = await (await api.call("GET", "/")).json();
    const run = await docket(["list", "--host", host]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `${JSON.stringify(expected, null, 4)}\n`);
    assert.equal(run.stderr, `GET ${host}/\n`);
    assert.deepEqual(JSON.parse(run.stdout).map((a: { Name: string }) => a.Name), ["foo", "bar"]);
  });
});

Deno.test("docket list prints [] when there are no allocations", async () => {
  await withApi(async ({ host }) => {
    const run = await docket(["list", "--host", host]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, "[]\n");
  });
});

Deno.test("docket get prints one allocation as 4-space JSON", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const expected = await (await api.call("GET", "/foo")).json();
    const run = await docket(["get", "foo", "--host", host]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `${JSON.stringify(expected, null, 4)}\n`);
    assert.equal(run.stderr, `GET ${host}/foo\n`);
    assert.equal(JSON.parse(run.stdout).Cron, "* * * * * *");
  });
});

Deno.test("docket get reports a 404 with the server's message and exits 1", async () => {
  await withApi(async ({ host }) => {
    const run = await docket(["get", "nope", "--host", host]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      `GET ${host}/nope\nError: Cannot find allocation "nope": no such name\n`,
    );
  });
});

Deno.test("docket delete prints Deleted NAME, with the request line ending in a newline", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const run = await docket(["delete", "foo", "--host", host]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, "Deleted foo\n");
    assert.equal(run.stderr, `DELETE ${host}/foo\n`);
    assert.equal(api.allocations.get("foo"), undefined);
    assert.ok(api.allocations.get("bar"));
  });
});

Deno.test("docket delete of an unknown name exits 1 with the server's message", async () => {
  await withApi(async ({ host }) => {
    const run = await docket(["delete", "ghost", "--host", host]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      /^DELETE .*\/ghost\nError: Cannot delete allocation "ghost": no such name\n$/,
    );
  });
});

Deno.test("docket client commands take the host from DOCKET_HOST and tolerate a trailing slash", async () => {
  await withApi(async ({ api, host }) => {
    await seed(api);
    const fromEnv = await docket(["get", "foo"], { env: { DOCKET_HOST: `${host}/` } });
    assert.equal(fromEnv.code, 0);
    assert.equal(fromEnv.stderr, `GET ${host}/foo\n`);
    const flagWins = await docket(["list", "--host", `${host}//`], {
      env: { DOCKET_HOST: "http://127.0.0.1:1" },
    });
    assert.equal(flagWins.code, 0);
    assert.equal(flagWins.stderr, `GET ${host}/\n`);
  });
});

Deno.test("docket get percent-encodes the name in the URL", async () => {
  await withApi(async ({ host }) => {
    const run = await docket(["get", "a b/c?d", "--host", host]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr.split("\n")[0], `GET ${host}/a%20b%2Fc%3Fd`);
  });
});

Deno.test("docket list says it cannot reach docket when nothing listens, without a stack trace", async () => {
  const host = `http://127.0.0.1:${unusedPort()}`;
  const run = await docket(["list", "--host", host]);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "");
  assert.equal(
    run.stderr,
    `GET ${host}/\nError: Cannot reach docket at ${host}: connection refused\n`,
  );
});

Deno.test("docket list refuses a host that is not an http URL", async () => {
  const run = await docket(["list", "--host", "ftp://example.com"]);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^Error: Cannot use host "ftp:\/\/example.com": give docket's http or https URL/,
  );
});

Deno.test("docket get requires a name", async () => {
  const run = await docket(["get"]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^Error: missing required argument 'name'\n/);
});
