import assert from "node:assert/strict";
import { join } from "node:path";
import { docket, REPO_ROOT, unusedPort, withApi } from "./harness.ts";

const names = (api: { allocations: { list(): { spec: { Name: string } }[] } }) =>
  api.allocations.list().map((a) => a.spec.Name);

Deno.test("docket push creates the repo's docket.yml items, then updates them on a second push", async () => {
  await withApi(async ({ api, host }) => {
    const first = await docket(["push", "docket.yml", "--host", host], {
      cwd: REPO_ROOT,
      realFiles: true,
    });
    assert.equal(first.stderr, `POST ${host}/\n`.repeat(3));
    assert.equal(first.code, 0);
    assert.equal(
      first.stdout,
      "Created allocation foo\nCreated allocation bar\nCreated allocation baz\n",
    );
    assert.deepEqual(names(api), ["foo", "bar", "baz"]);
    const bar = api.allocations.get("bar")!.spec;
    assert.deepEqual(bar.Container, {
      Config: { Image: "openjdk:7-jre-alpine", Cmd: ["/bin/sh", "-c", "echo its bar"] },
      HostConfig: { AutoRemove: true },
    });
    assert.equal(bar.Cron, "* * * * * *");

    const second = await docket(["push", "docket.yml", "--host", host], {
      cwd: REPO_ROOT,
      realFiles: true,
    });
    assert.equal(second.code, 0);
    assert.equal(
      second.stdout,
      "Updated allocation foo\nUpdated allocation bar\nUpdated allocation baz\n",
    );
  });
});

Deno.test("docket push reads ./docket.yml in the working directory when no file is given", async () => {
  const dir = await Deno.makeTempDir({ prefix: "docket_push_" });
  try {
    await Deno.writeTextFile(
      join(dir, "docket.yml"),
      '- Name: only\n  Cron: "@daily"\n  Container: {Config: {Image: busybox}}\n',
    );
    await withApi(async ({ api, host }) => {
      const run = await docket(["push"], { cwd: dir, realFiles: true, env: { DOCKET_HOST: host } });
      assert.equal(run.code, 0);
      assert.equal(run.stdout, "Created allocation only\n");
      assert.deepEqual(names(api), ["only"]);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("docket push without a file says how to fix a missing ./docket.yml", async () => {
  const dir = await Deno.makeTempDir({ prefix: "docket_push_" });
  try {
    const run = await docket(["push"], { cwd: dir, realFiles: true });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      "Error: Cannot read docket.yml: no such file (run docket push FILE, or create ./docket.yml)\n",
    );
  } finally {
    await Deno.remove(dir);
  }
});

Deno.test("docket push reports a missing FILE by the name given", async () => {
  const run = await docket(["push", "jobs.yml"]);
  assert.equal(run.code, 1);
  assert.equal(run.stderr, "Error: Cannot read jobs.yml: no such file\n");
});

Deno.test("docket push reports YAML errors with line and column, and sends nothing", async () => {
  await withApi(async ({ api, host }) => {
    const text = [
      "- Name: foo",
      '  Cron: "* * * * *"',
      "  Container: {Config: {Image: busybox}}",
      "- Name: bar",
      "  Cron: * * * * *",
      "  Container: {Config: {Image: busybox}}",
    ].join("\n");
    const run = await docket(["push", "docket.yml", "--host", host], {
      files: { "/work/docket.yml": text },
    });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      /^Error: Cannot read docket\.yml: line 5, column 9: Alias cannot be an empty string \(quote values that start with \*.*\)\n$/,
    );
    assert.deepEqual(names(api), []);
  });
});

Deno.test("docket push treats duplicate keys as errors", async () => {
  const text = '- Name: foo\n  Cron: "@daily"\n  Name: bar\n  Container: {Config: {Image: x}}\n';
  const run = await docket(["push"], { files: { "/work/docket.yml": text } });
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr,
    "Error: Cannot read docket.yml: line 3, column 3: Map keys must be unique\n",
  );
});

Deno.test("docket push reports every invalid item with index, name, field and position, and sends nothing", async () => {
  await withApi(async ({ api, host }) => {
    const text = [
      /* 1 */ "- Name: foo",
      /* 2 */ '  Cron: "* * * * *"',
      /* 3 */ "  Container:",
      /* 4 */ "    Config:",
      /* 5 */ "      Image: busybox",
      /* 6 */ "- Name: bar",
      /* 7 */ '  Cron:   "61 * * * *"',
      /* 8 */ "  Container:",
      /* 9 */ "    Config:",
      /* 10 */ "      Image: busybox",
      /* 11 */ "- name: baz",
      /* 12 */ '  cron: "* * * * *"',
      /* 13 */ "  container:",
      /* 14 */ "    config:",
      /* 15 */ "      cmd: [echo]",
      /* 16 */ "-   Cron: '@hourly'",
    ].join("\n");
    const run = await docket(["push", "--host", host], { files: { "/work/docket.yml": text } });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      [
        `Error: docket.yml item 2 ("bar"), Cron (line 7, column 11): syntax error in minute field: '61'`,
        `Error: docket.yml item 3 ("baz"), Container.Config.Image (line 15, column 7): Image is required`,
        `Error: docket.yml item 4, Name (line 16, column 5): Required`,
        `Error: docket.yml item 4, Container.Config (line 16, column 5): Config is required`,
        "Error: Cannot push docket.yml: 3 of 4 allocations are invalid; nothing was sent",
        "",
      ].join("\n"),
    );
    assert.deepEqual(names(api), []);
  });
});

Deno.test("docket push refuses a document that is not a list, with a hint", async () => {
  const text = 'Name: foo\nCron: "* * * * *"\nContainer: {Config: {Image: busybox}}\n';
  const run = await docket(["push"], { files: { "/work/docket.yml": text } });
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr,
    "Error: Cannot read docket.yml: line 1, column 1: the file must be a list of allocations " +
      '(- Name: …); it holds a single mapping; start each allocation with "- "\n',
  );
});

