/**
 * Image references, split the way Docker's distribution/reference does (`ParseNormalizedNamed`).
 *
 * @module
 */

/** The default registry. */
export const DEFAULT_DOMAIN = "docker.io";
const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
const OFFICIAL_REPO_PREFIX = "library/";
const DEFAULT_TAG = "latest";
const NAME_TOTAL_LENGTH_MAX = 255;

const ALPHANUMERIC = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const PATH_PATTERN = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_NAME_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN_PATTERN = new RegExp(
  `^(?:${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`,
);
const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
const DIGEST_PATTERN = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}$/;
const IMAGE_ID_PATTERN = /^[a-f0-9]{64}$/;

/** A parsed, normalised image reference. */
export interface ImageRef {
  /** The reference as written, e.g. `busybox`. */
  original: string;
  /** Registry host with optional port: `docker.io`, `localhost:5000`, `ghcr.io`. */
  domain: string;
  /** Repository path inside the registry: `library/busybox`, `a/b`. */
  path: string;
  /** Fully qualified name without tag or digest: `docker.io/library/busybox`. */
  name: string;
  /** The tag as written, if any (dropped when a digest is present). */
  tag?: string;
  /** The digest as written, if any: `sha256:…`. */
  digest?: string;
  /** `fromImage` for `POST /images/create`: same as {@linkcode ImageRef.name}. */
  fromImage: string;
  /** `tag` for `POST /images/create`: the digest if any, else the tag, else `latest`. Never empty. */
  pullTag: string;
  /** The repository as the user wrote it, without tag or digest: `busybox`, `localhost:5000/a/b`. */
  repository: string;
  /** The tag or digest for log texts: {@linkcode ImageRef.pullTag}. */
  displayTag: string;
  /** The canonical reference: `docker.io/library/busybox:latest`, or `name@digest`. */
  canonical: string;
}

function fail(reference: string, detail: string): never {
  throw new SyntaxError(`Cannot parse image reference "${reference}": ${detail}`);
}

/**
 * Parses an image reference like the docker CLI: `busybox` → `docker.io/library/busybox` tag `latest`;
 * `localhost:5000/a/b:c` → domain `localhost:5000`, path `a/b`, tag `c`; a digest wins over a tag.
 *
 * @example
 * ```ts
 * import { parseImageRef } from "./image_ref.ts";
 * const ref = parseImageRef("busybox");
 * console.assert(ref.fromImage === "docker.io/library/busybox" && ref.pullTag === "latest");
 * ```
 *
 * @param reference The reference as written in `Config.Image`.
 * @returns The parsed reference.
 * @throws {SyntaxError} for image IDs, uppercase repository paths and malformed references.
 */
export function parseImageRef(reference: string): ImageRef {
  if (reference === "") fail(reference, "the reference is empty");
  if (reference !== reference.trim()) fail(reference, "leading or trailing whitespace");
  if (IMAGE_ID_PATTERN.test(reference)) {
    fail(reference, "a 64-character hexadecimal string is an image ID, not a repository name");
  }

  // Split off the digest first: everything after the first "@".
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_PATTERN.test(digest)) fail(reference, `invalid digest "${digest}"`);
  }

  // splitDockerDomain: the first component is a domain if it contains "." or ":", is "localhost",
  // or has an uppercase letter.
  let domain: string;
  let remainder: string;
  const slash = rest.indexOf("/");
  const first = slash < 0 ? "" : rest.slice(0, slash);
  if (
    slash < 0 ||
    (!/[.:]/.test(first) && first !== "localhost" && first.toLowerCase() === first)
  ) {
    domain = DEFAULT_DOMAIN;
    remainder = rest;
  } else {
    domain = first;
    remainder = rest.slice(slash + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;

  // The tag is the first ":" after the domain, so "host:5000/a/b" keeps its port.
  let tag: string | undefined;
  const colon = remainder.indexOf(":");
  let path = remainder;
  if (colon >= 0) {
    tag = remainder.slice(colon + 1);
    path = remainder.slice(0, colon);
    if (!TAG_PATTERN.test(tag)) fail(reference, `invalid tag "${tag}"`);
  }
  if (path !== path.toLowerCase()) fail(reference, `repository name "${path}" must be lowercase`);
  if (domain === DEFAULT_DOMAIN && !path.includes("/")) path = OFFICIAL_REPO_PREFIX + path;
  if (path === "" || !PATH_PATTERN.test(path)) fail(reference, `invalid repository name "${path}"`);
  if (!DOMAIN_PATTERN.test(domain)) fail(reference, `invalid registry "${domain}"`);
  const name = `${domain}/${path}`;
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    fail(reference, `the repository name is longer than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }

  const tagStart = tag === undefined ? -1 : rest.length - tag.length - 1;
  const repository = tagStart >= 0 ? rest.slice(0, tagStart) : rest;
  const pullTag = digest ?? tag ?? DEFAULT_TAG;
  const canonical = digest !== undefined ? `${name}@${digest}` : `${name}:${tag ?? DEFAULT_TAG}`;
  const ref: ImageRef = {
    original: reference,
    domain,
    path,
    name,
    fromImage: name,
    pullTag,
    repository,
    displayTag: pullTag,
    canonical,
  };
  if (tag !== undefined && digest === undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}
