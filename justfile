# Every recipe runs TypeScript through tsx; arguments pass through unchanged ("$@").
set positional-arguments
set shell := ["bash", "-cu"]
set quiet := true
set no-exit-message := true

# The second --import registers `--runtime docker` with the CLIs (cluster/common/runtime-commands.ts).
ts := "node --import tsx --import ./cluster/containers/register.ts"

# check-history runs as a JS bundle (built on demand, no tsx), and without NODE_EXTRA_CA_CERTS, which
# costs ~80 ms of CPU at every node start and is of no use to a checker that opens no connection.
check-history := "env -u NODE_EXTRA_CA_CERTS node chaos/checker/check-history.cjs"

# The load generator's process: its GC pauses land in corrected latency (docs/perf/2026-11-28-generator-pauses.md).
gen := "node --no-memory-reducer --single-threaded-gc --import tsx --import ./cluster/containers/register.ts"

# list the recipes
default:
    @npx just --list --unsorted

# deterministic Raft simulation: just sim --seeds N [--seed S] [--nodes 3|5]
sim *args:
    {{ts}} cluster/sim/cli.ts "$@"

# core throughput in simulation and storage fsync throughput
bench-raft *args:
    {{ts}} bench/raft/cli.ts "$@"

# start the local cluster (3 nodes + gateway) in the background
up *args:
    {{ts}} cluster/local/cli.ts up "$@"

# stop the local cluster
down *args:
    {{ts}} cluster/local/cli.ts down "$@"

# one table of the local cluster's nodes
status *args:
    {{ts}} cluster/local/cli.ts status "$@"

# print a node's (or every) log
logs *args:
    {{ts}} cluster/local/cli.ts logs "$@"

# wipe the local cluster's data
clean *args:
    {{ts}} cluster/local/cli.ts clean "$@"

# run the Toxiproxy-compatible server in the foreground
toxiproxy *args:
    {{ts}} chaos/proxy/cli.ts "$@"

# diff our proxy against a real toxiproxy-server (dev tool): just toxiproxy-compare --reference URL [--slow]
toxiproxy-compare *args:
    {{ts}} chaos/proxy/compare-servers.ts "$@"

# run a chaos experiment: just chaos <experiment>|list [options]
chaos *args:
    {{ts}} chaos/cli.ts "$@"

# undo every fault a runner left behind
heal *args:
    {{ts}} chaos/heal-cli.ts "$@"

# judge a stored chaos run again from its files, rewrite results.json and the report: just check <run-dir> [--budget 60s]
check *args:
    {{ts}} chaos/check-cli.ts "$@"

# check a Jepsen history file: just check-history FILE --format jepsen-cas|jepsen-kv
check-history *args:
    {{check-history}} "$@"

# benchmarks through the gateway: just bench <N>rps|max|sweep|soak|load|cluster|floor|etcd|compare (starts a cluster if none runs)
bench *args:
    {{gen}} bench/cli.ts "$@"

# the security path piece by piece: token check CPU, peer-like stream round trip plain/TLS x TCP_NODELAY/Nagle
bench-security-path *args:
    {{gen}} bench/security-path-cost.ts "$@"

# quick cluster benchmark: closed loop at 64 connections, then an even 500 writes/s (fsync always)
bench-cluster *args:
    {{gen}} bench/cli.ts cluster "$@"

# the seed's load test: 60 s, 10 clients, 100 to 500 writes/s
load *args:
    {{gen}} bench/cli.ts load "$@"

# render a run's HTML report: just report <run-dir> | compare <runA> <runB> | --all
report *args:
    {{ts}} reports/cli.ts "$@"

# the web UI on :8000 (DASHBOARD_PORT): live cluster status, writes, KV, metrics, runs
dashboard *args:
    {{ts}} reports/dashboard/main.ts "$@"

# Prometheus in the foreground scraping the local cluster (1 s): just monitoring [--port 9090]
monitoring *args:
    {{ts}} monitoring/cli.ts "$@"

# type-check the whole project
typecheck:
    npx tsc --noEmit -p tsconfig.json

# the test suite (same as npm test)
test *args:
    npm test -- "$@"

# check-history beside Porcupine, fresh processes: just bench-checker-porcupine [--porcupine DRIVER] [--runs 5] [FILE:FORMAT ...]
bench-checker-porcupine *args:
    {{ts}} chaos/checker/side-by-side-bench.ts "$@"

# a seeded 50-client kv history in Jepsen's format, valid or with one planted anomaly: just generate-history --out FILE [--anomaly stale-read]
generate-history *args:
    {{ts}} chaos/checker/generate-history-cli.ts "$@"

# container images for --runtime docker: just images [--offline|--online] (offline: a base from the host's node, no registry)
images *args:
    {{ts}} cluster/containers/main.ts images "$@"

# bearer tokens of the cluster: just token create --role read|write|admin [--name N] | list | revoke <id|name>
token *args:
    {{ts}} cluster/auth/token-cli.ts "$@"

# create the cluster CA and per-node certificates for mutual TLS on peer links (up does it too)
certs *args:
    {{ts}} cluster/auth/certs-cli.ts "$@"

# check the hash chain of audit logs: just audit verify [node]
audit *args:
    {{ts}} cluster/auth/audit-cli.ts "$@"