Deno.test("docket push of an empty file or list prints a note and exits 0", async () => {
  for (const text of ["", "# nothing yet\n", "[]\n"]) {
    const run = await docket(["push"], { files: { "/work/docket.yml": text } });
    assert.equal(run.code, 0);
    assert.equal(run.stdout, "");
    assert.equal(run.stderr, "Nothing to push: docket.yml holds no allocations\n");
  }
});

Deno.test("docket push reads keys in any case, as YAML 1.1, and sends canonical JSON", async () => {
  await withApi(async ({ api, host }) => {
    const text = [
      "- name: lower",
      '  cron: "@hourly"',
      "  container:",
      "    config: {image: busybox, tty: yes, labels: {com.example.team: ops}}",
      "    hostconfig: {autoremove: yes}",
      "  host_config: {}",
    ].join("\n");
    const run = await docket(["push", "--host", host], { files: { "/work/docket.yml": text } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "Created allocation lower\n");
    assert.equal(
      run.stderr,
      `Warning: docket.yml item 1 ("lower"), host_config (line 6, column 3): unknown key, ignored\n` +
        `POST ${host}/\n`,
    );
    assert.deepEqual(api.allocations.get("lower")!.spec.Container, {
      Config: { Image: "busybox", Tty: true, Labels: { "com.example.team": "ops" } },
      HostConfig: { AutoRemove: true },
    });
  });
});

Deno.test("docket push points at the YAML node of a nested field, even a dotted label", async () => {
  const text = [
    "- Name: foo",
    '  Cron: "@daily"',
    "  Container:",
    "    Config:",
    "      Image: busybox",
    "      Labels:",
    "        com.example.team: 7",
  ].join("\n");
  const run = await docket(["push"], { files: { "/work/docket.yml": text } });
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^Error: docket\.yml item 1 \("foo"\), Container\.Config\.Labels\.com\.example\.team \(line 7, column 27\): /,
  );
});

Deno.test("docket push refuses two items with the same name", async () => {
  const item = (n: string) => `- Name: ${n}\n  Cron: "@daily"\n  Container: {Config: {Image: x}}\n`;
  const run = await docket(["push"], { files: { "/work/docket.yml": item("a") + item("a") } });
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^Error: docket\.yml item 2 \("a"\), Name \(line 4, column 9\): "a" is already item 1;/,
  );
});

Deno.test("docket push reports a rejected item, keeps going, and exits 1", async () => {
  await withApi(async ({ api, host }) => {
    // Fires on 2026-01-01 only: valid for a client in 2025, rejected by a server in March 2026.
    const text = [
      '- {Name: a, Cron: "@hourly", Container: {Config: {Image: x}}}',
      '- {Name: b, Cron: "0 0 1 1 * 2026", Container: {Config: {Image: x}}}',
      '- {Name: c, Cron: "@hourly", Container: {Config: {Image: x}}}',
    ].join("\n");
    const run = await docket(["push", "--host", host], {
      files: { "/work/docket.yml": text },
      now: "2025-06-01T00:00:00Z",
    });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "Created allocation a\nCreated allocation c\n");
    assert.match(
      run.stderr,
      /^POST .*\nPOST .*\nError: Cannot push allocation "b": Cron: Cron "0 0 1 1 \* 2026" never fires after 2026-03-10T10:20:30\.500Z\nPOST .*\nError: Cannot push 1 of 3 allocations from docket\.yml\n$/,
    );
    assert.deepEqual(names(api), ["a", "c"]);
  });
});

Deno.test("docket push stops when docket cannot be reached", async () => {
  const host = `http://127.0.0.1:${unusedPort()}`;
  const text = '- {Name: a, Cron: "@hourly", Container: {Config: {Image: x}}}\n' +
    '- {Name: b, Cron: "@hourly", Container: {Config: {Image: x}}}\n';
  const run = await docket(["push", "--host", host], { files: { "/work/docket.yml": text } });
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "");
  assert.equal(
    run.stderr,
    `POST ${host}/\nError: Cannot reach docket at ${host}: connection refused\n`,
  );
});
