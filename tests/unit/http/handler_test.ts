import assert from "node:assert/strict";
import { fooSpec, testApi } from "../../support/api.ts";

Deno.test("GET / lists nothing as []", async () => {
  const api = testApi();
  const response = await api.call("GET", "/");
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json; charset=UTF-8");
  assert.equal(await response.text(), "[]");
});

Deno.test("POST / creates (201) then updates (200), keeping logs and position", async () => {
  const api = testApi();
  let response = await api.call("POST", "/", fooSpec(), { "content-type": "application/json" });
  assert.equal(response.status, 201);
  assert.deepEqual(await response.json(), { created: true });
  assert.equal((await api.call("POST", "/", fooSpec({ Name: "bar" }))).status, 201);
  const foo = api.store.get("foo")!;
  api.store.appendLog("foo", foo.id, "2026-03-10T10:21:00.000+00:00, [started: abc]");

  response = await api.call("POST", "/", fooSpec({ Cron: "1 * * * * *" }));
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { created: false });

  const list = await (await api.call("GET", "/")).json();
  assert.deepEqual(list.map((a: { Name: string }) => a.Name), ["foo", "bar"]);
  assert.equal(list[0].Cron, "1 * * * * *");
  assert.deepEqual(list[0].Logs, ["2026-03-10T10:21:00.000+00:00, [started: abc]"]);
});

Deno.test("GET /:name shows the original's keys, the controls with their defaults, Next and LastRun", async () => {
  const api = testApi("2026-03-10T10:20:30.500Z");
  await api.call("POST", "/", fooSpec());
  const response = await api.call("GET", "/foo");
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.deepEqual(body, {
    Name: "foo",
    Cron: "* * * * * *",
    Container: {
      Config: { Image: "busybox:latest", Cmd: ["echo", "hello world"] },
      HostConfig: { AutoRemove: true },
    },
    TimeZone: null,
    ConcurrencyPolicy: "Allow",
    Timeout: null,
    PullPolicy: "Always",
    Suspended: false,
    StartingDeadline: null,
    Logs: [],
    Next: "2026-03-10T10:21:00.000Z",
    LastRun: null,
  });
});

Deno.test("POST / stores the scheduling controls and a fetched allocation posts back unchanged", async () => {
  const api = testApi("2026-03-10T10:20:30Z");
  const controls = {
    TimeZone: "Europe/Berlin",
    ConcurrencyPolicy: "Forbid",
    Timeout: "90s",
    PullPolicy: "IfNotPresent",
    Suspended: false,
    StartingDeadline: "5m",
  };
  assert.equal(
    (await api.call("POST", "/", fooSpec({ Cron: "0 12 * * *", ...controls }))).status,
    201,
  );
  const fetched = await (await api.call("GET", "/foo")).json();
  assert.deepEqual({ ...fetched, Logs: undefined, Next: undefined, LastRun: undefined }, {
    ...fooSpec({ Cron: "0 12 * * *" }),
    ...controls,
    Logs: undefined,
    Next: undefined,
    LastRun: undefined,
  });
  // 12:00 in Berlin is 11:00Z in March (CET).
  assert.equal(fetched.Next, "2026-03-10T11:00:00.000Z");
  assert.equal((await api.call("POST", "/", fetched)).status, 200);
  assert.deepEqual(await (await api.call("GET", "/foo")).json(), fetched);
});

Deno.test("POST / refuses bad scheduling controls with a 422 naming the field", async () => {
  const api = testApi();
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ TimeZone: "Mars/Olympus" }, "TimeZone", /IANA time zone/],
    [{ TimeZone: 5 }, "TimeZone", /TimeZone must be a string/],
    [{ ConcurrencyPolicy: "Sometimes" }, "ConcurrencyPolicy", /Allow, Forbid or Replace/],
    [{ Timeout: "soon" }, "Timeout", /duration such as 90s/],
    [{ Timeout: "0s" }, "Timeout", /positive duration/],
    [{ PullPolicy: "always" }, "PullPolicy", /Always, IfNotPresent or Never/],
    [{ Suspended: "yes" }, "Suspended", /true or false/],
    [{ StartingDeadline: "-5m" }, "StartingDeadline", /duration/],
  ];
  for (const [controls, field, message] of cases) {
    const response = await api.call("POST", "/", fooSpec(controls));
    assert.equal(response.status, 422, JSON.stringify(controls));
    const json = await response.json();
    assert.deepEqual(Object.keys(json.fields), [field]);
    assert.match(json.fields[field], message);
  }
  assert.equal(api.store.list().length, 0);
});

