#!/usr/bin/env bash
# The end-to-end harness: builds the benchmarks module (and the starter it measures) and runs the
# lag, refresh-cost, scale and idle sections with the published settings. Any argument is passed
# on, for example: benchmarks/run.sh --updates=500 (--help lists them).
# The table is printed and written to benchmarks/target/benchmark-results.md (or --output=PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl benchmarks -am package -DskipTests
exec java -jar benchmarks/target/lag-benchmark.jar "$@"
