#!/usr/bin/env bash
# Prepares a machine for docket's integration tests, by hand or from CI:
#   1. installs a Docker engine (Debian's docker.io) when no `dockerd` is on PATH;
#   2. starts `dockerd` in the background when `docker info` does not answer;
#   3. installs busybox-static, docker-registry and htpasswd (tests start a local registry);
#   4. imports `busybox:latest` from busybox-static when the engine lacks it (no registry needed).
# Idempotent: each step is skipped when its result is already there. Needs root for steps 1–3.
set -euo pipefail

log() { printf 'test-engine: %s\n' "$*" >&2; }

need_packages=()
command -v dockerd >/dev/null 2>&1 || need_packages+=(docker.io)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx sh || need_packages+=(busybox-static)
command -v docker-registry >/dev/null 2>&1 || need_packages+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || need_packages+=(apache2-utils)
if [ "${#need_packages[@]}" -gt 0 ]; then
  log "installing ${need_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd (log: /var/log/docket-dockerd.log)"
  nohup dockerd >/var/log/docket-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { log "dockerd did not come up"; tail -20 /var/log/docket-dockerd.log >&2; exit 1; }
fi

if ! docker image inspect busybox:latest >/dev/null 2>&1; then
  log "importing busybox:latest from /bin/busybox"
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  tar -C "$root" -c . | docker import --change 'CMD ["sh"]' - busybox:latest >/dev/null
fi

log "ready: $(docker version --format 'engine {{.Server.Version}}, API {{.Server.APIVersion}}')"