Deno.test("POST / accepts keys in any case and stores them canonically", async () => {
  const api = testApi();
  const response = await api.call("POST", "/", {
    name: "lower",
    CRON: "*/5 * * * *",
    container: {
      config: { image: "busybox", cmd: ["true"], labels: { "my.Label": "x" } },
      hostconfig: { autoremove: true },
    },
  });
  assert.equal(response.status, 201);
  const body = await (await api.call("GET", "/lower")).json();
  assert.deepEqual(body.Container, {
    Config: { Image: "busybox", Cmd: ["true"], Labels: { "my.Label": "x" } },
    HostConfig: { AutoRemove: true },
  });
  assert.equal(body.Cron, "*/5 * * * *");
});

Deno.test("POST / keeps unknown Docker fields as given and drops read-only keys of a fetched allocation", async () => {
  const api = testApi();
  await api.call("POST", "/", fooSpec());
  const fetched = await (await api.call("GET", "/foo")).json();
  fetched.Container.Config.SomeFutureField = { Nested: [1, 2] };
  fetched.Logs = ["forged"];
  assert.equal((await api.call("POST", "/", fetched)).status, 200);
  const again = await (await api.call("GET", "/foo")).json();
  assert.deepEqual(again.Container.Config.SomeFutureField, { Nested: [1, 2] });
  assert.deepEqual(again.Logs, []);
});

Deno.test("POST / refuses invalid allocations with 422 and the original's shape plus a message", async () => {
  const api = testApi();
  const cases: [unknown, Record<string, string>][] = [
    [{}, {
      Name: "Required",
      Cron: "Required",
      "Container.Config": "Config is required",
    }],
    [fooSpec({ Cron: "61 * * * *" }), { Cron: "syntax error in minute field: '61'" }],
    [fooSpec({ Cron: "*/0 * * * *" }), { Cron: "invalid interval */0" }],
    [fooSpec({ Cron: "nope" }), { Cron: "missing field(s)" }],
    [fooSpec({ Container: { Config: {} } }), { "Container.Config.Image": "Image is required" }],
    [fooSpec({ Container: {} }), { "Container.Config": "Config is required" }],
    [fooSpec({ Name: "a/b" }), {
      Name:
        "Name must be 1 to 128 characters: a letter or digit, then letters, digits, '_', '.' or '-'",
    }],
    [fooSpec({ Name: "x".repeat(129) }), {
      Name:
        "Name must be 1 to 128 characters: a letter or digit, then letters, digits, '_', '.' or '-'",
    }],
    [fooSpec({ Name: 5 }), { Name: "Name must be a string" }],
    [fooSpec({ Container: { Config: { Image: "busybox", Labels: { a: 1 } } } }), {
      "Container.Config.Labels.a": "Labels must be an object of strings",
    }],
  ];
  for (const [body, fields] of cases) {
    const response = await api.call("POST", "/", body);
    assert.equal(response.status, 422, JSON.stringify(body));
    const json = await response.json();
    assert.deepEqual(json.fields, fields, JSON.stringify(body));
    assert.deepEqual(json.overall, {});
    assert.match(json.error, /^Cannot accept allocation: /);
    for (const [path, message] of Object.entries(fields)) {
      assert.ok(json.error.includes(`${path}: ${message}`), json.error);
    }
  }
  assert.equal(await (await api.call("GET", "/")).text(), "[]");
});

Deno.test("POST / refuses a schedule that can never fire again, saying so", async () => {
  const api = testApi("2026-03-10T10:20:30Z");
  for (const cron of ["0 0 30 2 *", "0 0 1 1 * 2015"]) {
    const response = await api.call("POST", "/", fooSpec({ Cron: cron }));
    assert.equal(response.status, 422);
    const json = await response.json();
    assert.equal(json.fields.Cron, `Cron "${cron}" never fires after 2026-03-10T10:20:30.000Z`);
  }
});

