#!/usr/bin/env bash
# The fleet figures of the rollout: builds the benchmarks module (and the starter it measures), then
# starts a fleet of instances on one kubelet volume and pushes a version that takes the application
# down, without and with config.lag.rollout.spread and verify-for. Any argument is passed on, for
# example: benchmarks/run-fleet.sh --instances=4 --spread=5s (--help lists them).
# The table is printed and written to benchmarks/target/fleet-results.md (or --output=PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl benchmarks -am package -DskipTests
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/jmh-classpath.txt)" \
  io.configlag.benchmark.FleetBenchmark "$@"
