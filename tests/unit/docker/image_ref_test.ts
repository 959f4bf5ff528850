import assert from "node:assert/strict";
import { parseImageRef } from "../../../src/docker/image_ref.ts";

const DIGEST = `sha256:${"ab12".repeat(16)}`;

Deno.test("parseImageRef() normalises a short name to docker.io/library with tag latest", () => {
  const ref = parseImageRef("busybox");
  assert.equal(ref.domain, "docker.io");
  assert.equal(ref.path, "library/busybox");
  assert.equal(ref.fromImage, "docker.io/library/busybox");
  assert.equal(ref.pullTag, "latest");
  assert.equal(ref.tag, undefined);
  assert.equal(ref.repository, "busybox");
  assert.equal(ref.displayTag, "latest");
  assert.equal(ref.canonical, "docker.io/library/busybox:latest");
});

Deno.test("parseImageRef() reads a tag", () => {
  const ref = parseImageRef("busybox:1.36");
  assert.equal(ref.fromImage, "docker.io/library/busybox");
  assert.equal(ref.tag, "1.36");
  assert.equal(ref.pullTag, "1.36");
  assert.equal(ref.repository, "busybox");
});

Deno.test("parseImageRef() keeps the registry port", () => {
  const ref = parseImageRef("localhost:5000/a/b:c");
  assert.equal(ref.domain, "localhost:5000");
  assert.equal(ref.path, "a/b");
  assert.equal(ref.fromImage, "localhost:5000/a/b");
  assert.equal(ref.pullTag, "c");
  assert.equal(ref.repository, "localhost:5000/a/b");

  const untagged = parseImageRef("registry:5000/x");
  assert.equal(untagged.domain, "registry:5000");
  assert.equal(untagged.path, "x");
  assert.equal(untagged.pullTag, "latest");
  assert.equal(untagged.repository, "registry:5000/x");
});

Deno.test("parseImageRef() treats localhost and dotted first components as registries", () => {
  assert.equal(parseImageRef("localhost/app").fromImage, "localhost/app");
  assert.equal(parseImageRef("ghcr.io/o/app").domain, "ghcr.io");
  assert.equal(parseImageRef("user/app").fromImage, "docker.io/user/app");
  assert.equal(parseImageRef("127.0.0.1:5000/x:1").fromImage, "127.0.0.1:5000/x");
  // Without a slash, "localhost:5000" is the name "localhost" with tag "5000", as in Docker.
  const bare = parseImageRef("localhost:5000");
  assert.equal(bare.fromImage, "docker.io/library/localhost");
  assert.equal(bare.pullTag, "5000");
});

Deno.test("parseImageRef() maps index.docker.io to docker.io", () => {
  const ref = parseImageRef("index.docker.io/ubuntu");
  assert.equal(ref.domain, "docker.io");
  assert.equal(ref.fromImage, "docker.io/library/ubuntu");
  assert.equal(ref.pullTag, "latest");
});

Deno.test("parseImageRef() pulls by digest", () => {
  const ref = parseImageRef(`repo@${DIGEST}`);
  assert.equal(ref.fromImage, "docker.io/library/repo");
  assert.equal(ref.digest, DIGEST);
  assert.equal(ref.pullTag, DIGEST);
  assert.equal(ref.repository, "repo");
  assert.equal(ref.canonical, `docker.io/library/repo@${DIGEST}`);
});

Deno.test("parseImageRef() lets the digest win over the tag", () => {
  const ref = parseImageRef(`app:1.0@${DIGEST}`);
  assert.equal(ref.fromImage, "docker.io/library/app");
  assert.equal(ref.pullTag, DIGEST);
  assert.equal(ref.tag, undefined);
  assert.equal(ref.repository, "app");
  assert.equal(parseImageRef(`localhost:5000/a/b:1@${DIGEST}`).pullTag, DIGEST);
});

Deno.test("parseImageRef() rejects uppercase repository paths", () => {
  assert.throws(
    () => parseImageRef("localhost:5000/Demo/App"),
    /^SyntaxError: Cannot parse image reference "localhost:5000\/Demo\/App": repository name "Demo\/App" must be lowercase$/,
  );
  assert.throws(() => parseImageRef("Busybox"), /must be lowercase/);
});

Deno.test("parseImageRef() rejects bare image ids and malformed references", () => {
  assert.throws(() => parseImageRef("a".repeat(64)), /is an image ID, not a repository name/);
  assert.throws(() => parseImageRef(""), /the reference is empty/);
  assert.throws(() => parseImageRef("busybox:"), /invalid tag ""/);
  assert.throws(() => parseImageRef("busybox@sha256:xyz"), /invalid digest/);
  assert.throws(() => parseImageRef("a//b"), /invalid repository name/);
  assert.throws(() => parseImageRef(" busybox"), /whitespace/);
});

Deno.test("parseImageRef() never produces an empty pull tag", () => {
  for (
    const reference of ["busybox", "a/b", "localhost:5000/x", "ghcr.io/o/app", `x@${DIGEST}`, "x:1"]
  ) {
    assert.notEqual(parseImageRef(reference).pullTag, "", reference);
  }
});
