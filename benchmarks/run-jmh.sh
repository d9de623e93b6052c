#!/usr/bin/env bash
# The JMH micro-benchmarks: builds the benchmarks module (and the starter it measures), then runs
# every benchmark (or those matching a regular expression) with the allocation profiler.
#
#   benchmarks/run-jmh.sh                       short run: 1 fork, 2 x 1 s warm-up, 3 x 1 s measured
#   benchmarks/run-jmh.sh --long                longer run: 2 forks, 5 x 2 s warm-up, 5 x 2 s measured
#   benchmarks/run-jmh.sh PropertyLookup        only the benchmarks matching the expression
#   benchmarks/run-jmh.sh -- -p format=yaml     anything after -- goes to JMH as is (-h lists it)
#
# Results: printed, and written to benchmarks/target/jmh-results.txt (and .json); set
# JMH_RESULTS=PATH (without extension) to write them elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

settings=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
patterns=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --long) settings=(-f 2 -wi 5 -w 2s -i 5 -r 2s); shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) patterns+=("$1"); shift ;;
  esac
done

./mvnw -q -B -pl benchmarks -am package -DskipTests
results="${JMH_RESULTS:-benchmarks/target/jmh-results}"
mkdir -p "$(dirname "$results")"
java -cp "benchmarks/target/classes:$(cat benchmarks/target/jmh-classpath.txt)" org.openjdk.jmh.Main \
  "${settings[@]}" -prof gc -rf json -rff "$results.json" \
  "${patterns[@]+"${patterns[@]}"}" "${extra[@]+"${extra[@]}"}" 2>&1 | tee "$results.txt"