Deno.test("POST / answers 400 with the parser's message for JSON it cannot decode", async () => {
  const api = testApi();
  for (const body of ["{bad", "", "   ", '{"Name":"a"} trailing', "\u0000"]) {
    const response = await api.call("POST", "/", body);
    assert.equal(response.status, 400, JSON.stringify(body));
    const json = await response.json();
    assert.match(json.error, /^Cannot read JSON body: /);
    assert.equal(typeof json.overall.DeserializationError, "string");
  }
  const response = await api.call("POST", "/", "{bad");
  assert.match((await response.json()).error, /line 1 column 2/);
});

Deno.test("POST / answers 422 for JSON that is not an object", async () => {
  const api = testApi();
  for (const body of ["null", "[]", "42", '"x"']) {
    const response = await api.call("POST", "/", body);
    assert.equal(response.status, 422, body);
  }
});

Deno.test("POST / answers 413 for a body over 1 MiB, and stores nothing", async () => {
  const api = testApi();
  const big = JSON.stringify(fooSpec({ Pad: "x".repeat(1024 * 1024) }));
  const response = await api.call("POST", "/", big);
  assert.equal(response.status, 413);
  assert.match((await response.json()).error, /larger than 1048576 bytes/);
  const streamed = await api.handler(
    new Request("http://docket/", {
      method: "POST",
      body: new Blob([big]).stream(),
    }),
  );
  assert.equal(streamed.status, 413);
  assert.equal(api.store.list().length, 0);
});

Deno.test("GET and DELETE of an unknown name answer 404 with a message", async () => {
  const api = testApi();
  let response = await api.call("GET", "/nope");
  assert.equal(response.status, 404);
  assert.deepEqual(await response.json(), { error: 'Cannot find allocation "nope": no such name' });
  response = await api.call("DELETE", "/nope");
  assert.equal(response.status, 404);
  assert.match((await response.json()).error, /Cannot delete allocation "nope"/);
});

Deno.test("DELETE /:name deletes and cancels future runs", async () => {
  const api = testApi("2026-03-10T10:20:30Z");
  await api.call("POST", "/", fooSpec());
  api.scheduler.start();
  const response = await api.call("DELETE", "/foo");
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { deleted: true });
  await api.clock.advanceTo("2026-03-10T10:25:00Z");
  assert.deepEqual(api.fired, []);
  assert.equal((await api.call("GET", "/foo")).status, 404);
  api.scheduler.stop();
});

Deno.test("Routes: unknown paths 404, wrong methods 405 with Allow, HEAD as GET, trailing slash, decoding", async () => {
  const api = testApi();
  await api.call("POST", "/", fooSpec({ Name: "with.dots-and_x" }));
  assert.equal((await api.call("GET", "/a/b/c")).status, 404);
  let response = await api.call("PUT", "/");
  assert.equal(response.status, 405);
  assert.equal(response.headers.get("allow"), "GET, POST, HEAD");
  await response.body?.cancel();
  response = await api.call("POST", "/with.dots-and_x");
  assert.equal(response.status, 405);
  assert.equal(response.headers.get("allow"), "GET, DELETE, HEAD");
  await response.body?.cancel();
  response = await api.call("HEAD", "/with.dots-and_x");
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "");
  assert.equal((await api.call("GET", "/with.dots-and_x/")).status, 200);
  assert.equal((await api.call("GET", "/with%2Edots-and_x")).status, 200);
  assert.equal((await api.call("GET", "/%E0%A4%A")).status, 400);
});

Deno.test("Scheduling: an allocation posted through the API fires at its exact instants", async () => {
  const api = testApi("2026-03-10T10:20:30.500Z");
  api.scheduler.start();
  await api.call("POST", "/", fooSpec({ Cron: "*/10 * * * * * *" }));
  await api.clock.advanceTo("2026-03-10T10:21:00Z");
  assert.deepEqual(api.fired.map((f) => f.instant), [
    "2026-03-10T10:20:40.000Z",
    "2026-03-10T10:20:50.000Z",
    "2026-03-10T10:21:00.000Z",
  ]);
  await api.call("POST", "/", fooSpec({ Cron: "0 0 * * *" }));
  assert.equal(
    (await (await api.call("GET", "/foo")).json()).Next,
    new Date(2026, 2, 11, 0, 0, 0).toISOString(), // midnight in the server's zone
  );
  api.scheduler.stop();
});
