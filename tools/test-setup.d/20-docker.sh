#!/usr/bin/env bash
# Containers for the test run (run by tools/test-setup.sh): Docker and compose from Debian when
# absent, dockerd started when it does not answer, and the images built offline (no registry:
# a base from the host's node + busybox, cluster/containers/base-image.ts).
# Where dockerd cannot run, this says why and carries on: the container tests then fail under
# CI=true with that reason (chaos/runtime/docker.test.ts), and are skipped outside CI.
set -uo pipefail
cd "$(dirname "$0")/../.."

say() { echo "20-docker: $*"; }

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  say "installing docker.io (Debian)"
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null); then
    say "cannot install docker.io; container tests will report why"
    exit 0
  fi
fi
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then
  say "installing docker-compose (Debian)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null || say "cannot install docker-compose"
fi
for tool in iptables nsenter; do
  command -v "$tool" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables util-linux >/dev/null || true
done

if ! timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  say "starting dockerd (log: /tmp/dockerd.log)"
  (dockerd >/tmp/dockerd.log 2>&1 &)
  for _ in $(seq 1 30); do
    timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1 && break
    sleep 1
  done
  if ! timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    say "dockerd does not start here: $(tail -1 /tmp/dockerd.log 2>/dev/null)"
    exit 0
  fi
fi
say "dockerd $(docker version --format '{{.Server.Version}}') answers"
# cgroup v1: every container sits under /docker, weighted like one host process; on a busy
# runner they starve (cluster/containers/cpu-weight.ts). `just up --runtime docker` does this too.
shares=/sys/fs/cgroup/cpu/docker/cpu.shares
if [ -w "$shares" ] && [ "$(cat "$shares")" -lt 8192 ]; then echo 8192 > "$shares" && say "containers' CPU weight raised to 8192"; fi

[ -d node_modules/tsx ] || npm ci --no-audit --no-fund
if ! node --import tsx cluster/containers/main.ts images --offline; then
  say "building the images failed; container tests will report why"
fi
exit 0
