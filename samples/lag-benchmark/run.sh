#!/usr/bin/env bash
# Builds the benchmark (and the starter it measures) and runs it with the published settings.
# Any argument is passed on, for example: samples/lag-benchmark/run.sh --updates=500
# The table is printed and written to samples/lag-benchmark/target/benchmark-results.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -pl samples/lag-benchmark -am package -DskipTests
exec java -jar samples/lag-benchmark/target/lag-benchmark.jar "$@"
