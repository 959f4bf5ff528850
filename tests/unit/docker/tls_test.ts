import assert from "node:assert/strict";
import { DockerClient } from "../../../src/docker/client.ts";
import { DockerError } from "../../../src/docker/errors.ts";

const hasOpenssl = await new Deno.Command("openssl", {
  args: ["version"],
  stdout: "null",
  stderr: "null",
})
  .output()
  .then((output) => output.success, () => false);

async function openssl(dir: string, args: string[]): Promise<void> {
  const output = await new Deno.Command("openssl", {
    args,
    cwd: dir,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(output.stderr)}`);
  }
}

/** A CA in `dir/ca.pem` and a certificate for 127.0.0.1/localhost signed by it, as `<name>.pem`/`<name>-key.pem`. */
async function makeCertificates(dir: string, names: string[]): Promise<void> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca-key.pem",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=ca",
  ]);
  await Deno.writeTextFile(`${dir}/ext.cnf`, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  for (const name of names) {
    await openssl(dir, [
      "req",
      ...ec,
      "-keyout",
      `${name}-key.pem`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    ]);
    await openssl(dir, [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca-key.pem",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "1",
      "-extfile",
      "ext.cnf",
    ]);
  }
}

Deno.test({
  name: "DockerClient.fromEnv() speaks TLS to tcp:// with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH",
  ignore: !hasOpenssl,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "docket-tls-" });
    const other = await Deno.makeTempDir({ prefix: "docket-tls-other-" });
    try {
      await makeCertificates(dir, ["server", "client"]);
      await makeCertificates(other, []);
      // The client reads ca.pem, cert.pem and key.pem from DOCKER_CERT_PATH.
      await Deno.rename(`${dir}/client.pem`, `${dir}/cert.pem`);
      await Deno.rename(`${dir}/client-key.pem`, `${dir}/key.pem`);
      const server = Deno.serve({
        hostname: "127.0.0.1",
        port: 0,
        cert: await Deno.readTextFile(`${dir}/server.pem`),
        key: await Deno.readTextFile(`${dir}/server-key.pem`),
        onListen: () => {},
      }, (request) => {
        const { pathname } = new URL(request.url);
        if (pathname === "/_ping") {
          return new Response("OK", { headers: { "Api-Version": "1.41" } });
        }
        return Response.json(pathname === "/v1.41/containers/json" ? [{ Id: "over-tls" }] : {}, {
          status: pathname === "/v1.41/containers/json" ? 200 : 404,
        });
      });
      const env = { DOCKER_HOST: `tcp://127.0.0.1:${server.addr.port}`, DOCKER_TLS_VERIFY: "1" };
      const trusted = DockerClient.fromEnv({ ...env, DOCKER_CERT_PATH: dir });
      const untrusted = DockerClient.fromEnv({ ...env, DOCKER_CERT_PATH: other });
      try {
        assert.deepEqual(await trusted.listContainers(), [{ Id: "over-tls" }]);
        await assert.rejects(untrusted.listContainers(), (error: unknown) => {
          assert.ok(error instanceof DockerError);
          assert.equal(error.kind, "connection");
          assert.match(
            error.message,
            new RegExp(`^Cannot connect to the Docker engine at ${env.DOCKER_HOST}: `),
          );
          return true;
        });
      } finally {
        trusted.close();
        untrusted.close();
        await server.shutdown();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(other, { recursive: true });
    }
  },
});
