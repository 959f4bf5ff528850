import assert from "node:assert/strict";
import {
  ApiVersionNegotiator,
  chooseApiVersion,
  compareApiVersions,
  MAX_API_VERSION,
  type VersionProbe,
} from "../../../src/docker/api_version.ts";
import { DockerError } from "../../../src/docker/errors.ts";

Deno.test("compareApiVersions() compares minor versions numerically", () => {
  assert.ok(compareApiVersions("1.9", "1.30") < 0);
  assert.ok(compareApiVersions("1.41", "1.41") === 0);
  assert.ok(compareApiVersions("v1.47", "1.41") > 0);
  assert.ok(compareApiVersions("2.0", "1.99") > 0);
});

Deno.test("chooseApiVersion() caps at our maximum and respects the daemon's minimum", () => {
  assert.equal(MAX_API_VERSION, "1.47");
  assert.equal(chooseApiVersion({ apiVersion: "1.41" }), "1.41");
  assert.equal(chooseApiVersion({ apiVersion: "1.56" }), "1.47");
  assert.equal(chooseApiVersion({ apiVersion: "1.56", minApiVersion: "1.50" }), "1.50");
  assert.equal(chooseApiVersion({ apiVersion: "1.56", minApiVersion: "1.12" }), "1.47");
});

Deno.test("chooseApiVersion() refuses daemons older than 1.30", () => {
  assert.throws(
    () => chooseApiVersion({ apiVersion: "1.24", minApiVersion: "1.12" }),
    (error: unknown) =>
      error instanceof DockerError && error.kind === "version" &&
      error.message ===
        "Cannot use the Docker engine: its API version 1.24 is older than 1.30, the oldest docket supports",
  );
});

function fakeProbe(
  answers: { ping: () => Promise<{ apiVersion?: string }>; min?: string; version?: string },
) {
  const calls = { ping: 0, version: 0 };
  const probe: VersionProbe = {
    ping: () => {
      calls.ping++;
      return answers.ping();
    },
    version: () => {
      calls.version++;
      const info: { ApiVersion?: string; MinAPIVersion?: string } = {};
      if (answers.version !== undefined) info.ApiVersion = answers.version;
      if (answers.min !== undefined) info.MinAPIVersion = answers.min;
      return Promise.resolve(info);
    },
  };
  return { probe, calls };
}

Deno.test("ApiVersionNegotiator uses a pinned version without asking the daemon", async () => {
  const { probe, calls } = fakeProbe({
    ping: () => Promise.reject(new Error("must not be called")),
  });
  const negotiator = new ApiVersionNegotiator(probe, { pinned: "1.40" });
  assert.equal(await negotiator.get(), "1.40");
  assert.deepEqual(calls, { ping: 0, version: 0 });
});

Deno.test("ApiVersionNegotiator negotiates once for concurrent first calls and caches the result", async () => {
  const { probe, calls } = fakeProbe({ ping: () => Promise.resolve({ apiVersion: "1.41" }) });
  const negotiator = new ApiVersionNegotiator(probe);
  assert.equal(negotiator.current, undefined);
  const versions = await Promise.all([negotiator.get(), negotiator.get(), negotiator.get()]);
  assert.deepEqual(versions, ["1.41", "1.41", "1.41"]);
  assert.equal(await negotiator.get(), "1.41");
  assert.deepEqual(calls, { ping: 1, version: 0 });
});

Deno.test("ApiVersionNegotiator reads the daemon minimum only when capping a newer daemon", async () => {
  const { probe, calls } = fakeProbe({
    ping: () => Promise.resolve({ apiVersion: "1.56" }),
    min: "1.44",
  });
  assert.equal(await new ApiVersionNegotiator(probe).get(), "1.47");
  assert.equal(calls.version, 1);
  const raised = fakeProbe({ ping: () => Promise.resolve({ apiVersion: "1.60" }), min: "1.50" });
  assert.equal(await new ApiVersionNegotiator(raised.probe).get(), "1.50");
});

Deno.test("ApiVersionNegotiator falls back to /version when the ping has no Api-Version header", async () => {
  const { probe, calls } = fakeProbe({
    ping: () => Promise.resolve({}),
    version: "1.43",
    min: "1.24",
  });
  assert.equal(await new ApiVersionNegotiator(probe).get(), "1.43");
  assert.deepEqual(calls, { ping: 1, version: 1 });
});

Deno.test("ApiVersionNegotiator does not cache a failure: the next call retries", async () => {
  let up = false;
  const { probe, calls } = fakeProbe({
    ping: () =>
      up ? Promise.resolve({ apiVersion: "1.41" }) : Promise.reject(new Error("engine down")),
  });
  const negotiator = new ApiVersionNegotiator(probe);
  await assert.rejects(negotiator.get(), /engine down/);
  up = true;
  assert.equal(await negotiator.get(), "1.41");
  assert.equal(calls.ping, 2);
});

Deno.test("ApiVersionNegotiator refuses an old daemon and renegotiates after reset()", async () => {
  let daemon = "1.25";
  const { probe } = fakeProbe({ ping: () => Promise.resolve({ apiVersion: daemon }) });
  const negotiator = new ApiVersionNegotiator(probe);
  await assert.rejects(negotiator.get(), /API version 1.25 is older than 1.30/);
  daemon = "1.41";
  assert.equal(await negotiator.get(), "1.41");
  daemon = "1.44";
  assert.equal(await negotiator.get(), "1.41");
  negotiator.reset();
  assert.equal(await negotiator.get(), "1.44");
});

Deno.test("ApiVersionNegotiator.get() rejects with the caller's abort reason", async () => {
  const { probe } = fakeProbe({ ping: () => new Promise(() => {}) });
  const negotiator = new ApiVersionNegotiator(probe);
  const controller = new AbortController();
  const pending = negotiator.get(controller.signal);
  controller.abort(new Error("shutting down"));
  await assert.rejects(pending, /shutting down/);
});
