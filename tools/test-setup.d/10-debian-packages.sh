#!/usr/bin/env bash
# The Debian packages the test suites run for real: Chromium (reports/ browser tests, through
# playwright-core), Prometheus and promtool (monitoring/), etcd (bench/etcd/, the reference).
# As root, installs what is missing with apt-get; otherwise prints the exact command and exits 2.
set -uo pipefail

# package  binary-that-proves-it  (paths are the ones the suites use)
wanted=(
  "chromium /usr/bin/chromium"
  "prometheus /usr/bin/prometheus"
  "prometheus /usr/bin/promtool"
  "etcd-server /usr/bin/etcd"
)

missing=()
for w in "${wanted[@]}"; do
  read -r pkg bin <<<"$w"
  if [ ! -x "$bin" ]; then
    case " ${missing[*]-} " in *" $pkg "*) ;; *) missing+=("$pkg") ;; esac
  fi
done
if [ ${#missing[@]} -eq 0 ]; then echo "test set-up: Debian packages present (chromium, prometheus, etcd-server)"; exit 0; fi

if [ "$(id -u)" -ne 0 ]; then
  echo "test set-up: missing Debian packages ${missing[*]}; install them as root with:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 2
fi

echo "test set-up: installing Debian packages ${missing[*]} (apt-get update, then apt-get install)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || { echo "test set-up: apt-get update failed" >&2; exit 1; }
apt-get install -y -qq "${missing[@]}" >/dev/null || { echo "test set-up: apt-get install ${missing[*]} failed" >&2; exit 1; }
for w in "${wanted[@]}"; do
  read -r pkg bin <<<"$w"
  [ -x "$bin" ] || { echo "test set-up: $pkg installed but $bin is still missing" >&2; exit 1; }
done
echo "test set-up: installed ${missing[*]}"
