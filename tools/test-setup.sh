#!/usr/bin/env bash
# Makes this machine ready for `npm test`: runs every tools/test-setup.d/*.sh in name order and
# stops at the first that fails, with its exit code (2: something is missing that only root can
# install; the step printed the command). TEST_SETUP=skip skips it all, for quick local runs.
set -uo pipefail
if [ "${TEST_SETUP:-}" = "skip" ]; then exit 0; fi
dir="$(cd "$(dirname "$0")" && pwd)/test-setup.d"
shopt -s nullglob
for step in "$dir"/*.sh; do
  bash "$step"
  code=$?
  if [ "$code" -ne 0 ]; then
    echo "test set-up: $(basename "$step") failed (exit $code); fix that, or run with TEST_SETUP=skip to test anyway" >&2
    exit "$code"
  fi
done
