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
if ! command -v docker-compose >/dev/null 2>&1; then
  say "installing docker-compose (Debian)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null || say "cannot install docker-compose"
fi
# The v2 plugin (`docker compose`): bookworm has none, trixie's docker-compose 2.x is a Go binary
# that runs here. Downloaded with a throwaway apt state (its own sources, lists and cache under a
# temp dir; bookworm's apt state is not touched), unpacked with dpkg-deb, and only its binary
# installed as /usr/local/lib/docker/cli-plugins/docker-compose.
plugin=/usr/local/lib/docker/cli-plugins/docker-compose
if ! docker compose version >/dev/null 2>&1; then
  say "installing the compose v2 plugin from Debian trixie's docker-compose as $plugin"
  tmp=$(mktemp -d /tmp/compose-v2.XXXXXX)
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/deb"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" >"$tmp/sources.list"
  aptopts=(-o "Dir::Etc::SourceList=$tmp/sources.list" -o Dir::Etc::SourceParts=/nonexistent -o "Dir::State::Lists=$tmp/lists"
    -o "Dir::Cache=$tmp/cache" -o APT::Sandbox::User=root -o Acquire::Languages=none -o "APT::Architectures=$(dpkg --print-architecture)")
  if apt-get "${aptopts[@]}" update -qq >/dev/null 2>&1 \
    && (cd "$tmp/deb" && apt-get "${aptopts[@]}" download -qq docker-compose >/dev/null 2>&1) \
    && dpkg-deb -x "$tmp"/deb/docker-compose_2.*.deb "$tmp/root" \
    && install -D -m 0755 "$tmp/root/usr/libexec/docker/cli-plugins/docker-compose" "$plugin" \
    && docker compose version >/dev/null 2>&1; then
    say "$(docker compose version)"
  else
    rm -f "$plugin"
    say "cannot install the compose v2 plugin (trixie's docker-compose); \`docker compose\` tests will report why"
  fi
  rm -rf "$tmp"
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
