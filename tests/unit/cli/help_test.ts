import assert from "node:assert/strict";
import { docket, REPO_ROOT } from "./harness.ts";

const COMMANDS = [
  "server",
  "push",
  "list",
  "get",
  "delete",
  "runs",
  "logs",
  "run",
  "suspend",
  "resume",
  "next",
];

Deno.test("docket --help lists every command on stdout and exits 0", async () => {
  for (const args of [["--help"], [], ["help"]]) {
    const run = await docket(args);
    assert.equal(run.code, 0);
    assert.equal(run.stderr, "");
    for (const command of COMMANDS) {
      assert.match(run.stdout, new RegExp(`^  ${command} `, "m"), `${args}: ${command}`);
    }
    assert.match(run.stdout, /DOCKET_HOST/);
    for (const example of ["docket runs foo", "docket logs foo", "docket run foo --wait"]) {
      assert.ok(run.stdout.includes(example), `${args}: ${example}`);
    }
  }
});

Deno.test("docket COMMAND --help describes its options", async () => {
  const expected: Record<string, string[]> = {
    server: [
      "--port <port>",
      "--hostname <host>",
      "--store <path>",
      "--max-logs <n>",
      "--max-runs <n>",
      "--max-concurrent-runs <n>",
      "--shutdown-timeout <duration>",
      "Security:",
    ],
    push: ["[file]", "--host <url>", "./docket.yml"],
    list: ["--host <url>"],
    get: ["<name>", "--host <url>"],
    delete: ["<name>", "--host <url>"],
    runs: ["<name>", "--limit <n>", "--table", "--host <url>", "Status is one of", "jq"],
    logs: ["<name>", "[run-id]", "--host <url>", "so that it pipes", "docket logs foo "],
    run: ["<name>", "--wait", "--timeout <duration>", "--host <url>", "exit code", "Forbid"],
    suspend: ["<name>", "--host <url>", "docket resume", "docket suspend foo"],
    resume: ["<name>", "--host <url>", "docket resume foo"],
    next: ["<expression...>", "--count <n>", "--from <instant>", "--tz <zone>", "6 fields"],
  };
  for (const [command, parts] of Object.entries(expected)) {
    const run = await docket([command, "--help"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, new RegExp(`^Usage: docket ${command} `));
    for (const part of parts) assert.ok(run.stdout.includes(part), `${command}: ${part}`);
    assert.ok(!run.stdout.includes("\x1b["), `${command}: no colour codes`);
  }
});

Deno.test("docket reports an unknown command and exits 1", async () => {
  const run = await docket(["bogus"]);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /^Error: unknown command 'bogus'\n/);
});

Deno.test("main.ts --help runs as a real process and exits 0", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "--help"],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const out = new TextDecoder().decode(stdout);
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.match(out, /^Usage: docket <command> \[options\]/);
  for (const command of COMMANDS) assert.match(out, new RegExp(`^  ${command} `, "m"));
});
